"""Nurture sequences as data (issue 11): a trigger (an interaction kind, optionally on one
channel) and ordered steps, each `afterBusinessDays` after the trigger, that give the lead's
assignee a task or announce `lead.nurture_step`. Admins manage them; this module checks them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.enums import Channel, InteractionKind, TaskKind
from domain.errors import Problem, Refused, bad_input
from domain.fields import clean, present, require, text
from domain.ports import Store

SEQUENCE_RULES = {"name": text(200)}
MAX_STEPS = 20
MAX_BUSINESS_DAYS = 365
#: Kinds a nurture task may have: the others belong to processes of their own (§7).
TASK_KINDS = (TaskKind.FOLLOW_UP, TaskKind.CARE)
TITLE_LENGTH = 300


class NurtureAction(StrEnum):
    CREATE_TASK = "CREATE_TASK"
    EMIT_EVENT = "EMIT_EVENT"


class NurtureStepStatus(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    SKIPPED = "SKIPPED"


class NurtureEnrollmentStatus(StrEnum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    ENDED = "ENDED"


async def create_sequence(store: Store, values: dict[str, Any]) -> int:
    require(values, "name", "trigger", "steps")
    data = _sequence_values(values)
    return await store.insert("NurtureSequence", present(data))


async def update_sequence(store: Store, values: dict[str, Any]) -> int:
    sequence = await store.target("nurture_sequence_id")
    expected_version = values.pop("expected_version", None)
    data = _sequence_values(values)
    if data:
        await store.update(sequence["id"], data, expected_version)
    return int(sequence["id"])


def _sequence_values(values: dict[str, Any]) -> dict[str, Any]:
    data = present(clean({k: v for k, v in values.items() if k in SEQUENCE_RULES}, SEQUENCE_RULES))
    if values.get("active") is not None:
        data["active"] = bool(values["active"])
    trigger = values.get("trigger")
    if trigger is not None:
        data["trigger_kind"] = InteractionKind(_value(trigger.kind))
        channel = getattr(trigger, "channel", None)
        data["trigger_channel"] = Channel(_value(channel)) if channel is not None else None
    if values.get("steps") is not None:
        data["steps"] = steps_of(values["steps"])
    return data


def steps_of(given: list[Any]) -> list[dict[str, Any]]:
    """The steps as stored: in order of `afterBusinessDays`, each action with what it needs."""
    if not 1 <= len(given) <= MAX_STEPS:
        raise Refused(bad_input("steps", f"give 1 to {MAX_STEPS} steps"))
    steps: list[dict[str, Any]] = []
    problems: list[Problem] = []
    latest = 0  # the days of the last valid step: each step comes on or after it
    for index, step in enumerate(given):
        field = f"steps.{index}"
        days = step.after_business_days
        if not 0 <= days <= MAX_BUSINESS_DAYS:
            problems.append(
                bad_input(f"{field}.afterBusinessDays", f"must be 0 to {MAX_BUSINESS_DAYS}")
            )
        elif days < latest:
            problems.append(
                bad_input(f"{field}.afterBusinessDays", "steps must be in order of their days")
            )
        else:
            latest = days
        action = NurtureAction(_value(step.action))
        title = (getattr(step, "title", None) or "").strip() or None
        if title is not None and len(title) > TITLE_LENGTH:
            problems.append(bad_input(f"{field}.title", f"at most {TITLE_LENGTH} characters"))
        kind = getattr(step, "task_kind", None)
        task_kind = TaskKind(_value(kind)) if kind is not None else TaskKind.FOLLOW_UP
        if action is NurtureAction.CREATE_TASK:
            if title is None:
                problems.append(bad_input(f"{field}.title", "a task step needs a title"))
            if task_kind not in TASK_KINDS:
                problems.append(bad_input(f"{field}.taskKind", "use FOLLOW_UP or CARE"))
        steps.append(
            {
                "afterBusinessDays": days,
                "action": action.value,
                "taskKind": task_kind.value if action is NurtureAction.CREATE_TASK else None,
                "title": title,
            }
        )
    if problems:
        raise Refused(*problems)
    return steps


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))
