"""CONTRACT §3 role by role, through HTTP with real signed tokens, over the world of `scenario`.

Every expectation (`roles_expected.py`) is written out by hand from the contract, record by
record, so a change of policy that widens or narrows a slice shows up here as a named record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from prism.settings import Settings
from schema.ids import encode_id
from tests.conftest import Api, StatementCounter, truncate_all
from tests.slices import scenario
from tests.slices.roles_expected import (
    C1_CHILDREN,
    C1_LIFETIME_VALUE,
    C1_TIMELINE,
    FEED_ROWS,
    ROOT_LISTS,
    ROOTS,
)
from tests.slices.scenario import Scenario


@pytest.fixture(scope="module")
async def api(
    app_and_engine: tuple[object, AsyncEngine],
    settings: Settings,
    engine: AsyncEngine,
    statement_counter: StatementCounter,
) -> AsyncIterator[Api]:
    """One client and one world for the whole module (every test here only reads), emptied
    at the end like the per-test `api` of conftest."""
    transport = httpx.ASGITransport(app=app_and_engine[0])  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
        yield Api(client, settings, engine, statement_counter)
    await truncate_all(engine)


@pytest.fixture(scope="module")
async def world(api: Api) -> Scenario:
    return await scenario.build(api.engine)


async def data_of(api: Api, query: str, sub: str, **variables: Any) -> dict[str, Any]:
    body = await api.query(query, variables or None, sub=sub)
    assert "errors" not in body, body
    data = body["data"]
    assert isinstance(data, dict)
    return data


def assert_connection(
    w: Scenario, connection: dict[str, Any], expected: set[str], what: str
) -> None:
    got = {n["id"] for n in connection["nodes"]}
    named = {w.gid(k): k for k in w.refs}
    assert got == w.gids(expected), (
        f"{what}: leaked {sorted(named.get(g, g) for g in got - w.gids(expected))}, "
        f"missing {sorted(expected - {named.get(g, g) for g in got})}"
    )
    assert connection["totalCount"] == len(expected), what


def without_budget(body: dict[str, Any]) -> dict[str, Any]:
    """The response but the viewer's remaining rate-limit budget, which each request lowers."""
    cost = {k: v for k, v in body.get("extensions", {}).get("cost", {}).items() if k != "remaining"}
    return {**body, "extensions": {**body.get("extensions", {}), "cost": cost}}


def root_lists_query(lists: list[str]) -> str:
    body = " ".join(f"{name}(first: 100) {{ totalCount nodes {{ id }} }}" for name in lists)
    return f"{{ {body} }}"


@pytest.mark.parametrize("sub", sorted(ROOTS))
async def test_root_lists_hold_exactly_the_slice(api: Api, world: Scenario, sub: str) -> None:
    expected = ROOTS[sub]
    data = await data_of(api, root_lists_query([n for n in ROOT_LISTS if n in expected]), sub)
    for name, names in expected.items():
        assert_connection(world, data[name], names, f"{sub} {name}")


@pytest.mark.parametrize("sub", sorted(ROOTS))
async def test_node_answers_only_inside_the_slice(api: Api, world: Scenario, sub: str) -> None:
    visible = set().union(*ROOTS[sub].values()) | FEED_ROWS[sub]
    records = sorted(world.all_records())
    data = await data_of(
        api,
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        sub,
        ids=[world.gid(n) for n in records],
    )
    seen = {name for name, node in zip(records, data["nodes"], strict=True) if node is not None}
    assert seen == visible, f"leaked {sorted(seen - visible)}, missing {sorted(visible - seen)}"


@pytest.mark.parametrize(
    ("sub", "outside"),
    [
        ("rep1", "c3"),
        ("rep1", "o2"),
        ("mgr", "c5"),
        ("pu1", "c3"),
        ("pu1", "i2"),
        ("tech1", "t5"),
        ("tech1", "k1b"),
        ("tech1", "v5"),
        ("tech2", "P2"),
        ("pu2", "P1"),
        ("pu1", "pu2"),
        ("agent", "o1"),
        ("tech1", "o1"),
    ],
)
async def test_a_record_outside_the_slice_looks_like_no_record(
    api: Api, world: Scenario, sub: str, outside: str
) -> None:
    type_name, pk = world.refs[outside]
    missing = encode_id(type_name, pk + 10_000)
    query = "query($id: ID!) { node(id: $id) { id } }"
    hidden = await api.post(query, {"id": world.gid(outside)}, sub=sub)
    nothing = await api.post(query, {"id": missing}, sub=sub)
    assert hidden.status_code == nothing.status_code == 200
    assert without_budget(hidden.json()) == without_budget(nothing.json())
    assert hidden.json()["data"] == {"node": None}
    assert "errors" not in hidden.json()


@pytest.mark.parametrize(("sub", "outside"), [("rep1", "c3"), ("pu1", "c6"), ("tech1", "c2")])
async def test_customer_by_id_outside_the_slice_is_null(
    api: Api, world: Scenario, sub: str, outside: str
) -> None:
    query = "query($id: ID!) { customer(id: $id) { id name } }"
    hidden = await api.query(query, {"id": world.gid(outside)}, sub=sub)
    nothing = await api.query(
        query, {"id": encode_id("Customer", world.pk(outside) + 10_000)}, sub=sub
    )
    assert without_budget(hidden) == without_budget(nothing)
    assert hidden["data"] == {"customer": None}
    assert "errors" not in hidden


@pytest.mark.parametrize("sub", sorted(C1_CHILDREN))
async def test_connections_under_a_visible_customer_are_cut_to_the_slice(
    api: Api, world: Scenario, sub: str
) -> None:
    expected = C1_CHILDREN[sub]
    fields = " ".join(f"{n}(first: 100) {{ totalCount nodes {{ id }} }}" for n in expected)
    data = await data_of(
        api, f"query($id: ID!) {{ customer(id: $id) {{ {fields} }} }}", sub, id=world.gid("c1")
    )
    for name, names in expected.items():
        assert_connection(world, data["customer"][name], names, f"{sub} c1.{name}")


@pytest.mark.parametrize("sub", sorted(C1_TIMELINE))
async def test_timeline_shows_only_the_slice_newest_first(
    api: Api, world: Scenario, sub: str
) -> None:
    data = await data_of(
        api,
        """query($id: ID!) { customer(id: $id) { timeline(first: 100) {
             totalCount nodes { __typename ... on Node { id } } } } }""",
        sub,
        id=world.gid("c1"),
    )
    timeline = data["customer"]["timeline"]
    assert [n["id"] for n in timeline["nodes"]] == [world.gid(n) for n in C1_TIMELINE[sub]]
    assert timeline["totalCount"] == len(C1_TIMELINE[sub])


@pytest.mark.parametrize("sub", sorted(C1_LIFETIME_VALUE))
async def test_lifetime_value_sums_only_deals_in_the_slice(
    api: Api, world: Scenario, sub: str
) -> None:
    data = await data_of(
        api, "query($id: ID!) { customer(id: $id) { lifetimeValue } }", sub, id=world.gid("c1")
    )
    assert Decimal(data["customer"]["lifetimeValue"]) == C1_LIFETIME_VALUE[sub]


async def test_a_technician_sees_only_their_own_visits_on_a_ticket(
    api: Api, world: Scenario
) -> None:
    query = """query($id: ID!) { ticket(id: $id) {
                 serviceVisits(first: 100) { totalCount nodes { id } } } }"""
    as_tech1 = await data_of(api, query, "tech1", id=world.gid("t1"))
    assert_connection(world, as_tech1["ticket"]["serviceVisits"], {"v1"}, "tech1 t1 visits")
    as_admin = await data_of(api, query, "admin", id=world.gid("t1"))
    assert_connection(world, as_admin["ticket"]["serviceVisits"], {"v1", "v5"}, "admin visits")


async def test_references_out_of_the_slice_resolve_to_null(api: Api, world: Scenario) -> None:
    """A technician's ticket names its customer, contact and asset, but not the sales owner."""
    data = await data_of(
        api,
        """query($id: ID!) { ticket(id: $id) {
             customer { id owner { id } partner { id } } contact { id } asset { id }
             assignee { id } } }""",
        "tech1",
        id=world.gid("t1"),
    )
    ticket = data["ticket"]
    assert ticket["customer"] == {"id": world.gid("c1"), "owner": None, "partner": None}
    assert ticket["contact"] == {"id": world.gid("k1")}
    assert ticket["asset"] == {"id": world.gid("a1")}
    assert ticket["assignee"] == {"id": world.gid("tech1")}


async def test_a_rep_sees_their_deal_but_not_someone_elses_customer(
    api: Api, world: Scenario
) -> None:
    data = await data_of(
        api,
        "query($id: ID!) { opportunity(id: $id) { id customer { id } owner { id } } }",
        "rep2",
        id=world.gid("o2"),
    )
    assert data["opportunity"] == {
        "id": world.gid("o2"),
        "customer": None,
        "owner": {"id": world.gid("rep2")},
    }


async def test_a_partner_user_sees_only_their_partner_through_references(
    api: Api, world: Scenario
) -> None:
    data = await data_of(
        api,
        """{ viewer { role user { id partner { id } } }
             users(first: 100) { nodes { id partner { id } } } }""",
        "pu1",
    )
    assert data["viewer"] == {
        "role": "PARTNER_USER",
        "user": {"id": world.gid("pu1"), "partner": {"id": world.gid("P1")}},
    }
    assert {u["partner"]["id"] for u in data["users"]["nodes"]} == {world.gid("P1")}
