"""Inbound channels (CONTRACT §9): a message or a form submission becomes a touchpoint on the
timeline of the contact or lead it comes from, or a new lead (routed like any other)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from domain.enums import Channel, Direction, InteractionKind, LeadSource, LeadStatus, Region
from domain.errors import Refused, bad_input
from domain.fields import clean, optional_text, present
from domain.lead_routing import RoutingDesk
from domain.lead_scoring import ScoringDesk, rescore
from domain.leads_flow import announce_and_route
from domain.nurture_flow import NurtureDesk, interaction_logged

#: A second web-form submission with the same phone or e-mail within this window is merged.
MERGE_WINDOW = timedelta(hours=24)
FORM_RULES = {
    "company": optional_text(200),
    "name": optional_text(200),
    "message": optional_text(5000),
    "industry": optional_text(100),
}
#: The channel user id column of each messaging channel, on contacts and leads alike.
USER_ID_COLUMN = {Channel.WECHAT_WORK: "wecom_user_id", Channel.DINGTALK: "dingtalk_user_id"}
SOURCE = {Channel.WECHAT_WORK: LeadSource.WECHAT_WORK, Channel.DINGTALK: LeadSource.DINGTALK}


@dataclass(frozen=True)
class Message:
    """A verified inbound message."""

    channel: Channel
    message_id: str
    sender_id: str
    text: str
    sender_name: str | None = None


class InboundDesk(RoutingDesk, NurtureDesk, ScoringDesk, Protocol):
    async def claim_message(self, channel: Channel, message_id: str) -> bool:
        """False when this channel message is recorded already (serialised per message)."""
        ...

    async def lock_sender(self, *keys: str) -> None:
        """Serialise work on one sender (a phone, an e-mail, a channel user)."""
        ...

    async def contact_with(self, column: str, value: str) -> Mapping[str, Any] | None: ...

    async def lead_with(self, column: str, value: str) -> Mapping[str, Any] | None: ...

    async def recent_lead(
        self, phone: str | None, email: str | None, since: Any
    ) -> Mapping[str, Any] | None: ...

    async def insert_lead(self, values: Mapping[str, Any]) -> int: ...

    async def insert_interaction(self, values: Mapping[str, Any]) -> int: ...


async def receive_message(desk: InboundDesk, message: Message) -> str:
    """Record a WeChat Work or DingTalk message once; returns what it was attached to."""
    if not await desk.claim_message(message.channel, message.message_id):
        return "duplicate"
    column = USER_ID_COLUMN[message.channel]
    await desk.lock_sender(f"{column}:{message.sender_id}")
    about: dict[str, Any]
    contact = await desk.contact_with(column, message.sender_id)
    lead = None if contact else await desk.lead_with(column, message.sender_id)
    if contact is not None:
        about, outcome = (
            {"customer_id": contact["customer_id"], "contact_id": contact["id"]},
            "contact",
        )
    elif lead is not None:
        about, outcome = {"lead_id": lead["id"]}, "lead"
    else:
        name = (message.sender_name or message.sender_id)[:200]
        data = {
            "company_name": name,
            "contact_name": name,
            "source": SOURCE[message.channel],
            "status": LeadStatus.NEW,
            column: message.sender_id,
        }
        lead_id = await desk.insert_lead(data)
        await announce_and_route(desk, lead_id, data)
        about, outcome = {"lead_id": lead_id}, "new_lead"
    interaction = await desk.insert_interaction(
        {
            **about,
            "channel": message.channel,
            "direction": Direction.INBOUND,
            "kind": InteractionKind.MESSAGE,
            "summary": message.text[:5000] or "(empty message)",
            "occurred_at": desk.now(),
            "external_message_id": message.message_id,
        }
    )
    if "lead_id" in about:
        await interaction_logged(
            desk, about["lead_id"], interaction, InteractionKind.MESSAGE, message.channel
        )
        await rescore(desk, about["lead_id"])
    return outcome


async def receive_web_form(
    desk: InboundDesk, form: Mapping[str, Any], fields: Mapping[str, Any]
) -> tuple[int, bool]:
    """A form submission: always a WEB_FORM lead of the form's campaign, unless the same phone
    or e-mail sent one within 24 h (then a touchpoint on that lead). Returns (lead, merged)."""
    given = {k: v for k, v in fields.items() if k in (*FORM_RULES, "phone", "email", "region")}
    data = clean(given, FORM_RULES)
    phone, email = data.get("phone"), data.get("email")
    region = data.get("region")
    if region is not None and region not in Region.__members__:
        raise Refused(bad_input("region", "region is not one of " + ", ".join(Region)))
    if not phone and not email:
        raise Refused(bad_input("phone", "give a phone number or an e-mail address"))
    keys = [f"phone:{phone}"] if phone else []
    await desk.lock_sender(*keys, *([f"email:{email}"] if email else []))
    summary = data.get("message") or f"网站表单 {form['name']}"
    existing = await desk.recent_lead(phone, email, desk.now() - MERGE_WINDOW)
    if existing is not None:
        lead_id, merged = int(existing["id"]), True
    else:
        values = present(
            {
                "company_name": data.get("company") or data.get("name") or phone or email,
                "contact_name": data.get("name"),
                "phone": phone,
                "email": email,
                "source": LeadSource.WEB_FORM,
                "status": LeadStatus.NEW,
                "region": region,
                "industry": data.get("industry"),
                "campaign_id": form.get("campaign_id"),
            }
        )
        lead_id, merged = await desk.insert_lead(values), False
        await announce_and_route(desk, lead_id, values)
    interaction = await desk.insert_interaction(
        {
            "lead_id": lead_id,
            "channel": Channel.WEB,
            "direction": Direction.INBOUND,
            "kind": InteractionKind.FORM_SUBMISSION,
            "summary": summary[:5000],
            "occurred_at": desk.now(),
        }
    )
    await interaction_logged(
        desk, lead_id, interaction, InteractionKind.FORM_SUBMISSION, Channel.WEB
    )
    await rescore(desk, lead_id)
    return lead_id, merged
