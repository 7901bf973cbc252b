"""Customers and their contacts: the accounts at the centre of the 360° view."""

from __future__ import annotations

from typing import Any

from domain.enums import Role
from domain.errors import forbidden
from domain.fields import clean, money, optional_text, present, require, text
from domain.ports import Store

CUSTOMER_RULES = {
    "name": text(200),
    "industry": optional_text(100),
    "address": optional_text(500),
    "internal_notes": optional_text(5000),
    "credit_limit": money,
}
CONTACT_RULES = {"name": text(200), "title": optional_text(200)}


async def create_customer(store: Store, values: dict[str, Any]) -> int:
    """A partner user's new customer is always theirs; sales users own what they create."""
    require(values, "name", "region")
    data = clean(values, CUSTOMER_RULES)
    if not store.may("Customer", "create"):
        raise forbidden("Your role may not create customers")
    actor = store.actor
    if actor.role is Role.PARTNER_USER:
        if data.get("partner_id") not in (None, actor.partner_id):
            raise forbidden("You may only create customers for your own partner", "partnerId")
        data["partner_id"] = actor.partner_id
    elif data.get("partner_id") is not None:
        await store.exists("Partner", data["partner_id"], "partnerId")
    if data.get("owner_id") is not None:
        await store.user_role(data["owner_id"], "ownerId")
    elif actor.role in (Role.SALES_REP, Role.SALES_MANAGER):
        data["owner_id"] = actor.user_id
    return await store.insert("Customer", present(data))


async def update_customer(
    store: Store, customer_id: int, expected_version: int | None, values: dict[str, Any]
) -> None:
    await store.load_for("Customer", "update", customer_id, "customerId")
    data = clean(present(values), CUSTOMER_RULES)
    if "partner_id" in data:
        if store.actor.role is Role.PARTNER_USER and data["partner_id"] != store.actor.partner_id:
            raise forbidden("You may not move a customer to another partner", "partnerId")
        await store.exists("Partner", data["partner_id"], "partnerId")
    if "owner_id" in data:
        await store.user_role(data["owner_id"], "ownerId")
    await store.update("Customer", "update", customer_id, data, expected_version)


async def create_contact(store: Store, values: dict[str, Any]) -> int:
    require(values, "customer_id", "name")
    data = clean(values, CONTACT_RULES)
    await store.check_parent("Contact", "create", "Customer", data["customer_id"], "customerId")
    return await store.insert("Contact", present(data))
