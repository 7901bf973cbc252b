"""Server errors the fuzzing found, pinned as plain tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from prism.app import create_app, load_policy
from prism.settings import Settings
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

RECORD_VISIT = """
mutation($input: RecordServiceVisitInput!) {
  recordServiceVisit(input: $input) { serviceVisit { id } userErrors { field code message } }
}"""

LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id } userErrors { field code message } }
}"""


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-11-02T09:00:00", "2026-11-02T11:00:00+08:00", "scheduledStart"),
        ("2026-11-02T09:00:00+08:00", "2026-11-02T11:00:00", "scheduledEnd"),
        ("0001-01-01T00:00:00+14:00", "2026-11-02T11:00:00+08:00", "scheduledStart"),
    ],
)
async def test_a_visit_time_without_offset_or_out_of_range_is_bad_input(
    api: Api, start: str, end: str, field: str
) -> None:
    """It used to compare a naive with an aware time: INTERNAL_SERVER_ERROR."""
    await f.user(api.engine, "ADMIN", external_id="admin")
    ticket = await f.ticket(api.engine, await f.customer(api.engine))
    visit = {"ticketId": encode_id("Ticket", ticket), "scheduledStart": start, "scheduledEnd": end}
    body = await api.query(RECORD_VISIT, {"input": visit}, sub="admin")
    assert _only_error_on(body, "recordServiceVisit", field), body


async def test_an_interaction_time_without_offset_is_bad_input(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    customer = encode_id("Customer", await f.customer(api.engine))
    interaction = {
        "customerId": customer,
        "channel": "PHONE",
        "direction": "INBOUND",
        "summary": "called",
        "occurredAt": "2026-11-02T09:00:00",
    }
    body = await api.query(LOG_INTERACTION, {"input": interaction}, sub="admin")
    assert _only_error_on(body, "logInteraction", "occurredAt"), body


def _only_error_on(body: dict[str, Any], mutation: str, field: str) -> bool:
    """The mutation refused with exactly one BAD_USER_INPUT on `field`, and no request error."""
    if "errors" in body:
        return False
    errors = body["data"][mutation]["userErrors"]
    return [(e["field"], e["code"]) for e in errors] == [(field, "BAD_USER_INPUT")]


# A mutation whose payload has one failing field while a sibling field still reads: GraphQL
# cancels the sibling, whose statement is then still running on the request's transaction when
# the request commits. The connection went back to the pool mid-transaction, holding its locks.
CANCELLED_SIBLING = """
mutation($ticketId: ID!) {
  updateTicketStatus(input: {ticketId: $ticketId, status: ACCEPTED}) {
    ticket { customer { tickets(first: 1, last: 1) { totalCount } timeline { totalCount } } }
  }
}"""


@pytest.fixture
async def own_app(
    database_url: str, settings: Settings, db: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own, so a connection this test breaks cannot reach the shared one's pool."""
    app = create_app(settings, database_url)
    await load_policy(app.state.prism)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
            yield client
    finally:
        await app.state.prism.reads.aclose()
        await app.state.prism.engine.dispose()


async def test_a_payload_error_does_not_break_the_mutation_transaction(
    own_app: httpx.AsyncClient, settings: Settings, db: AsyncEngine
) -> None:
    await f.user(db, "ADMIN", external_id="admin")
    token = issue_dev_token(load_or_create_dev_key(settings.data_dir), "admin", "prism")
    headers = {"authorization": f"Bearer {token}"}
    customer = await f.customer(db)
    tickets = [await f.ticket(db, customer) for _ in range(5)]
    for ticket in tickets:
        variables = {"ticketId": encode_id("Ticket", ticket)}
        body = {"query": CANCELLED_SIBLING, "variables": variables}
        response = await own_app.post("/graphql", json=body, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        assert "INTERNAL_SERVER_ERROR" not in response.text
        assert "UNAVAILABLE" not in response.text
    async with db.connect() as conn:
        moved = await conn.scalar(text("SELECT count(*) FROM ticket WHERE status = 'ACCEPTED'"))
        idle = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND state = 'idle in transaction'"
            )
        )
    assert moved == len(tickets)
    assert idle == 0, "a request left its transaction open"
