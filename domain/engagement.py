"""Touchpoints on every channel, logged onto the customer's timeline."""

from __future__ import annotations

from typing import Any

from domain.enums import InteractionKind, Role
from domain.errors import Refused, bad_input
from domain.fields import clean, instant, require, text
from domain.ports import Store

INTERACTION_RULES = {"summary": text(5000), "occurred_at": instant}


async def log_interaction(store: Store, values: dict[str, Any]) -> int:
    """Log a touchpoint about a customer (or a lead); partners cannot log internal notes."""
    require(values, "channel", "direction", "summary")
    data = clean(values, INTERACTION_RULES)
    if data.get("customer_id") is None and data.get("lead_id") is None:
        raise Refused(bad_input("customerId", "give customerId or leadId"))
    if data.get("contact_id") is not None:
        if data.get("customer_id") is None:
            data["customer_id"] = store.referenced("contact_id")["customer_id"]
        elif store.referenced("contact_id")["customer_id"] != data["customer_id"]:
            raise Refused(bad_input("contactId", "the contact is not at this customer"))
    if store.actor.role is Role.PARTNER_USER:
        data["is_internal"] = False
    data["occurred_at"] = data.get("occurred_at") or store.now()
    data["kind"] = data.get("kind") or InteractionKind.NOTE
    data["actor_id"] = store.actor.user_id
    return await store.insert("Interaction", {k: v for k, v in data.items() if v is not None})
