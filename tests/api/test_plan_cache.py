"""A repeated read goes straight to its kept SQL; nothing it skips weakens a check.

`prism.plans` keeps, per role schema, each admitted operation down to its compiled statement.
These tests hold it to that: a repeat is planned once and still answered (and charged) like
the first; the same document from a role that may not ask it is refused; every viewer of a
role is served by the one plan and gets their own rows; literal-safe values go into the SQL
text and anything else stays a parameter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from persistence.sql_literals import literal
from prism import graphql_http
from prism.errors import is_unavailable
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

CUSTOMERS = "query($n: Int) { customers(first: $n) { totalCount nodes { id name creditLimit } } }"


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the read planner ran."""
    calls: list[int] = []
    real = graphql_http.ReadPlanner

    class Counting(real):  # type: ignore[misc,valid-type]
        def plan(self, operation: Any) -> Any:
            calls.append(1)
            return super().plan(operation)

    monkeypatch.setattr(graphql_http, "ReadPlanner", Counting)
    return calls


async def test_a_repeated_query_is_planned_once_and_answered_alike(
    api: Api, planned: list[int]
) -> None:
    admin = await f.user(api.engine, "ADMIN", external_id="cache-admin")
    await f.customer(api.engine, owner_id=admin)
    before = api.counter.count
    first = await api.post(CUSTOMERS, {"n": 5}, sub="cache-admin")
    middle = api.counter.count
    second = await api.post(CUSTOMERS, {"n": 5}, sub="cache-admin")
    # The data statement (and, with no NOTIFY listener in tests, the viewer's row): no more.
    assert api.counter.count - middle == middle - before <= 2
    assert first.headers["x-prism-read-path"] == second.headers["x-prism-read-path"] == "compiled"
    assert first.json()["data"] == second.json()["data"]
    assert "errors" not in second.json()
    # Charged again: the budget left goes down by the query's cost each time.
    cost = [r.json()["extensions"]["cost"] for r in (first, second)]
    assert cost[1]["remaining"] == cost[0]["remaining"] - cost[1]["requested"]
    assert len(planned) == 1
    await api.post(CUSTOMERS, {"n": 6}, sub="cache-admin")  # other variables: planned anew
    assert len(planned) == 2


async def test_a_document_kept_for_one_role_is_still_validated_for_another(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="cache-admin-2")
    await f.user(api.engine, "SALES_REP", external_id="cache-rep")
    allowed = await api.post(CUSTOMERS, {"n": 3}, sub="cache-admin-2")
    assert "errors" not in allowed.json()
    refused = await api.post(CUSTOMERS, {"n": 3}, sub="cache-rep")
    (error,) = refused.json()["errors"]
    assert "creditLimit" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"  # CONTRACT §5: invalid document


async def test_each_viewer_of_a_role_reads_their_own_rows_from_one_plan(
    api: Api, planned: list[int]
) -> None:
    """The statement is compiled once for the role; each request writes its viewer in."""
    reps = []
    for n in range(3):
        rep = await f.user(api.engine, "SALES_REP", external_id=f"cache-rep-{n}")
        reps.append(encode_id("Customer", await f.customer(api.engine, owner_id=rep)))
    query = "{ customers(first: 10) { nodes { id } } viewer { user { externalId } } }"
    for _ in range(2):
        for n, expected in enumerate(reps):
            response = await api.post(query, sub=f"cache-rep-{n}")
            assert response.headers["x-prism-read-path"] == "compiled"
            data = response.json()["data"]
            assert [c["id"] for c in data["customers"]["nodes"]] == [expected]
            assert data["viewer"]["user"]["externalId"] == f"cache-rep-{n}"
    assert len(planned) == 1


async def test_each_partner_reads_its_own_customers_from_one_plan(
    api: Api, planned: list[int]
) -> None:
    expected = {}
    for n in range(2):
        partner = await f.partner(api.engine)
        await f.user(
            api.engine, "PARTNER_USER", external_id=f"cache-dealer-{n}", partner_id=partner
        )
        customer = await f.customer(api.engine, partner_id=partner)
        expected[f"cache-dealer-{n}"] = [{"id": encode_id("Customer", customer)}]
    await f.customer(api.engine)  # nobody's partner: neither dealer sees it
    query = "{ customers(first: 10) { nodes { id } } }"
    for _ in range(2):
        for sub, nodes in expected.items():
            data = (await api.post(query, sub=sub)).json()["data"]
            assert data["customers"]["nodes"] == nodes
    assert len(planned) == 1


async def test_free_text_stays_a_parameter(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="cache-admin-3")
    name = "O'Brien $1 \\ '); DROP TABLE customer; --"
    cid = await f.customer(api.engine, name=name)
    query = "query($q: String) { customers(filter: {search: $q}) { nodes { id name } } }"
    for q in ("O'Brien", "); DROP TABLE", "$1 \\"):
        response = await api.post(query, {"q": q}, sub="cache-admin-3")
        assert response.headers["x-prism-read-path"] == "compiled"
        assert response.json()["data"]["customers"]["nodes"] == [
            {"id": encode_id("Customer", cid), "name": name}
        ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (42, "'42'"),
        (-(2**63), f"'{-(2**63)}'"),
        (True, "'true'"),
        (Decimal("12.50"), "'12.50'"),
        (datetime(2026, 10, 31, tzinfo=UTC), "'2026-10-31T00:00:00+00:00'"),
        ("CLOSED_WON", "'CLOSED_WON'"),
        (["NEW", "NULL"], '\'{"NEW","NULL"}\''),
        ([], "'{}'"),
    ],
)
def test_literal_safe_values_are_written_in(value: Any, text: str) -> None:
    assert literal(value) == text


@pytest.mark.parametrize(
    "value",
    [
        2**63,
        Decimal("NaN"),
        datetime(2026, 10, 31),  # no time zone: PostgreSQL would read it in its own
        "O'Brien",
        "a b",
        "",
        "x" * 200,
        ["ok", "not ok"],
        [1.5],
        None,
        1.5,
        b"bytes",
    ],
)
def test_anything_else_stays_a_parameter(value: Any) -> None:
    assert literal(value) is None


def test_a_server_out_of_connection_slots_is_an_outage() -> None:
    """Met in the bench while other suites shared the server: a 503 to retry, never a 500."""

    class TooManyClients(Exception):
        sqlstate = "53300"

    refused = DBAPIError("connect", None, TooManyClients("sorry, too many clients already"))
    assert is_unavailable(refused)
