"""The SQL of nurture sequences (`domain.nurture_flow`): the sequences an interaction triggers,
enrolments (one per lead and sequence: `ON CONFLICT DO NOTHING` on their unique pair, so two
triggers at once still enrol once), and what a step's timer reads and writes under row locks.

`NurtureSql` is mixed into the stores that log interactions (a request's `LeadStore`, a
channel's desk); `NurtureJobDesk` serves the step timers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.calendar import BusinessCalendar, add_business_minutes
from domain.clock import Clock
from domain.enums import TaskKind
from persistence import jobs, outbox
from persistence import models as m
from persistence.calendars import alert_missing_years, load_calendar
from persistence.tasks import create_task

SEQUENCE = m.NurtureSequence.__table__
ENROLLMENT = m.NurtureEnrollment.__table__
LEAD = m.Lead.__table__


def add_business_days(calendar: BusinessCalendar, start: datetime, days: int) -> datetime:
    """`days` whole working days of business time after `start` (the same hour, `days`
    working days later, when `start` is within working hours)."""
    day_minutes = (calendar.closes.hour * 60 + calendar.closes.minute) - (
        calendar.opens.hour * 60 + calendar.opens.minute
    )
    return add_business_minutes(calendar, start, days * day_minutes)


class NurtureSql:
    """Enrolment queries over `self.conn`."""

    conn: AsyncConnection
    _calendar: BusinessCalendar | None = None

    async def business_days_after(self, start: datetime, days: int) -> datetime:
        if self._calendar is None:
            self._calendar = await load_calendar(self.conn, "BUSINESS")
        due = add_business_days(self._calendar, start, days)
        alert_missing_years(self._calendar, start, due)
        return due

    async def sequences_triggered_by(
        self, kind: str, channel: str | None
    ) -> Sequence[Mapping[str, Any]]:
        c = SEQUENCE.c
        on_channel: ColumnElement[bool] = c.trigger_channel.is_(None)
        if channel is not None:
            on_channel = or_(on_channel, c.trigger_channel == channel)
        stmt = (
            select(c.id, c.steps)
            .where(c.active.is_(True), c.trigger_kind == kind, on_channel)
            .order_by(c.id)
        )
        return [dict(r._mapping) for r in await self.conn.execute(stmt)]

    async def enrol(self, values: Mapping[str, Any]) -> int | None:
        stmt = (
            insert(ENROLLMENT)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["nurture_sequence_id", "lead_id"])
            .returning(ENROLLMENT.c.id)
        )
        found = await self.conn.scalar(stmt)
        return None if found is None else int(found)


class NurtureJobDesk(NurtureSql):
    """A step's timer: no viewer, the job's transaction and the worker's clock."""

    def __init__(self, conn: AsyncConnection, clock: Clock) -> None:
        self.conn = conn
        self._now = clock.now()

    def now(self) -> datetime:
        return self._now

    async def emit(self, event_type: str, data: Mapping[str, Any]) -> str:
        return await outbox.emit(self.conn, event_type, data, self._now)

    async def schedule(
        self, kind: str, key: str, at: datetime, payload: Mapping[str, Any] | None = None
    ) -> bool:
        return await jobs.enqueue(self.conn, kind, key, at, payload)

    async def enrollment(self, enrollment_id: int) -> Mapping[str, Any] | None:
        stmt = select(ENROLLMENT).where(ENROLLMENT.c.id == enrollment_id).with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row is not None else None

    async def lead_and_sequence(
        self, lead_id: int, sequence_id: int
    ) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
        lead = (await self.conn.execute(select(LEAD).where(LEAD.c.id == lead_id))).first()
        stmt = select(SEQUENCE).where(SEQUENCE.c.id == sequence_id)
        sequence = (await self.conn.execute(stmt)).first()
        return (
            dict(lead._mapping) if lead is not None else None,
            dict(sequence._mapping) if sequence is not None else None,
        )

    async def nurture_task(self, values: Mapping[str, Any]) -> int:
        return await create_task(
            self.conn,
            subject=values["subject"],
            kind=TaskKind(values["kind"]),
            due_at=values["due_at"],
            assignee_id=values["assignee_id"],
            now=self._now,
            lead_id=values["lead_id"],
            rule=values["rule"],
        )

    async def save_enrollment(self, enrollment_id: int, values: Mapping[str, Any]) -> None:
        await self.conn.execute(
            update(ENROLLMENT)
            .where(ENROLLMENT.c.id == enrollment_id)
            .values(**values, version=ENROLLMENT.c.version + 1, updated_at=func.now())
        )
