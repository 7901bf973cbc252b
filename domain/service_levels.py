"""Service configuration and follow-up: SLA policies, the calendar's days, closing tasks."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from domain.enums import TaskStatus, TicketPriority
from domain.errors import Refused, bad_input
from domain.fields import optional_text, require
from domain.ports import Store
from domain.sla import CALENDARS, SlaTargets

#: A year of minutes: longer targets are a typo, not a policy.
MAX_TARGET_MINUTES = 60 * 24 * 365


class ConfigStore(Store, Protocol):
    async def update_sla_policy(
        self, targets: SlaTargets, expected_version: int | None
    ) -> SlaTargets: ...

    async def set_business_day(self, day: date, working: bool, note: str | None) -> None: ...


async def update_sla_policy(store: ConfigStore, values: dict[str, Any]) -> SlaTargets:
    require(values, "priority", "first_response_minutes", "resolution_minutes")
    respond, resolve = values["first_response_minutes"], values["resolution_minutes"]
    calendar = values.get("calendar") or "BUSINESS"
    problems = []
    for field, minutes in (("firstResponseMinutes", respond), ("resolutionMinutes", resolve)):
        if not 1 <= minutes <= MAX_TARGET_MINUTES:
            problems.append(bad_input(field, f"{field} must be between 1 and {MAX_TARGET_MINUTES}"))
    if not problems and resolve < respond:
        problems.append(
            bad_input(
                "resolutionMinutes", "resolutionMinutes must not be below firstResponseMinutes"
            )
        )
    if calendar not in CALENDARS:
        problems.append(bad_input("calendar", f"calendar must be one of {', '.join(CALENDARS)}"))
    if problems:
        raise Refused(*problems)
    targets = SlaTargets(TicketPriority(values["priority"]), respond, resolve, calendar)
    return await store.update_sla_policy(targets, values.get("expected_version"))


async def set_business_day(store: ConfigStore, values: dict[str, Any]) -> date:
    require(values, "date", "working")
    day: date = values["date"]
    if not 2000 <= day.year <= 2100:
        raise Refused(bad_input("date", "date must be between 2000 and 2100"))
    note = values.get("note")
    if note is not None:
        try:
            note = optional_text(200)(note)
        except ValueError as exc:
            raise Refused(bad_input("note", f"note {exc}")) from None
    await store.set_business_day(day, bool(values["working"]), note)
    return day


async def complete_task(store: Store, values: dict[str, Any]) -> int:
    task = await store.target("task_id")
    if TaskStatus(task["status"]) is not TaskStatus.OPEN:
        raise Refused(bad_input("taskId", f"the task is already {task['status']}"))
    await store.update(task["id"], {"status": TaskStatus.DONE}, None)
    return int(task["id"])
