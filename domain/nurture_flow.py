"""Nurture sequences at work (issue 11): an interaction of a sequence's trigger kind logged on a
lead enrols the lead (once per lead and sequence); each step is a durable timer enqueued in the
same transaction, due `afterBusinessDays` business days after the trigger. When a step fires it
gives the lead's assignee a task or announces `lead.nurture_step`, unless the lead is by then
CONVERTED or DISQUALIFIED, or the sequence was switched off: then the enrolment ends and its
remaining steps are skipped.

Business days are counted on the business calendar as whole working days of business time: a
trigger on Friday at 15:00 with 2 days is due on Tuesday at 15:00; one logged outside working
hours counts from the next opening.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.enums import LeadStatus, TaskKind
from domain.global_ids import global_id
from domain.nurture import NurtureAction, NurtureEnrollmentStatus, NurtureStepStatus

NURTURE_STEP_DUE = "nurture.step_due"
NURTURE_EVENT = "lead.nurture_step"
CLOSED = {LeadStatus.CONVERTED: "LEAD_CONVERTED", LeadStatus.DISQUALIFIED: "LEAD_DISQUALIFIED"}


class NurtureDesk(Protocol):
    """What enrolment and firing need from storage, in the caller's transaction."""

    def now(self) -> datetime: ...

    async def emit(self, event_type: str, data: Mapping[str, Any]) -> str: ...

    async def schedule(
        self, kind: str, key: str, at: datetime, payload: Mapping[str, Any] | None = None
    ) -> bool: ...

    async def business_days_after(self, start: datetime, days: int) -> datetime: ...

    async def sequences_triggered_by(
        self, kind: str, channel: str | None
    ) -> Sequence[Mapping[str, Any]]:
        """Active sequences whose trigger is `kind` (on `channel`, or on any channel)."""
        ...

    async def enrol(self, values: Mapping[str, Any]) -> int | None:
        """A new enrolment; None when the lead is in the sequence already."""
        ...


class NurtureTimerDesk(NurtureDesk, Protocol):
    async def enrollment(self, enrollment_id: int) -> Mapping[str, Any] | None:
        """The enrolment, locked until the transaction ends."""
        ...

    async def lead_and_sequence(
        self, lead_id: int, sequence_id: int
    ) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]: ...

    async def nurture_task(self, values: Mapping[str, Any]) -> int: ...

    async def save_enrollment(self, enrollment_id: int, values: Mapping[str, Any]) -> None: ...


async def interaction_logged(
    desk: NurtureDesk, lead_id: int, interaction_id: int, kind: Any, channel: Any
) -> list[int]:
    """Enrol the lead in every active sequence this interaction triggers; the new enrolments."""
    now = desk.now()
    enrolled = []
    for sequence in await desk.sequences_triggered_by(str(_value(kind)), _value(channel)):
        progress = [
            {
                **step,
                "position": position,
                "dueAt": (
                    await desk.business_days_after(now, step["afterBusinessDays"])
                ).isoformat(),
                "status": NurtureStepStatus.PENDING.value,
                "firedAt": None,
                "taskId": None,
            }
            for position, step in enumerate(sequence["steps"])
        ]
        enrollment = await desk.enrol(
            {
                "nurture_sequence_id": sequence["id"],
                "lead_id": lead_id,
                "interaction_id": interaction_id,
                "status": NurtureEnrollmentStatus.ACTIVE.value,
                "progress": progress,
                "enrolled_at": now,
            }
        )
        if enrollment is None:
            continue
        enrolled.append(enrollment)
        for step in progress:
            key = f"{NURTURE_STEP_DUE}:{enrollment}:{step['position']}"
            payload = {"enrollment": enrollment, "position": step["position"]}
            await desk.schedule(
                NURTURE_STEP_DUE, key, datetime.fromisoformat(step["dueAt"]), payload
            )
    return enrolled


async def step_due(desk: NurtureTimerDesk, enrollment_id: int, position: int) -> str:
    """Fire one step of an enrolment, once; what happened (for logs and tests)."""
    enrollment = await desk.enrollment(enrollment_id)
    if enrollment is None or enrollment["status"] != NurtureEnrollmentStatus.ACTIVE:
        return "inactive"
    progress = [dict(step) for step in enrollment["progress"]]
    if position >= len(progress) or progress[position]["status"] != NurtureStepStatus.PENDING:
        return "done already"
    lead, sequence = await desk.lead_and_sequence(
        enrollment["lead_id"], enrollment["nurture_sequence_id"]
    )
    ended = _end_reason(lead, sequence)
    if ended is not None:
        await _end(desk, enrollment_id, progress, ended)
        return ended
    assert lead is not None
    assert sequence is not None
    step = progress[position]
    if step["action"] == NurtureAction.CREATE_TASK:
        step["taskId"] = await _task(desk, lead, sequence, step)
    else:
        await desk.emit(NURTURE_EVENT, _event(lead, sequence, enrollment_id, step))
    step["status"] = NurtureStepStatus.DONE.value
    step["firedAt"] = desk.now().isoformat()
    values: dict[str, Any] = {"progress": progress}
    if all(s["status"] != NurtureStepStatus.PENDING for s in progress):
        values.update(status=NurtureEnrollmentStatus.COMPLETED.value, ended_at=desk.now())
    await desk.save_enrollment(enrollment_id, values)
    return "fired"


def _end_reason(lead: Mapping[str, Any] | None, sequence: Mapping[str, Any] | None) -> str | None:
    if lead is None:
        return "LEAD_GONE"
    if lead["status"] in CLOSED:
        return CLOSED[LeadStatus(lead["status"])]
    if sequence is None or not sequence["active"]:
        return "SEQUENCE_INACTIVE"
    return None


async def _end(
    desk: NurtureTimerDesk, enrollment_id: int, progress: list[dict[str, Any]], reason: str
) -> None:
    for step in progress:
        if step["status"] == NurtureStepStatus.PENDING:
            step["status"] = NurtureStepStatus.SKIPPED.value
    await desk.save_enrollment(
        enrollment_id,
        {
            "progress": progress,
            "status": NurtureEnrollmentStatus.ENDED.value,
            "end_reason": reason,
            "ended_at": desk.now(),
        },
    )


async def _task(
    desk: NurtureTimerDesk,
    lead: Mapping[str, Any],
    sequence: Mapping[str, Any],
    step: Mapping[str, Any],
) -> int:
    """A task for the lead's assignee, due one business day after the step; an unassigned
    lead's task is left unassigned (the pool's), to be picked up with the lead."""
    return await desk.nurture_task(
        {
            "subject": step["title"],
            "kind": TaskKind(step["taskKind"] or TaskKind.FOLLOW_UP),
            "due_at": await desk.business_days_after(desk.now(), 1),
            "assignee_id": lead["assignee_id"],
            "lead_id": lead["id"],
            "rule": f"nurture_sequence:{sequence['id']}",
        }
    )


def _event(
    lead: Mapping[str, Any],
    sequence: Mapping[str, Any],
    enrollment_id: int,
    step: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "id": global_id("Lead", lead["id"]),
        "nurtureSequence": global_id("NurtureSequence", sequence["id"]),
        "nurtureEnrollment": global_id("NurtureEnrollment", enrollment_id),
        "step": step["position"],
        "afterBusinessDays": step["afterBusinessDays"],
        "title": step["title"],
    }


def _value(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))
