"""Lead routing (CONTRACT §7): which rule takes a lead, which of its people gets it, and when
the first contact is due. Pure rules over a `RoutingDesk`, so a request (`createLead`, a
channel) and a timer (a missed first contact) route the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.enums import AssignmentStrategy, CalendarName, LeadStatus, TaskKind
from domain.global_ids import global_id

#: Without a rule (an explicit assignee, or a manager taking over), first contact is due in
#: this many business minutes (two working hours, the issue's promise).
DEFAULT_FIRST_CONTACT_MINUTES = 120
FIRST_CONTACT_DUE = "lead.first_contact_due"


class RoutingDesk(Protocol):
    """What routing needs from storage, in the caller's transaction."""

    def now(self) -> datetime: ...

    async def emit(self, event_type: str, data: Mapping[str, Any]) -> str: ...

    async def schedule(
        self, kind: str, key: str, at: datetime, payload: Mapping[str, Any] | None = None
    ) -> bool: ...

    async def active_rules(self) -> Sequence[Mapping[str, Any]]:
        """Active assignment rules, lowest `priority` first."""
        ...

    async def lock_rule(self, rule_id: int) -> Mapping[str, Any] | None:
        """The rule's row, locked until the transaction ends (the rotation's turn)."""
        ...

    async def active_users(self, user_ids: Sequence[int]) -> list[int]:
        """Those of `user_ids` who are active users, in the given order."""
        ...

    async def open_lead_counts(self, user_ids: Sequence[int]) -> Mapping[int, int]: ...

    async def set_rule_cursor(self, rule_id: int, cursor: int) -> None: ...

    async def manager_of(self, user_id: int) -> int | None: ...

    async def due_at(self, calendar: CalendarName, start: datetime, minutes: int) -> datetime:
        """`start` + `minutes` counted on `calendar`."""
        ...

    async def add_task(self, values: Mapping[str, Any]) -> int: ...

    async def set_lead(self, lead_id: int, values: Mapping[str, Any]) -> None: ...


def matches(rule: Mapping[str, Any], lead: Mapping[str, Any]) -> bool:
    """A rule fits a lead when each non-empty list of its match holds the lead's value."""
    industry = (lead.get("industry") or "").strip().lower()
    return (
        _fits(rule["regions"], _value(lead.get("region")))
        and _fits([i.strip().lower() for i in rule["industries"]], industry)
        and _fits(rule["sources"], _value(lead.get("source")))
    )


def _fits(allowed: Sequence[str], value: str | None) -> bool:
    return not allowed or value in allowed


def _value(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def pick(
    strategy: AssignmentStrategy,
    people: Sequence[int],
    cursor: int,
    open_counts: Mapping[int, int],
    *,
    skip: int | None = None,
) -> tuple[int | None, int]:
    """The next assignee and the rule's new cursor.

    ROUND_ROBIN takes the person at `cursor` (modulo the list); LEAST_OPEN_LEADS the one with
    fewest open leads, ties broken in rotation order from `cursor`, so equal loads still rotate.
    `skip` (the assignee who missed a first contact) is passed over when anyone else is left."""
    count = len(people)
    if not count:
        return None, cursor
    order = [people[(cursor + i) % count] for i in range(count)]
    candidates = [p for p in order if p != skip] or order
    if strategy is AssignmentStrategy.LEAST_OPEN_LEADS:
        chosen = min(candidates, key=lambda p: open_counts.get(p, 0))
    else:
        chosen = candidates[0]
    # The rotation moves past the one chosen, so whoever was skipped is next in line.
    return chosen, cursor + order.index(chosen) + 1


async def route_new_lead(desk: RoutingDesk, lead_id: int, lead: Mapping[str, Any]) -> bool:
    """Run the active rules in priority order; the first that fits assigns the lead. False when
    none fits (the lead stays NEW)."""
    for rule in await desk.active_rules():
        if matches(rule, lead):
            assignee = await take_turn(desk, rule["id"])
            if assignee is not None:
                await assign(desk, lead_id, assignee, rule)
                return True
    return False


async def take_turn(desk: RoutingDesk, rule_id: int, *, skip: int | None = None) -> int | None:
    """The rule's next assignee, under the rule's row lock so concurrent leads rotate fairly."""
    rule = await desk.lock_rule(rule_id)
    if rule is None:
        return None
    people = await desk.active_users(rule["assignee_ids"])
    strategy = AssignmentStrategy(rule["strategy"])
    counts = (
        await desk.open_lead_counts(people)
        if strategy is AssignmentStrategy.LEAST_OPEN_LEADS
        else {}
    )
    assignee, cursor = pick(strategy, people, int(rule["cursor"]), counts, skip=skip)
    if assignee is not None:
        await desk.set_rule_cursor(rule_id, cursor)
    return assignee


async def assign(
    desk: RoutingDesk, lead_id: int, assignee: int, rule: Mapping[str, Any] | None
) -> datetime:
    """Give the lead to `assignee`: status ASSIGNED, a first-contact due time on the rule's
    calendar, a FIRST_CONTACT task, a timer at the due time, and `lead.assigned`."""
    now = desk.now()
    calendar = CalendarName(rule["calendar"]) if rule else CalendarName.BUSINESS
    minutes = int(rule["first_contact_minutes"]) if rule else DEFAULT_FIRST_CONTACT_MINUTES
    due = await desk.due_at(calendar, now, minutes)
    await desk.set_lead(
        lead_id,
        {
            "status": LeadStatus.ASSIGNED,
            "assignee_id": assignee,
            "first_contact_due_at": due,
            "assignment_rule_id": rule["id"] if rule else None,
        },
    )
    await desk.add_task(
        {
            "subject": "首次联系线索 First contact with the new lead",
            "kind": TaskKind.FIRST_CONTACT,
            "due_at": due,
            "assignee_id": assignee,
            "lead_id": lead_id,
            "rule": f"assignment_rule:{rule['id']}" if rule else "first_contact",
        }
    )
    key = f"{FIRST_CONTACT_DUE}:{lead_id}:{due.isoformat()}"
    await desk.schedule(FIRST_CONTACT_DUE, key, due, {"lead": lead_id, "due": due.isoformat()})
    await desk.emit(
        "lead.assigned",
        {
            "id": global_id("Lead", lead_id),
            "assignee": global_id("User", assignee),
            "firstContactDueAt": due.isoformat(),
        },
    )
    return due


async def reassign_missed(desk: RoutingDesk, lead: Mapping[str, Any]) -> int | None:
    """A lead still uncontacted at its due time goes to the rule's next assignee, or without a
    rule to the assignee's manager; a new due time, task and `lead.assigned`."""
    current = lead["assignee_id"]
    rule_id = lead["assignment_rule_id"]
    rule = await desk.lock_rule(rule_id) if rule_id is not None else None
    if rule is not None and rule["active"]:
        assignee = await take_turn(desk, rule_id, skip=current)
    else:
        rule = None
        assignee = await desk.manager_of(current) if current is not None else None
    if assignee is None:
        return None
    await assign(desk, lead["id"], assignee, rule)
    return assignee
