"""A deal's `closedAt` is the clock's time (the clock port), whether it is created closed or
moved to a closed stage later; the KPIs of §10 count won deals by it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.clock import ManualClock
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import data

CREATE = """
mutation($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id stage closedAt } userErrors { message } }
}"""
UPDATE = """
mutation($input: UpdateOpportunityInput!) {
  updateOpportunity(input: $input) { opportunity { stage closedAt } userErrors { message } }
}"""
WHEN = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


async def test_closed_at_comes_from_the_clock(api: Api, clock: ManualClock) -> None:
    clock.set(WHEN)
    await f.user(api.engine, "ADMIN", external_id="admin")
    customer = encode_id("Customer", await f.customer(api.engine))
    base = {"customerId": customer, "amount": "1000.00"}
    won = await api.query(
        CREATE, {"input": {**base, "name": "已签", "stage": "CLOSED_WON"}}, sub="admin"
    )
    assert data(won, "createOpportunity")["opportunity"]["closedAt"] == WHEN.isoformat()

    opened = await api.query(CREATE, {"input": {**base, "name": "跟进中"}}, sub="admin")
    deal = data(opened, "createOpportunity")["opportunity"]
    assert deal["closedAt"] is None
    clock.advance(timedelta(days=3))
    lost = await api.query(
        UPDATE, {"input": {"opportunityId": deal["id"], "stage": "CLOSED_LOST"}}, sub="admin"
    )
    closed = data(lost, "updateOpportunity")["opportunity"]
    assert closed == {"stage": "CLOSED_LOST", "closedAt": (WHEN + timedelta(days=3)).isoformat()}
