"""Resolvers of the service configuration (SLA policies, business days) and the workflow
mutations; reads go through persistence, writes through `resolvers.mutations.run`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.enums import TicketPriority
from domain.sla import SlaTargets
from persistence.calendars import list_days
from persistence.errors import BadInput
from persistence.service_store import read_sla_policy
from resolvers.context import context_of

#: At most this many days per `businessDays` answer.
MAX_DAYS = 366


async def sla_policies(info: Any) -> list[SlaTargets]:
    async with context_of(info).db.connection() as conn:
        return [await read_sla_policy(conn, p) for p in TicketPriority]


async def business_days(info: Any, start: date, end: date) -> list[dict[str, Any]]:
    if end < start:
        raise BadInput("`to` must not be before `from`", "to")
    if end - start > timedelta(days=MAX_DAYS):
        raise BadInput(f"ask for at most {MAX_DAYS} days at a time", "to")
    async with context_of(info).db.connection() as conn:
        return await list_days(conn, start, end)
