"""The write store of the service and contract processes: a `SqlStore` that also reads the SLA
policies and the business calendars (domain/sla.py `SlaStore`).

Policies and calendars are configuration, not rows of the viewer's slice: every role that may
create a ticket gets its due times from them, whether or not it may read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from authz.policy import POLICY_TYPE
from domain.calendar import BusinessCalendar, add_business_minutes
from domain.enums import TicketPriority
from domain.errors import stale
from domain.sla import DEFAULT_TARGETS, SlaTargets
from persistence.calendars import alert_missing_years, load_calendar, set_day
from persistence.lead_scoring import ScoringSql
from persistence.models import Customer, SlaPolicy
from persistence.writes import SqlStore

sla_table = SlaPolicy.__table__


async def read_sla_policy(conn: Any, priority: TicketPriority) -> SlaTargets:
    """The stored targets of `priority`, or the shipped ones when none is stored (version 0)."""
    row = (
        (await conn.execute(select(sla_table).where(sla_table.c.priority == priority)))
        .mappings()
        .first()
    )
    if row is None:
        respond, resolve = DEFAULT_TARGETS[priority]
        return SlaTargets(priority, respond, resolve, "BUSINESS", version=0)
    return SlaTargets(
        priority=TicketPriority(row["priority"]),
        first_response_minutes=row["first_response_minutes"],
        resolution_minutes=row["resolution_minutes"],
        calendar=row["calendar"],
        version=row["version"],
    )


class ServiceStore(ScoringSql, SqlStore):
    """A `SqlStore` with business time (one calendar load per write)."""

    _calendars: dict[str, BusinessCalendar]

    async def sla_policy(self, priority: TicketPriority) -> SlaTargets:
        return await read_sla_policy(self.conn, priority)

    async def business_due(self, calendar: str, start: datetime, minutes: int) -> datetime:
        cache = self.__dict__.setdefault("_calendars", {})
        if calendar not in cache:
            cache[calendar] = await load_calendar(self.conn, calendar)
        due = add_business_minutes(cache[calendar], start, minutes)
        alert_missing_years(cache[calendar], start, due)
        return due

    async def customer_of(self, customer_id: int) -> Mapping[str, Any]:
        """The customer a referenced record hangs under: its owner and segment, for the work the
        process assigns (an upsell lead goes to the owner whoever recorded the visit)."""
        table = Customer.__table__
        row = (await self.conn.execute(select(table).where(table.c.id == customer_id))).first()
        if row is None:
            raise LookupError(f"customer {customer_id} vanished")
        return dict(row._mapping)


class ConfigStore(ServiceStore):
    """The store of the act `Policy manage` for the service configuration: SLA policies and
    the business calendar's days (admins, through their policy)."""

    async def update_sla_policy(
        self, targets: SlaTargets, expected_version: int | None
    ) -> SlaTargets:
        self._check_writable(POLICY_TYPE)
        current = await read_sla_policy(self.conn, targets.priority)
        if expected_version is not None and current.version != expected_version:
            raise stale("SlaPolicy", current.version, expected_version)
        values = {
            "first_response_minutes": targets.first_response_minutes,
            "resolution_minutes": targets.resolution_minutes,
            "calendar": targets.calendar,
        }
        upsert = pg_insert(sla_table).values(priority=targets.priority, **values)
        stmt = upsert.on_conflict_do_update(
            index_elements=["priority"],
            set_={**values, "version": sla_table.c.version + 1, "updated_at": self.now()},
            where=sla_table.c.version == current.version,
        ).returning(sla_table.c.priority)
        if (await self._guarded(stmt)).first() is None:  # changed since we read it
            latest = await read_sla_policy(self.conn, targets.priority)
            raise stale("SlaPolicy", latest.version, expected_version)
        return await read_sla_policy(self.conn, targets.priority)

    async def set_business_day(self, day: date, working: bool, note: str | None) -> None:
        self._check_writable(POLICY_TYPE)
        await set_day(self.conn, day, working, note)
