"""Leads that never wait (CONTRACT §7): a new lead routed at once, its first contact recorded,
and partner offers accepted, rejected or left to expire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain import engagement, lead_scoring, nurture_flow
from domain.accounts import active_role
from domain.enums import CalendarName, LeadOfferStatus, LeadStatus, Role
from domain.errors import Refused, bad_input
from domain.fields import clean, int_range, optional_text, present, require, text
from domain.global_ids import global_id
from domain.lead_routing import RoutingDesk, assign, route_new_lead
from domain.nurture_flow import NurtureDesk
from domain.ports import Store

LEAD_RULES = {
    "company_name": text(200),
    "contact_name": optional_text(200),
    "industry": optional_text(100),
    "score": int_range(0, 100),
}
#: CONTRACT §7: a partner has 2,880 business minutes to accept an offer unless told otherwise.
DEFAULT_ACCEPT_MINUTES = 2880
OFFER_RULES = {"accept_within_minutes": int_range(1, 525_600), "reason": text(1000)}
OFFER_EXPIRES = "lead.offer_expires"
CLOSED = (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)


class LeadDesk(Store, RoutingDesk, NurtureDesk, lead_scoring.ScoringDesk, Protocol):
    """The write store of lead acts, with routing and the consequences it writes."""

    async def lead(self, lead_id: int) -> Mapping[str, Any] | None: ...

    async def users(self, user_ids: Sequence[int]) -> list[Mapping[str, Any]]: ...

    async def change(self, type_name: str, pk: int, values: Mapping[str, Any]) -> None: ...


async def create_lead(store: LeadDesk, values: dict[str, Any]) -> int:
    """A new lead: `lead.created`, then an explicit assignee, or the first rule that fits."""
    require(values, "company_name", "source")
    data = clean(values, LEAD_RULES)
    if store.actor.role is Role.PARTNER_USER:
        data["partner_id"] = store.actor.partner_id
    assignee = data.pop("assignee_id", None)
    if assignee is not None:
        active_role(store, "assignee_id")
    data["status"] = LeadStatus.NEW
    lead_id = await store.insert("Lead", present(data))
    await announce_and_route(store, lead_id, data, assignee)
    if data.get("score") is None:  # a score given by hand stands until the next rescore
        await lead_scoring.rescore(store, lead_id)
    return lead_id


async def announce_and_route(
    desk: RoutingDesk, lead_id: int, data: Mapping[str, Any], assignee: int | None = None
) -> None:
    """`lead.created` always; then the given assignee, or the rules (CONTRACT §7)."""
    await desk.emit(
        "lead.created",
        {"id": global_id("Lead", lead_id), "source": str(data["source"])},
    )
    if assignee is not None:
        await assign(desk, lead_id, assignee, None)
    else:
        await route_new_lead(desk, lead_id, data)


async def log_interaction(store: LeadDesk, values: dict[str, Any]) -> int:
    """Log a touchpoint; the assignee's first one on a lead is its first contact."""
    interaction_id = await engagement.log_interaction(store, values)
    if values.get("lead_id") is not None:
        lead = store.referenced("lead_id")
        await first_contact(store, lead, store.actor.user_id, store.now())
        await nurture_flow.interaction_logged(
            store, lead["id"], interaction_id, values.get("kind") or "NOTE", values["channel"]
        )
        await lead_scoring.rescore(store, int(lead["id"]))
    return interaction_id


async def first_contact(
    store: LeadDesk, lead: Mapping[str, Any], actor_id: int, at: datetime
) -> None:
    if lead["assignee_id"] != actor_id or lead["first_contacted_at"] is not None:
        return
    changes: dict[str, Any] = {"first_contacted_at": at}
    if lead["status"] in (LeadStatus.NEW, LeadStatus.ASSIGNED):
        changes["status"] = LeadStatus.CONTACTED
    await store.change("Lead", lead["id"], changes)


async def distribute_lead(store: LeadDesk, values: dict[str, Any]) -> int:
    """Offer a lead to a partner for `acceptWithinMinutes` business minutes."""
    require(values, "lead_id", "partner_id")
    data = clean(values, OFFER_RULES)
    lead = await store.target("lead_id")
    if lead["status"] in CLOSED:
        raise Refused(bad_input("leadId", f"a {lead['status'].value} lead cannot be offered"))
    if store.referenced("partner_id").get("status") not in (None, "ACTIVE"):
        raise Refused(bad_input("partnerId", "the partner is not active"))
    minutes = data.get("accept_within_minutes") or DEFAULT_ACCEPT_MINUTES
    expires = await store.due_at(CalendarName.BUSINESS, store.now(), minutes)
    await store.update(
        lead["id"],
        {
            "partner_id": data["partner_id"],
            "offer_status": LeadOfferStatus.OFFERED,
            "offer_expires_at": expires,
            "offer_rejection_reason": None,
        },
        None,
    )
    await store.schedule(
        OFFER_EXPIRES,
        f"{OFFER_EXPIRES}:{lead['id']}:{data['partner_id']}:{expires.isoformat()}",
        expires,
        {"lead": lead["id"], "partner": data["partner_id"]},
    )
    return int(lead["id"])


async def accept_lead(store: LeadDesk, values: dict[str, Any]) -> int:
    lead = await _open_offer(store)
    await store.change(
        "Lead", lead["id"], {"offer_status": LeadOfferStatus.ACCEPTED, "offer_expires_at": None}
    )
    return int(lead["id"])


async def reject_lead(store: LeadDesk, values: dict[str, Any]) -> int:
    """The partner declines: the lead returns to the pool and leaves the partner's slice."""
    require(values, "lead_id", "reason")
    reason = clean(values, OFFER_RULES)["reason"]
    lead = await _open_offer(store)
    await store.change(
        "Lead",
        lead["id"],
        {**withdrawn(LeadOfferStatus.REJECTED), "offer_rejection_reason": reason},
    )
    return int(lead["id"])


def withdrawn(outcome: LeadOfferStatus) -> dict[str, Any]:
    """A lead back in the pool: no partner, the offer's outcome kept."""
    return {"partner_id": None, "offer_status": outcome, "offer_expires_at": None}


async def _open_offer(store: LeadDesk) -> Mapping[str, Any]:
    lead = await store.target("lead_id")
    if lead["offer_status"] != LeadOfferStatus.OFFERED:
        raise Refused(bad_input("leadId", "this lead has no open offer to your partner"))
    expires = lead["offer_expires_at"]
    if expires is not None and expires <= store.now():
        raise Refused(bad_input("leadId", "the offer of this lead has expired"))
    return lead
