"""A database too busy to answer in time (a statement timeout, a lock not had) is an outage the
client may retry: the error code UNAVAILABLE, never INTERNAL_SERVER_ERROR, and nothing written.
(Raised inside a resolver it is a field error, so the response is 200 with `data: null`, as for
every other outage met while executing.)"""

from __future__ import annotations

from sqlalchemy import text

from schema.ids import encode_id
from tests import factories as f
from tests.api.limits_kit import admin, app_with, ask
from tests.conftest import Api

RENAME = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { name } userErrors { field message code } }
}"""


async def test_a_write_that_waits_past_the_statement_timeout_is_unavailable(
    api: Api, database_url: str
) -> None:
    await admin(api)
    cid = await f.customer(api.engine, name="甲方")
    rename = {"input": {"customerId": encode_id("Customer", cid), "name": "乙方"}}
    async with api.engine.connect() as holder:
        # Another transaction holds the customer's row: the update waits on its lock.
        await holder.execute(text("SELECT 1 FROM customer WHERE id = :id FOR UPDATE"), {"id": cid})
        async with app_with(database_url, api.settings, statement_timeout_ms=150) as client:
            response = await ask(client, api, RENAME, variables=rename)
        await holder.rollback()
    assert response.status_code in (200, 503), response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert "retry" in error["message"]
    async with api.engine.connect() as conn:
        name = await conn.scalar(text("SELECT name FROM customer WHERE id = :id"), {"id": cid})
    assert name == "甲方"


async def test_a_read_cancelled_by_the_statement_timeout_is_unavailable(
    api: Api, database_url: str
) -> None:
    await admin(api)
    cid = await f.customer(api.engine, name="甲方")
    async with api.engine.connect() as holder:
        # An exclusive lock on the table stops even a read until the statement timeout.
        await holder.execute(text("LOCK TABLE customer IN ACCESS EXCLUSIVE MODE"))
        async with app_with(database_url, api.settings, statement_timeout_ms=150) as client:
            response = await ask(
                client,
                api,
                "query($id: ID!) { customer(id: $id) { name } }",
                variables={"id": encode_id("Customer", cid)},
            )
        await holder.rollback()
    assert response.status_code in (200, 503), response.text
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAVAILABLE"]
