"""Leads and deals: qualification, conversion, stages and partner deal registration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.accounts import active_role
from domain.enums import LeadStatus, OpportunityStage, RegistrationStatus, Role
from domain.errors import Refused, bad_input
from domain.fields import clean, int_range, money, optional_text, percent, present, require, text
from domain.global_ids import global_id
from domain.ports import Store

LEAD_RULES = {
    "company_name": text(200),
    "contact_name": optional_text(200),
    "industry": optional_text(100),
    "score": int_range(0, 100),
}
OPPORTUNITY_RULES = {
    "name": text(200),
    "amount": money,
    "probability": int_range(0, 100),
    "margin_percent": percent,
}
#: A new lead must be first contacted within this time (lead assignment SLA).
FIRST_CONTACT_SLA = timedelta(hours=4)
#: Default win probability per stage, used when the client gives none.
STAGE_PROBABILITY = {
    OpportunityStage.QUALIFICATION: 10,
    OpportunityStage.NEEDS_ANALYSIS: 25,
    OpportunityStage.PROPOSAL: 50,
    OpportunityStage.NEGOTIATION: 75,
    OpportunityStage.CLOSED_WON: 100,
    OpportunityStage.CLOSED_LOST: 0,
}


async def create_lead(store: Store, values: dict[str, Any]) -> int:
    require(values, "company_name", "source")
    data = clean(values, LEAD_RULES)
    if store.actor.role is Role.PARTNER_USER:
        data["partner_id"] = store.actor.partner_id
    if data.get("assignee_id") is not None:
        active_role(store, "assignee_id")
        data["status"] = LeadStatus.ASSIGNED
    data["first_contact_due_at"] = store.now() + FIRST_CONTACT_SLA
    return await store.insert("Lead", present(data))


async def convert_lead(store: Store, values: dict[str, Any]) -> tuple[int, int]:
    """Turn a qualified lead into a customer (and its primary contact); returns both ids."""
    lead = await store.target("lead_id")
    if lead["status"] in (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED):
        raise Refused(bad_input("leadId", f"a {lead['status'].value} lead cannot be converted"))
    owner_id = values.get("owner_id")
    if owner_id is not None:
        active_role(store, "owner_id")
    customer_id = await store.insert(
        "Customer",
        present(
            {
                "name": lead["company_name"],
                "industry": lead["industry"],
                "region": lead["region"] or "EAST",
                "owner_id": owner_id or lead["assignee_id"] or store.actor.user_id,
                "partner_id": lead["partner_id"],
                "status": "PROSPECT",
                "lifecycle_stage": "CONSIDERATION",
            }
        ),
    )
    if lead["contact_name"]:
        await store.insert(
            "Contact",
            present(
                {
                    "customer_id": customer_id,
                    "name": lead["contact_name"],
                    "email": lead["email"],
                    "phone": lead["phone"],
                    "is_primary": True,
                }
            ),
        )
    await store.update(
        lead["id"], {"status": LeadStatus.CONVERTED, "converted_customer_id": customer_id}, None
    )
    return int(lead["id"]), customer_id


async def create_opportunity(store: Store, values: dict[str, Any]) -> int:
    require(values, "customer_id", "name", "amount")
    data = clean(values, OPPORTUNITY_RULES)
    customer = store.referenced("customer_id")
    stage = OpportunityStage(data.get("stage") or OpportunityStage.QUALIFICATION)
    data["stage"] = stage
    data.setdefault("probability", None)
    data["probability"] = (
        data["probability"] if data["probability"] is not None else STAGE_PROBABILITY[stage]
    )
    if data.get("owner_id") is not None:
        active_role(store, "owner_id")
    data["owner_id"] = data.get("owner_id") or customer["owner_id"] or store.actor.user_id
    data["partner_id"] = data.get("partner_id") or customer["partner_id"]
    if stage.is_closed:
        data["closed_at"] = store.now()
    opportunity_id = await store.insert("Opportunity", present(data))
    await _stage_changed(store, opportunity_id, data["customer_id"], None, stage)
    return opportunity_id


async def update_opportunity(store: Store, values: dict[str, Any]) -> int:
    current = await store.target("opportunity_id")
    expected_version = values.pop("expected_version", None)
    data = clean(present(values), OPPORTUNITY_RULES)
    data.pop("opportunity_id")
    if "owner_id" in data:
        active_role(store, "owner_id")
    stage = data.get("stage")
    if stage is not None and stage != current["stage"]:
        stage = OpportunityStage(stage)
        if OpportunityStage(current["stage"]).is_closed:
            raise Refused(bad_input("stage", "a closed opportunity cannot change stage"))
        data.setdefault("probability", STAGE_PROBABILITY[stage])
        if stage.is_closed:
            data["closed_at"] = store.now()
    await store.update(current["id"], data, expected_version)
    if stage is not None and stage != current["stage"]:
        await _stage_changed(store, current["id"], current["customer_id"], current["stage"], stage)
        await store.emit(
            "opportunity.stage_changed",
            {
                "id": global_id("Opportunity", current["id"]),
                "from": OpportunityStage(current["stage"]).value,
                "to": stage.value,
            },
        )
    return int(current["id"])


async def register_deal(store: Store, values: dict[str, Any]) -> int:
    """A partner registers a deal for one of its customers; it waits for our approval."""
    require(values, "customer_id", "name", "amount")
    data = clean(values, OPPORTUNITY_RULES)
    customer = store.referenced("customer_id")
    partner_id = store.actor.partner_id or customer["partner_id"]
    if partner_id is None:
        raise Refused(bad_input("customerId", "deal registration needs a partner customer"))
    data.update(
        partner_id=partner_id,
        owner_id=customer["owner_id"],
        stage=OpportunityStage.QUALIFICATION,
        probability=STAGE_PROBABILITY[OpportunityStage.QUALIFICATION],
        registration_status=RegistrationStatus.PENDING,
    )
    data.pop("margin_percent", None)
    opportunity_id = await store.insert("Opportunity", present(data))
    await _stage_changed(store, opportunity_id, data["customer_id"], None, data["stage"])
    await store.emit(
        "deal.registered",
        {
            "id": global_id("Opportunity", opportunity_id),
            "customerId": global_id("Customer", data["customer_id"]),
            "partnerId": global_id("Partner", partner_id),
        },
    )
    return opportunity_id


async def _stage_changed(
    store: Store, opportunity_id: int, customer_id: int, before: Any, after: OpportunityStage
) -> None:
    await store.insert(
        "OpportunityStageChange",
        {
            "opportunity_id": opportunity_id,
            "customer_id": customer_id,
            "from_stage": before,
            "to_stage": after,
            "actor_id": store.actor.user_id,
        },
    )
