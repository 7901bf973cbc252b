"""Assignment rules as data (CONTRACT §7) and web forms (§9), managed by admins."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from domain.enums import AssignmentStrategy, CalendarName, Role
from domain.errors import Refused, bad_input, not_found
from domain.fields import clean, int_range, present, require, text
from domain.leads_flow import LeadDesk
from domain.ports import Store

RULE_FIELDS = {
    "name": text(200),
    "priority": int_range(0, 1_000_000),
    "first_contact_minutes": int_range(1, 525_600),
}
#: Who can work leads: the sales roles (and admins, who can do anything).
LEAD_WORKERS = (Role.SALES_REP, Role.SALES_MANAGER, Role.ADMIN)
MAX_ASSIGNEES = 100


async def create_rule(store: LeadDesk, values: dict[str, Any]) -> int:
    require(values, "name", "strategy", "assignee_ids")
    data = await _rule_values(store, values)
    data.setdefault("calendar", CalendarName.BUSINESS)
    return await store.insert("AssignmentRule", present(data))


async def update_rule(store: LeadDesk, values: dict[str, Any]) -> int:
    rule = await store.target("assignment_rule_id")
    expected_version = values.pop("expected_version", None)
    data = await _rule_values(store, values)
    if data:
        await store.update(rule["id"], data, expected_version)
    return int(rule["id"])


async def _rule_values(store: LeadDesk, values: dict[str, Any]) -> dict[str, Any]:
    data = present(clean({k: v for k, v in values.items() if k in RULE_FIELDS}, RULE_FIELDS))
    for name in ("active", "strategy", "calendar"):
        if values.get(name) is not None:
            data[name] = values[name]
    if "strategy" in data:
        data["strategy"] = AssignmentStrategy(data["strategy"])
    if "calendar" in data:
        data["calendar"] = CalendarName(data["calendar"])
    match = values.get("match")
    if match is not None:
        data.update(_match(match))
    if values.get("assignee_ids") is not None:
        data["assignee_ids"] = await _assignees(store, values["assignee_ids"])
    return data


def _match(match: Any) -> dict[str, list[str]]:
    """The match lists, each value once; an empty list means any."""
    industries = [str(i).strip() for i in getattr(match, "industries", None) or []]
    if any(not i or len(i) > 100 for i in industries):
        raise Refused(bad_input("match.industries", "an industry is 1 to 100 characters"))
    return {
        "regions": _unique(str(getattr(r, "value", r)) for r in match.regions or []),
        "industries": _unique(industries),
        "sources": _unique(str(getattr(s, "value", s)) for s in match.sources or []),
    }


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


async def _assignees(store: LeadDesk, user_ids: Sequence[int]) -> list[int]:
    """The rule's people, in order: each an active user of a sales role."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        raise Refused(bad_input("assigneeIds", "name at least one assignee"))
    if len(ids) > MAX_ASSIGNEES:
        raise Refused(bad_input("assigneeIds", f"at most {MAX_ASSIGNEES} assignees"))
    found = {int(u["id"]): u for u in await store.users(ids)}
    for user_id in ids:
        user = found.get(user_id)
        if user is None:
            raise not_found("assigneeIds", "User")
        if not user["active"] or Role(user["role"]) not in LEAD_WORKERS:
            raise Refused(bad_input("assigneeIds", "assignees must be active sales users"))
    return ids


async def create_web_form(store: Store, values: dict[str, Any]) -> int:
    """A form and its public key (`POST /channels/web-form/{formKey}`)."""
    require(values, "name", "campaign_id")
    data = clean(values, {"name": text(200)})
    data["form_key"] = secrets.token_urlsafe(18)
    return await store.insert("WebForm", data)
