"""Bad input to the read API is the client's mistake: BAD_USER_INPUT with a message naming the
problem, never a 500, an internal error, a stack trace or SQL."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "SELECT ")
BAD_AFTER, BAD_BEFORE = "Invalid cursor in `after`", "Invalid cursor in `before`"
CUSTOMER = "query($id: ID!) { customer(id: $id) { name } }"
CUSTOMERS = """query($filter: CustomerFilter, $order: CustomerOrder, $first: Int,
  $after: String, $before: String) { customers(filter: $filter, orderBy: $order,
  first: $first, after: $after, before: $before) { totalCount nodes { name } } }"""


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor(*values: Any) -> str:
    """A cursor we did not issue, crafted to look like one."""
    return b64(json.dumps(list(values)))


def assert_bad_input(response: httpx.Response, fragment: str) -> None:
    """One or more BAD_USER_INPUT errors, one naming the problem, and nothing leaked."""
    assert response.status_code in (200, 400), response.text
    for leak in LEAKS:
        assert leak not in response.text, response.text
    errors = response.json()["errors"]
    assert errors, response.text
    assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}, errors
    assert any(fragment in e["message"] for e in errors), errors


async def seeded(api: Api) -> int:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid = await f.customer(api.engine, name="Alpha")
    body = await api.query(CUSTOMER, {"id": encode_id("Customer", cid)}, sub="admin")
    assert body == {"data": {"customer": {"name": "Alpha"}}}
    return cid


@pytest.mark.parametrize(
    "bad_id",
    ["zzz", "", b64("Customer:abc"), b64("Customer:-1"), b64("Customer:0"), b64("Customer:01")],
)
async def test_malformed_ids(api: Api, bad_id: str) -> None:
    await seeded(api)
    for query in (CUSTOMER, "query($id: ID!) { node(id: $id) { id } }"):
        response = await api.post(query, {"id": bad_id}, sub="admin")
        assert_bad_input(response, "`id` is not a valid Prism ID")
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    response = await api.post(nodes, {"ids": [bad_id]}, sub="admin")
    assert_bad_input(response, "`id` is not a valid Prism ID")


async def test_more_than_100_ids(api: Api) -> None:
    cid = await seeded(api)
    ids = [encode_id("Customer", cid)] * 101
    response = await api.post(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, sub="admin"
    )
    assert_bad_input(response, "`ids` may hold at most 100 IDs")


async def test_an_id_of_another_type(api: Api) -> None:
    cid = await seeded(api)
    ticket = encode_id("Ticket", await f.ticket(api.engine, cid))
    response = await api.post(CUSTOMER, {"id": ticket}, sub="admin")
    assert_bad_input(response, "`id` must be the ID of a Customer")
    response = await api.post(
        CUSTOMERS, {"filter": {"ownerId": encode_id("Customer", cid)}}, sub="admin"
    )
    assert_bad_input(response, "`filter.ownerId` must be the ID of a User")


async def test_unknown_but_well_formed_ids_are_null(api: Api) -> None:
    cid = await seeded(api)
    body = await api.query(
        """query($missing: ID!, $alien: ID!, $ids: [ID!]!) { customer(id: $missing) { name }
             node(id: $alien) { id } nodes(ids: $ids) { id } }""",
        {
            "missing": encode_id("Customer", 999_999),
            "alien": b64("Spaceship:1"),
            "ids": [encode_id("Customer", 999_999), encode_id("Customer", cid)],
        },
        sub="admin",
    )
    assert body == {
        "data": {
            "customer": None,
            "node": None,
            "nodes": [None, {"id": encode_id("Customer", cid)}],
        }
    }


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"after": "garbage"}, BAD_AFTER),
        ({"before": "%%%"}, BAD_BEFORE),
        ({"after": b64("not json")}, BAD_AFTER),
        ({"after": cursor("yesterday", 1)}, BAD_AFTER),
        ({"after": cursor("2026-01-01T00:00:00", 1)}, BAD_AFTER),
        ({"after": cursor("2026-01-01T00:00:00+00:00", "1")}, BAD_AFTER),
        ({"after": cursor("2026-01-01T00:00:00+00:00", 2**63)}, BAD_AFTER),
        ({"after": cursor("2026-01-01T00:00:00+00:00")}, BAD_AFTER),
        ({"after": cursor({"a": 1}, 1), "order": {"field": "NAME"}}, BAD_AFTER),
        ({"after": cursor("A\u0000", 1), "order": {"field": "NAME"}}, BAD_AFTER),
        ({"after": cursor("0001-01-01T00:00:00+14:00", 1)}, BAD_AFTER),
        ({"first": -1}, "`first` must be between 0 and 100"),
        ({"filter": {"search": "华" * 10_000}}, "`filter.search` must be at most"),
        ({"filter": {"search": "华为\u0000"}}, "NUL"),
        ({"filter": {"industry": "电子\u0000"}}, "NUL"),
        ({"filter": {"region": ["MARS"]}}, "MARS"),
        ({"filter": {"updatedSince": "yesterday"}}, "updatedSince"),
        ({"filter": {"updatedSince": "0001-01-01T00:00:00+14:00"}}, "updatedSince"),
        ({"filter": {"updatedSince": "2026-01-01T00:00:00"}}, "updatedSince"),
        ({"first": "ten"}, "$first"),
        ({"order": {"field": "NAME", "direction": "SIDEWAYS"}}, "SIDEWAYS"),
    ],
)
async def test_bad_arguments(api: Api, variables: dict[str, Any], fragment: str) -> None:
    await seeded(api)
    response = await api.post(CUSTOMERS, variables, sub="admin")
    assert_bad_input(response, fragment)


@pytest.mark.parametrize("amount", ["1e1000000", "NaN", "-Infinity", [1]])
async def test_crafted_decimal_cursors(api: Api, amount: Any) -> None:
    cid = await seeded(api)
    await f.opportunity(api.engine, cid)
    query = """query($c: String) { opportunities(orderBy: {field: AMOUNT}, after: $c) {
      totalCount } }"""
    response = await api.post(query, {"c": cursor(amount, 1)}, sub="admin")
    assert_bad_input(response, BAD_AFTER)


async def test_bad_cursors_on_nested_connections_and_the_timeline(api: Api) -> None:
    cid = await seeded(api)
    await f.interaction(api.engine, cid)
    for field in ("contacts", "opportunities", "timeline"):
        connection = f"{field}(after: $c) {{ totalCount }}"
        query = f"query($id: ID!, $c: String) {{ customer(id: $id) {{ {connection} }} }}"
        response = await api.post(
            query, {"id": encode_id("Customer", cid), "c": "garbage"}, sub="admin"
        )
        assert_bad_input(response, BAD_AFTER)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("{ customers { nodes { noSuchField } } }", "noSuchField"),
        ("{ noSuchField }", "noSuchField"),
        ("{ customers(filter: {region: [MARS]}) { totalCount } }", "MARS"),
        ('{ customers(filter: {status: "ACTIVE"}) { totalCount } }', "CustomerStatus"),
        ("{ customers(first: 1.5) { totalCount } }", "1.5"),
        ("{ customers { nodes { name }", "Syntax Error"),
        ("query { customers(first: ) { totalCount } }", "Syntax Error"),
    ],
)
async def test_invalid_documents(api: Api, query: str, fragment: str) -> None:
    await seeded(api)
    assert_bad_input(await api.post(query, sub="admin"), fragment)


async def test_no_token_is_unauthenticated(api: Api) -> None:
    await seeded(api)
    response = await api.post("{ customers { totalCount } }")
    assert response.status_code == 401
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in error["message"]


async def test_an_unknown_user_is_unauthenticated(api: Api) -> None:
    await seeded(api)
    response = await api.post("{ customers { totalCount } }", sub="nobody-we-know")
    assert response.status_code == 401
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in response.json()
