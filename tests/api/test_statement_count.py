"""The acceptance line: a query's SQL cost depends on its shape, never on how much data it reads.

Each connection, `totalCount`, reference and timeline member is one batched statement for the
whole request, so 50 children per list cost what 1 does, and 20 customers cost what 2 do.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

LISTS = ("contacts", "opportunities", "tickets", "assets", "contracts", "interactions", "timeline")
VIEW_360 = """
  name lifetimeValue owner { displayName } partner { name }
  contacts(first: $n) { totalCount nodes { name } }
  opportunities(first: $n) { totalCount nodes { name amount stage } }
  tickets(first: $n) { totalCount nodes { number assignee { displayName } asset { serialNumber } } }
  assets(first: $n) { totalCount nodes { serialNumber } }
  contracts(first: $n) { totalCount nodes { number } }
  interactions(first: $n) { totalCount nodes { summary } }
  timeline(first: $n) { totalCount nodes { __typename
    ... on Interaction { channel }
    ... on TicketEvent { kind toStatus }
    ... on OpportunityStageChange { toStage }
    ... on ServiceVisit { scheduledStart } } }
"""
ONE_CUSTOMER = f"query($id: ID!, $n: Int) {{ customer(id: $id) {{ {VIEW_360} }} }}"
MANY_CUSTOMERS = (
    f"query($first: Int, $n: Int) {{ customers(first: $first) {{ nodes {{ {VIEW_360} }} }} }}"
)


async def seed_customer(api: Api, children: int) -> int:
    """A customer with `children` rows in every list; every timeline source on every page."""
    db = api.engine
    owner = await f.user(db, "SALES_REP")
    technician = await f.user(db, "TECHNICIAN")
    cid = await f.customer(db, owner_id=owner, partner_id=await f.partner(db))
    for i in range(children):
        when = f.NOW - timedelta(minutes=i)
        await f.contact(db, cid)
        opp = await f.opportunity(db, cid, stage="CLOSED_WON", amount="100.00")
        await f.stage_change(db, opp, cid, occurred_at=when)
        asset = await f.asset(db, cid)
        ticket = await f.ticket(db, cid, assignee_id=technician, asset_id=asset)
        await f.ticket_event(db, ticket, cid, occurred_at=when)
        visit = {"scheduled_start": when, "scheduled_end": when + timedelta(hours=1)}
        await f.service_visit(db, ticket, cid, technician_id=technician, **visit)
        await f.contract(db, cid)
        await f.interaction(db, cid, occurred_at=when)
    return cid


async def counted(api: Api, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Run a query as the admin; return the statements it cost and its data."""
    before = api.counter.count
    body = await api.query(query, variables, sub="admin")
    assert "errors" not in body, body
    return api.counter.count - before, body["data"]


def assert_full(customer: dict[str, Any], children: int, page: int) -> None:
    """Every list holds `children` rows and shows a page of them, references included."""
    assert customer["owner"]["displayName"]
    assert customer["partner"]["name"]
    assert customer["lifetimeValue"] == f"{100 * children}.00"
    for field in LISTS:
        total = children * (4 if field == "timeline" else 1)
        assert customer[field]["totalCount"] == total, field
        assert len(customer[field]["nodes"]) == min(page, total), field
    for ticket in customer["tickets"]["nodes"]:
        assert ticket["assignee"]["displayName"]
        assert ticket["asset"]["serialNumber"]
    kinds = {n["__typename"] for n in customer["timeline"]["nodes"]}
    assert kinds == {"Interaction", "TicketEvent", "OpportunityStageChange", "ServiceVisit"}


async def test_one_customer_costs_the_same_with_1_or_50_children(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    small, large = await seed_customer(api, 1), await seed_customer(api, 50)
    small_count, small_data = await counted(
        api, ONE_CUSTOMER, {"id": encode_id("Customer", small), "n": 50}
    )
    large_count, large_data = await counted(
        api, ONE_CUSTOMER, {"id": encode_id("Customer", large), "n": 50}
    )
    assert_full(small_data["customer"], children=1, page=50)
    assert_full(large_data["customer"], children=50, page=50)
    assert small_count == large_count, (small_count, large_count)


async def test_twenty_customers_cost_what_two_do(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    for _ in range(20):
        await seed_customer(api, 3)
    two_count, two_data = await counted(api, MANY_CUSTOMERS, {"first": 2, "n": 5})
    twenty_count, twenty_data = await counted(api, MANY_CUSTOMERS, {"first": 20, "n": 5})
    assert len(two_data["customers"]["nodes"]) == 2
    assert len(twenty_data["customers"]["nodes"]) == 20
    for customer in twenty_data["customers"]["nodes"]:
        assert_full(customer, children=3, page=5)
    assert two_count == twenty_count, (two_count, twenty_count)
