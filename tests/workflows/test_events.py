"""Thin event payloads (CONTRACT §8) from the sales mutations: the record's global id and only
the fields the event is about, in the transaction of the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.test_webhooks import a_deal, move_stage

REGISTER = """
mutation($input: RegisterDealInput!) {
  registerDeal(input: $input) { opportunity { id } userErrors { field code } }
}"""
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def events(api: Api) -> list[tuple[str, dict[str, Any]]]:
    async with api.engine.connect() as conn:
        rows = await conn.execute(text("SELECT type, data FROM outbox_event ORDER BY occurred_at"))
        return [(str(t), dict(d)) for t, d in rows]


async def test_a_stage_move_emits_one_thin_event(api: Api) -> None:
    deal = await a_deal(api)
    await move_stage(api, deal, "PROPOSAL")
    body = await api.query(
        "mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) "
        "{ userErrors { code } } }",
        {"input": {"opportunityId": encode_id("Opportunity", deal), "name": "只改名字"}},
        sub="admin",
    )
    assert body["data"]["updateOpportunity"]["userErrors"] == []
    [(kind, data)] = await events(api)  # a rename moves no stage: no event
    assert kind == "opportunity.stage_changed"
    assert data == {"id": encode_id("Opportunity", deal), "from": "QUALIFICATION", "to": "PROPOSAL"}
    found = await api.query(NODE, {"id": data["id"]}, sub="admin")
    assert found["data"]["node"] == {"__typename": "Opportunity", "id": data["id"]}


async def test_a_refused_change_emits_nothing(api: Api) -> None:
    deal = await a_deal(api)
    body = await api.query(
        "mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) "
        "{ userErrors { code } } }",
        {
            "input": {
                "opportunityId": encode_id("Opportunity", deal),
                "stage": "PROPOSAL",
                "expectedVersion": 99,
            }
        },
        sub="admin",
    )
    assert body["data"]["updateOpportunity"]["userErrors"] == [{"code": "CONFLICT"}]
    assert await events(api) == []


async def test_a_registered_deal_emits_deal_registered(api: Api) -> None:
    partner = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="dealer", partner_id=partner)
    customer = await f.customer(api.engine, partner_id=partner)
    body = await api.query(
        REGISTER,
        {
            "input": {
                "customerId": encode_id("Customer", customer),
                "name": "报备: 产线改造",
                "amount": "120000.00",
            }
        },
        sub="dealer",
    )
    result = body["data"]["registerDeal"]
    assert result["userErrors"] == []
    [(kind, data)] = await events(api)
    assert kind == "deal.registered"
    assert data == {
        "id": result["opportunity"]["id"],
        "customerId": encode_id("Customer", customer),
        "partnerId": encode_id("Partner", partner),
    }
