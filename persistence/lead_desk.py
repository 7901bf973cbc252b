"""The SQL of lead routing (`domain.lead_routing.RoutingDesk`), for a request's write store
(`LeadStore`) and for timers and channels that run without a viewer (`ConnDesk`).

The rotation is fair under concurrency because a rule's turn is taken under `SELECT … FOR
UPDATE` of the rule's row: a second lead arriving at the same moment waits for the first
transaction and then sees the advanced cursor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.calendar import add_business_minutes
from domain.clock import Clock
from domain.enums import CalendarName, LeadStatus
from domain.global_ids import global_id
from persistence import jobs, outbox
from persistence import models as m
from persistence.calendars import load_calendar
from persistence.lead_scoring import ScoringSql
from persistence.nurture import NurtureSql
from persistence.writes import SqlStore

RULE = m.AssignmentRule.__table__
LEAD = m.Lead.__table__
USER = m.User.__table__
TASK = m.Task.__table__
OPEN_LEAD = (LeadStatus.NEW, LeadStatus.ASSIGNED, LeadStatus.CONTACTED)


def _row(row: Any) -> dict[str, Any] | None:
    return dict(row._mapping) if row is not None else None


async def business_due(
    conn: AsyncConnection, calendar: CalendarName, start: datetime, minutes: int
) -> datetime:
    """`start` + `minutes` on the named calendar (the business calendar of `business_day`, or
    ALWAYS: every minute)."""
    if calendar is CalendarName.ALWAYS:
        return start + timedelta(minutes=minutes)
    loaded = await load_calendar(conn, calendar.value)
    return add_business_minutes(loaded, start, minutes)


class RoutingSql:
    """The routing queries over `self.conn`; mixed into a store or a bare connection desk."""

    conn: AsyncConnection

    async def active_rules(self) -> list[Mapping[str, Any]]:
        rows = await self.conn.execute(
            select(RULE).where(RULE.c.active.is_(True)).order_by(RULE.c.priority, RULE.c.id)
        )
        return [dict(r._mapping) for r in rows]

    async def lock_rule(self, rule_id: int) -> Mapping[str, Any] | None:
        stmt = select(RULE).where(RULE.c.id == rule_id).with_for_update()
        return _row((await self.conn.execute(stmt)).first())

    async def active_users(self, user_ids: Sequence[int]) -> list[int]:
        if not user_ids:
            return []
        stmt = select(USER.c.id).where(USER.c.id.in_(list(user_ids)), USER.c.active.is_(True))
        found = set((await self.conn.scalars(stmt)).all())
        return [u for u in user_ids if u in found]

    async def open_lead_counts(self, user_ids: Sequence[int]) -> Mapping[int, int]:
        stmt = (
            select(LEAD.c.assignee_id, func.count())
            .where(LEAD.c.assignee_id.in_(list(user_ids)), LEAD.c.status.in_(OPEN_LEAD))
            .group_by(LEAD.c.assignee_id)
        )
        return {int(a): int(n) for a, n in (await self.conn.execute(stmt)).all()}

    async def set_rule_cursor(self, rule_id: int, cursor: int) -> None:
        await self.conn.execute(update(RULE).where(RULE.c.id == rule_id).values(cursor=cursor))

    async def manager_of(self, user_id: int) -> int | None:
        stmt = select(USER.c.manager_id).where(USER.c.id == user_id)
        manager = await self.conn.scalar(stmt)
        return int(manager) if manager is not None else None

    async def due_at(self, calendar: CalendarName, start: datetime, minutes: int) -> datetime:
        return await business_due(self.conn, calendar, start, minutes)

    async def _insert_task(self, values: Mapping[str, Any]) -> int:
        pk = int(await self.conn.scalar(insert(TASK).values(**values).returning(TASK.c.id)) or 0)
        await self.emit(
            "task.created",
            {"id": global_id("Task", pk), "kind": str(values["kind"]), "dueAt": _iso(values)},
        )
        return pk

    async def _update_lead(self, lead_id: int, values: Mapping[str, Any]) -> None:
        await self.conn.execute(
            update(LEAD)
            .where(LEAD.c.id == lead_id)
            .values(**values, version=LEAD.c.version + 1, updated_at=func.now())
        )

    if TYPE_CHECKING:

        async def emit(self, event_type: str, data: Mapping[str, Any]) -> str: ...


def _iso(values: Mapping[str, Any]) -> str:
    due = values["due_at"]
    return due.isoformat() if isinstance(due, datetime) else str(due)


class LeadStore(ScoringSql, RoutingSql, NurtureSql, SqlStore):
    """The write store of lead acts: routing writes are the act's declared consequences
    (`authz.policy.CONSEQUENCES`), made whoever the lead ends up with."""

    async def add_task(self, values: Mapping[str, Any]) -> int:
        self._check_writable("Task")
        return await self._insert_task(values)

    async def set_lead(self, lead_id: int, values: Mapping[str, Any]) -> None:
        self._check_writable("Lead")
        await self._update_lead(lead_id, values)

    async def enrol(self, values: Mapping[str, Any]) -> int | None:
        self._check_writable("NurtureEnrollment")
        return await super().enrol(values)

    async def set_rule_cursor(self, rule_id: int, cursor: int) -> None:
        self._check_writable("AssignmentRule")
        await super().set_rule_cursor(rule_id, cursor)

    async def lead(self, lead_id: int) -> Mapping[str, Any] | None:
        return _row((await self.conn.execute(select(LEAD).where(LEAD.c.id == lead_id))).first())

    async def users(self, user_ids: Sequence[int]) -> list[Mapping[str, Any]]:
        """The users among `user_ids` the viewer may read, with their role and activity."""
        predicate = self.access.read("User").predicate
        stmt = select(USER).where(USER.c.id.in_(list(user_ids)), predicate)
        return [dict(r._mapping) for r in await self.conn.execute(stmt)]

    async def change(self, type_name: str, pk: int, values: Mapping[str, Any]) -> None:
        """Update a record of the act's type the viewer's act reached (`target`) or of a
        declared consequence, without the act's scope (a partner accepting a lead changes
        nothing it could not see)."""
        self._check_writable(type_name)
        table = m.Base.metadata.tables[_TABLE_OF[type_name]]
        extra = {"version": table.c.version + 1} if "version" in table.c else {}
        await self.conn.execute(
            update(table).where(table.c.id == pk).values(**values, **extra, updated_at=func.now())
        )


_TABLE_OF = {
    "Lead": "lead",
    "Opportunity": "opportunity",
    "AssignmentRule": "assignment_rule",
    "Task": "task",
}


class ConnDesk(ScoringSql, RoutingSql, NurtureSql):
    """Routing for a timer or a channel: no viewer, the transaction of the job or request."""

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

    async def add_task(self, values: Mapping[str, Any]) -> int:
        return await self._insert_task(values)

    async def set_lead(self, lead_id: int, values: Mapping[str, Any]) -> None:
        await self._update_lead(lead_id, values)

    async def lead(self, lead_id: int, *, lock: bool = False) -> Mapping[str, Any] | None:
        stmt = select(LEAD).where(LEAD.c.id == lead_id)
        if lock:
            stmt = stmt.with_for_update()
        return _row((await self.conn.execute(stmt)).first())
