"""The acceptance line: a query's SQL cost depends on its shape, never on how much data it reads.

Each connection, `totalCount`, reference and timeline member is one batched statement for the
whole request, so 50 children per list cost what 1 does, and 20 customers cost what 2 do.
And a repeated read, once its viewer is known, costs its one compiled statement and nothing
else: no viewer lookup, no rate-limit statement on the request path (two at most in all).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import httpx
from sqlalchemy import event

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from prism import ratelimit
from prism.app import create_app
from prism.settings import Settings
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


TWO_ROOTS = """query($id: ID!) {
  customer(id: $id) { name contacts(first: 5) { totalCount nodes { name } } }
  opportunities(first: 5) { totalCount nodes { name customer { name } owner { displayName } } }
}"""


async def test_a_read_request_costs_its_data_statement_and_nothing_else(
    api: Api, settings: Settings, database_url: str
) -> None:
    """The acceptance line of issue 8: one data statement per read, two at most in all.

    A separate server process (its own app, lifespan and NOTIFY listener, so the viewer is
    cached as in production); every statement on its pool and on the rate limiter's own pool
    is counted. Once the viewer is known and their minute is open, a read sends its one
    compiled statement: the viewer is not loaded again and the rate limit settles off the
    request path (its interval is stretched here so no settlement lands inside the count)."""
    rep = await f.user(api.engine, "SALES_REP", external_id="count-rep")
    customer = await f.customer(api.engine, owner_id=rep)
    for _ in range(3):
        await f.contact(api.engine, customer)
        await f.opportunity(api.engine, customer, owner_id=rep)
    variables = {"id": encode_id("Customer", customer)}
    bearer = "Bearer " + issue_dev_token(
        load_or_create_dev_key(settings.data_dir), "count-rep", "prism"
    )
    # The job worker is a process's background work, not a request's: off here.
    app = create_app(replace(settings, worker="off"), database_url)
    endpoint = app.state.graphql_endpoint
    sent: dict[str, list[str]] = {"pool": [], "limiter": []}
    engines = {"pool": app.state.prism.engine, "limiter": endpoint.limiter.shared.engine}
    for name, engine in engines.items():
        event.listen(
            engine.sync_engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_, into=sent[name]: into.append(statement),
        )
    # Compiled reads run on their own pool (`persistence.read_pool`): counted with the engine's.
    app.state.prism.reads.observers.append(sent["pool"].append)
    transport = httpx.ASGITransport(app=app)
    with patch.object(ratelimit, "SETTLE_SECONDS", 3600):
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client,
        ):

            async def read() -> httpx.Response:
                response = await client.post(
                    "/graphql",
                    json={"query": TWO_ROOTS, "variables": variables},
                    headers={"authorization": bearer},
                )
                assert response.status_code == 200, response.text
                assert "errors" not in response.json(), response.json()
                return response

            first = (await read()).json()["data"]
            assert first["customer"]["contacts"]["totalCount"] == 3
            assert len(first["opportunities"]["nodes"]) == 3
            for _ in range(3):
                minute = time.time() // 60
                sent["pool"].clear()
                sent["limiter"].clear()
                response = await read()
                assert response.headers["x-prism-read-path"] == "compiled"
                assert response.json()["data"] == first
                assert len(sent["pool"]) == 1, sent["pool"]
                assert sent["pool"][0].startswith("SELECT json_build_object('customer'")
                if time.time() // 60 == minute:  # a new minute settles at once: still ≤ 2
                    assert sent["limiter"] == [], sent["limiter"]
                assert len(sent["pool"]) + len(sent["limiter"]) <= 2
