"""Partners and users: who works with us and who signs in."""

from __future__ import annotations

from typing import Any

from domain.enums import Role
from domain.errors import Refused, bad_input
from domain.fields import camel, clean, percent, present, require, text
from domain.ports import Store

PARTNER_RULES = {"name": text(200), "commission_rate": percent}
USER_RULES = {"external_id": text(255), "display_name": text(200)}
PARTNER_ROLES = (Role.PARTNER_USER, Role.TECHNICIAN)


async def create_partner(store: Store, values: dict[str, Any]) -> int:
    require(values, "name", "kind", "tier", "region")
    data = clean(values, PARTNER_RULES)
    return await store.insert("Partner", present(data))


async def create_user(store: Store, values: dict[str, Any]) -> int:
    """A user's role decides their slice; partner users must name their partner company."""
    require(values, "external_id", "display_name", "role")
    data = clean(values, USER_RULES)
    role = Role(data["role"])
    if data.get("partner_id") is not None and role not in PARTNER_ROLES:
        raise Refused(
            bad_input("partnerId", "only PARTNER_USER and TECHNICIAN users have a partner")
        )
    if data.get("partner_id") is None and role is Role.PARTNER_USER:
        raise Refused(bad_input("partnerId", "a PARTNER_USER must belong to a partner"))
    if data.get("manager_id") is not None:
        active_role(store, "manager_id")
    return await store.insert("User", present(data))


def active_role(store: Store, field: str) -> Role:
    """The role of the user an input field names: work goes only to users who can sign in."""
    user = store.referenced(field)
    if not user["active"]:
        raise Refused(bad_input(camel(field), "no active user with this ID"))
    return Role(user["role"])
