"""Customers and their contacts: the accounts at the centre of the 360° view."""

from __future__ import annotations

from typing import Any

from domain.accounts import active_role
from domain.enums import Role
from domain.fields import clean, money, optional_text, present, require, text
from domain.ports import Store

CUSTOMER_RULES = {
    "name": text(200),
    "industry": optional_text(100),
    "address": optional_text(500),
    "internal_notes": optional_text(5000),
    "credit_limit": money,
}
CONTACT_RULES = {
    "name": text(200),
    "title": optional_text(200),
    # CONTRACT §9: the channel user ids an inbound message is matched by.
    "wecom_user_id": optional_text(64),
    "dingtalk_user_id": optional_text(64),
}


async def create_customer(store: Store, values: dict[str, Any]) -> int:
    """A partner user's new customer is always theirs; sales users own what they create."""
    require(values, "name", "region")
    data = clean(values, CUSTOMER_RULES)
    actor = store.actor
    if actor.role is Role.PARTNER_USER:
        data["partner_id"] = actor.partner_id
    if data.get("owner_id") is not None:
        active_role(store, "owner_id")
    elif actor.role in (Role.SALES_REP, Role.SALES_MANAGER):
        data["owner_id"] = actor.user_id
    return await store.insert("Customer", present(data))


async def update_customer(store: Store, values: dict[str, Any]) -> int:
    customer = await store.target("customer_id")
    expected_version = values.pop("expected_version", None)
    data = clean(present(values), CUSTOMER_RULES)
    data.pop("customer_id")
    if "owner_id" in data:
        active_role(store, "owner_id")
    await store.update(customer["id"], data, expected_version)
    return int(customer["id"])


async def create_contact(store: Store, values: dict[str, Any]) -> int:
    require(values, "customer_id", "name")
    data = clean(values, CONTACT_RULES)
    return await store.insert("Contact", present(data))
