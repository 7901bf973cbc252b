"""CONTRACT §7, deal registration: PENDING until a manager decides; one partner per customer."""

from __future__ import annotations

from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import data, events, gid

REGISTER = """
mutation($input: RegisterDealInput!) {
  registerDeal(input: $input) {
    opportunity { id registrationStatus } userErrors { field message code }
  }
}"""
APPROVE = """
mutation($input: ApproveDealInput!) {
  approveDeal(input: $input) {
    opportunity { id registrationStatus } userErrors { field message code }
  }
}"""
REJECT = """
mutation($input: RejectDealInput!) {
  rejectDeal(input: $input) {
    opportunity { id registrationStatus } userErrors { field message code }
  }
}"""


async def _world(api: Api) -> tuple[int, int, int]:
    db = api.engine
    await f.user(db, "ADMIN", external_id="admin")
    manager = await f.user(db, "SALES_MANAGER", external_id="manager")
    rep = await f.user(db, "SALES_REP", external_id="rep", manager_id=manager)
    first = await f.partner(db)
    second = await f.partner(db)
    await f.user(db, "PARTNER_USER", external_id="first", partner_id=first)
    await f.user(db, "PARTNER_USER", external_id="second", partner_id=second)
    customer = await f.customer(db, owner_id=rep, partner_id=first)
    return customer, first, second


async def _register(api: Api, sub: str, customer: int) -> dict[str, object]:
    variables = {"input": {"customerId": gid("Customer", customer), "name": "报备", "amount": "9"}}
    return data(await api.query(REGISTER, variables, sub=sub), "registerDeal")


async def test_a_manager_approves_a_pending_registration(api: Api) -> None:
    customer, _, _ = await _world(api)
    registered = await _register(api, "first", customer)
    deal = registered["opportunity"]["id"]  # type: ignore[index]
    assert registered["opportunity"]["registrationStatus"] == "PENDING"  # type: ignore[index]
    body = await api.query(APPROVE, {"input": {"opportunityId": deal}}, sub="manager")
    approved = data(body, "approveDeal")
    assert approved["userErrors"] == []
    assert approved["opportunity"]["registrationStatus"] == "APPROVED"
    decided = await events(api, "deal.decided")
    assert decided == [{"id": deal, "decision": "APPROVED"}]
    again = data(
        await api.query(REJECT, {"input": {"opportunityId": deal, "reason": "x"}}, sub="admin"),
        "rejectDeal",
    )
    assert again["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert len(await events(api, "deal.decided")) == 1


async def test_a_rejection_needs_a_reason_and_is_announced(api: Api) -> None:
    customer, _, _ = await _world(api)
    deal = (await _register(api, "first", customer))["opportunity"]["id"]  # type: ignore[index]
    blank = await api.query(REJECT, {"input": {"opportunityId": deal, "reason": ""}}, sub="admin")
    assert data(blank, "rejectDeal")["userErrors"][0]["field"] == "reason"
    body = await api.query(
        REJECT, {"input": {"opportunityId": deal, "reason": "重复报备"}}, sub="admin"
    )
    assert data(body, "rejectDeal")["opportunity"]["registrationStatus"] == "REJECTED"
    assert await events(api, "deal.decided") == [
        {"id": deal, "decision": "REJECTED", "reason": "重复报备"}
    ]


async def test_a_second_partners_registration_for_the_customer_is_a_conflict(api: Api) -> None:
    customer, first, second = await _world(api)
    assert (await _register(api, "first", customer))["userErrors"] == []
    # The customer moves to the second partner, whose registration meets the first one's.
    async with api.engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(
            text("UPDATE customer SET partner_id = :p WHERE id = :c"), {"p": second, "c": customer}
        )
    refused = await _register(api, "second", customer)
    assert refused["userErrors"] == [
        {
            "field": "customerId",
            "message": "another partner has already registered a deal for this customer",
            "code": "CONFLICT",
        }
    ]
    assert refused["opportunity"] is None


async def test_reps_and_partners_cannot_decide(api: Api) -> None:
    customer, _, _ = await _world(api)
    deal = (await _register(api, "first", customer))["opportunity"]["id"]  # type: ignore[index]
    for sub in ("rep", "first"):
        body = await api.query(APPROVE, {"input": {"opportunityId": deal}}, sub=sub)
        assert body["errors"]
