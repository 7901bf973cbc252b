"""Relay pagination: walking any connection page by page, forwards or backwards, yields every
node exactly once, in the connection's order, with page info that tells the truth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

Data = dict[str, Any]
Extract = Callable[[Data], Data]
PAGE_ARGS = "first: $first, after: $after, last: $last, before: $before"
PAGE_VARS = "$first: Int, $after: String, $last: Int, $before: String"
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
PAGE = f"totalCount edges {{ cursor node {{ id }} }} {PAGE_INFO}"
TIMELINE_PAGE = PAGE.replace("node { id }", "node { __typename ... on Node { id } }")
MAX_PAGES = 300  # a walk that never ends is a failure, not a hang
ROOT_PAGE = (
    f"query({PAGE_VARS}, $order: CustomerOrder) "
    f"{{ customers(orderBy: $order, {PAGE_ARGS}) {{ {PAGE} }} }}"
)


def root_query(field: str) -> str:
    return f"query({PAGE_VARS}) {{ {field}({PAGE_ARGS}) {{ {PAGE} }} }}"


def customer_query(field: str, page: str = PAGE) -> str:
    connection = f"{field}({PAGE_ARGS}) {{ {page} }}"
    return f"query($id: ID!, {PAGE_VARS}) {{ customer(id: $id) {{ {connection} }} }}"


def newest_first(type_name: str, rows: list[tuple[datetime, int]]) -> list[str]:
    """The default order of time-ordered lists: newest first, then the highest id first."""
    return ids_of(type_name, [pk for _, pk in sorted(rows, reverse=True)])


def ids_of(type_name: str, pks: list[int]) -> list[str]:
    return [encode_id(type_name, pk) for pk in pks]


def at(*keys: str) -> Extract:
    def extract(data: Data) -> Data:
        for key in keys:
            data = data[key]
        return data

    return extract


async def fetch(api: Api, query: str, variables: Data, extract: Extract) -> Data:
    body = await api.query(query, variables, sub="admin")
    assert "errors" not in body, body
    conn = extract(body["data"])
    edges, info = conn["edges"], conn["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    return conn


async def walk_forward(api: Api, query: str, extract: Extract, k: int, **extra: Any) -> list[str]:
    """Follow `endCursor` until `hasNextPage` is false; return the node ids seen, in order."""
    seen: list[str] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        conn = await fetch(api, query, {**extra, "first": k, "after": after}, extract)
        seen += [e["node"]["id"] for e in conn["edges"]]
        info = conn["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        if not info["hasNextPage"]:
            return seen
        assert len(conn["edges"]) == k
        after = info["endCursor"]
    raise AssertionError("the forward walk never ended")


async def walk_backward(api: Api, query: str, extract: Extract, k: int, **extra: Any) -> list[str]:
    """Follow `startCursor` with `last` until `hasPreviousPage` is false."""
    seen: list[str] = []
    before: str | None = None
    for _ in range(MAX_PAGES):
        conn = await fetch(api, query, {**extra, "last": k, "before": before}, extract)
        seen = [e["node"]["id"] for e in conn["edges"]] + seen
        info = conn["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        if not info["hasPreviousPage"]:
            return seen
        assert len(conn["edges"]) == k
        before = info["startCursor"]
    raise AssertionError("the backward walk never ended")


async def assert_walks(
    api: Api, query: str, extract: Extract, expected: list[str], **extra: Any
) -> None:
    assert len(expected) >= 5
    assert len(set(expected)) == len(expected)
    for k in (1, 2, 3, len(expected), 100):
        assert await walk_forward(api, query, extract, k, **extra) == expected, k
        assert await walk_backward(api, query, extract, k, **extra) == expected, k
    whole = await fetch(api, query, {**extra, "first": 100}, extract)
    assert whole["totalCount"] == len(expected)
    assert whole["pageInfo"]["hasNextPage"] is False


async def seed_customers(api: Api) -> list[tuple[str, datetime, int]]:
    """Seven customers with repeated names and repeated update times, to test tie-breakers."""
    await f.user(api.engine, "ADMIN", external_id="admin")
    names = ["Echo", "Bravo", "Alpha", "Bravo", "Delta", "Echo", "Charlie"]
    rows = []
    for i, name in enumerate(names):
        updated = f.NOW - timedelta(hours=i // 2)
        pk = await f.customer(api.engine, name=name, updated_at=updated)
        rows.append((name, updated, pk))
    return rows


async def test_customers_default_order_is_newest_update_first(api: Api) -> None:
    rows = await seed_customers(api)
    expected = ids_of("Customer", [pk for _, _, pk in sorted(rows, key=lambda r: (r[1], r[2]))])
    await assert_walks(api, ROOT_PAGE, at("customers"), expected[::-1])


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_customers_by_name_in_both_directions(api: Api, direction: str) -> None:
    rows = await seed_customers(api)
    ordered = [pk for _, _, pk in sorted(rows, key=lambda r: (r[0], r[2]))]
    expected = ids_of("Customer", ordered if direction == "ASC" else ordered[::-1])
    order = {"field": "NAME", "direction": direction}
    await assert_walks(api, ROOT_PAGE, at("customers"), expected, order=order)


async def test_tickets_and_interactions_root_lists(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid = await f.customer(api.engine)
    tickets, interactions = [], []
    for i in range(7):
        created = f.NOW - timedelta(days=i // 3)
        tickets.append((created, await f.ticket(api.engine, cid, created_at=created)))
        occurred = f.NOW - timedelta(days=i // 2)
        interactions.append((occurred, await f.interaction(api.engine, cid, occurred_at=occurred)))
    await assert_walks(api, root_query("tickets"), at("tickets"), newest_first("Ticket", tickets))
    expected = newest_first("Interaction", interactions)
    await assert_walks(api, root_query("interactions"), at("interactions"), expected)


async def test_nested_connections_of_one_customer(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid, other = await f.customer(api.engine), await f.customer(api.engine)
    contacts, opportunities, tickets = [], [], []
    for i in range(6):
        name = f"Person {i % 3}"
        contacts.append((name, await f.contact(api.engine, cid, name=name)))
        updated = f.NOW - timedelta(days=i // 2)
        opportunities.append((updated, await f.opportunity(api.engine, cid, updated_at=updated)))
        created = f.NOW - timedelta(days=i // 4)
        tickets.append((created, await f.ticket(api.engine, cid, created_at=created)))
        await f.contact(api.engine, other, name=name)
        await f.ticket(api.engine, other, created_at=created)
    cases = {
        "contacts": ids_of("Contact", [pk for _, pk in sorted(contacts)]),
        "opportunities": newest_first("Opportunity", opportunities),
        "tickets": newest_first("Ticket", tickets),
    }
    customer_id = encode_id("Customer", cid)
    for field, expected in cases.items():
        await assert_walks(
            api, customer_query(field), at("customer", field), expected, id=customer_id
        )


async def entries_at(
    api: Api, cid: int, opp: int, ticket: int, when: datetime
) -> list[tuple[datetime, str, int]]:
    """One timeline entry of each source, all at `when`."""
    db, visit = api.engine, {"scheduled_start": when, "scheduled_end": when + timedelta(hours=1)}
    return [
        (when, "Interaction", await f.interaction(db, cid, occurred_at=when)),
        (when, "TicketEvent", await f.ticket_event(db, ticket, cid, occurred_at=when)),
        (when, "OpportunityStageChange", await f.stage_change(db, opp, cid, occurred_at=when)),
        (when, "ServiceVisit", await f.service_visit(db, ticket, cid, **visit)),
    ]


async def seed_timeline(api: Api, cid: int) -> list[tuple[datetime, str, int]]:
    """Every source four times at one shared instant, and again at distinct earlier times."""
    opp, ticket = await f.opportunity(api.engine, cid), await f.ticket(api.engine, cid)
    entries: list[tuple[datetime, str, int]] = []
    for i in range(4):
        for when in (f.NOW, f.NOW - timedelta(hours=i + 1, minutes=i)):
            entries += await entries_at(api, cid, opp, ticket, when)
    return entries


async def test_timeline_merges_sources_with_a_stable_tie_breaker(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid, other = await f.customer(api.engine), await f.customer(api.engine)
    entries = await seed_timeline(api, cid)
    await f.interaction(api.engine, other, occurred_at=f.NOW)
    # Newest first; at one instant, by type name then id, both descending.
    expected = [encode_id(kind, pk) for _, kind, pk in sorted(entries, reverse=True)]
    query = customer_query("timeline", TIMELINE_PAGE)
    extract = at("customer", "timeline")
    await assert_walks(api, query, extract, expected, id=encode_id("Customer", cid))


async def test_node_and_nodes_return_what_was_asked_in_order(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid = await f.customer(api.engine, name="Alpha")
    ticket = await f.ticket(api.engine, cid, subject="Pump leaks")
    ids = [encode_id("Ticket", ticket), encode_id("Customer", 999_999), encode_id("Customer", cid)]
    body = await api.query(
        """query($id: ID!, $ids: [ID!]!) {
             node(id: $id) { id ... on Customer { name } }
             nodes(ids: $ids) { id ... on Customer { name } ... on Ticket { subject } } }""",
        {"id": ids[2], "ids": ids},
        sub="admin",
    )
    assert "errors" not in body, body
    assert body["data"]["node"] == {"id": ids[2], "name": "Alpha"}
    assert body["data"]["nodes"] == [
        {"id": ids[0], "subject": "Pump leaks"},
        None,
        {"id": ids[2], "name": "Alpha"},
    ]


async def test_page_size_limits(api: Api) -> None:
    rows = await seed_customers(api)
    ok = await fetch(api, ROOT_PAGE, {"first": 0}, at("customers"))
    assert ok["edges"] == []
    assert ok["totalCount"] == len(rows)
    assert ok["pageInfo"]["hasNextPage"] is True
    full = await fetch(api, ROOT_PAGE, {"first": 100}, at("customers"))
    assert len(full["edges"]) == len(rows)
    cursor = full["edges"][3]["cursor"]
    for variables, name in (
        ({"first": 101}, "first"),
        ({"last": 101}, "last"),
        ({"first": -1}, "first"),
        ({"first": 2, "last": 2}, "first"),
        ({"first": 2, "before": cursor}, "before"),
        ({"last": 2, "after": cursor}, "after"),
    ):
        body = await api.query(ROOT_PAGE, variables, sub="admin")
        assert body["data"] is None or body["data"]["customers"] is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert f"`{name}`" in error["message"]


async def test_nested_pages_belong_to_their_own_customer(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    expected: dict[str, list[str]] = {}
    for i in range(4):
        cid = await f.customer(api.engine, name=f"Customer {i}")
        pks = [await f.contact(api.engine, cid, name=f"C{i} person {j}") for j in range(i + 1)]
        expected[f"Customer {i}"] = [f"C{i} person {j}" for j in range(len(pks))]
    body = await api.query(
        """{ customers(first: 3, orderBy: {field: NAME}) { nodes { name
             contacts(first: 2) { totalCount nodes { name } pageInfo { hasNextPage } } } } }""",
        sub="admin",
    )
    assert "errors" not in body, body
    customers = body["data"]["customers"]["nodes"]
    assert [c["name"] for c in customers] == ["Customer 0", "Customer 1", "Customer 2"]
    for customer in customers:
        names = expected[customer["name"]]
        contacts = customer["contacts"]
        assert [c["name"] for c in contacts["nodes"]] == names[:2]
        assert contacts["totalCount"] == len(names)
        assert contacts["pageInfo"]["hasNextPage"] is (len(names) > 2)


async def test_a_page_holds_at_most_100_nodes(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid = await f.customer(api.engine)
    contacts = [
        (f"Person {i:03d}", await f.contact(api.engine, cid, name=f"Person {i:03d}"))
        for i in range(101)
    ]
    expected = ids_of("Contact", [pk for _, pk in sorted(contacts)])
    extract, customer_id = at("customer", "contacts"), encode_id("Customer", cid)
    query = customer_query("contacts")
    first = await fetch(api, query, {"id": customer_id, "first": 100}, extract)
    assert [e["node"]["id"] for e in first["edges"]] == expected[:100]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == 101
    assert await walk_forward(api, query, extract, 100, id=customer_id) == expected
    assert await walk_backward(api, query, extract, 100, id=customer_id) == expected
