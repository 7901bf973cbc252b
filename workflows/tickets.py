"""Ticket SLAs (CONTRACT §7): the escalation timer of each target, and a sweep for lost ones.

`createTicket` enqueues one `ticket.escalate` job per target (first response, resolution) at
its due time, in the ticket's own transaction. The handler re-reads the ticket: a target met in
time, or escalated already, does nothing. The sweep (every minute, in one process) escalates
tickets past due that have no pending timer, so a timer lost to an old bug or a restored backup
still escalates.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain.sla import ESCALATE, RESOLUTION, RESPONSE
from persistence.escalations import escalate, overdue
from persistence.jobs import Periodic

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job

SWEEP = "ticket.escalation_sweep"


async def escalate_target(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    target = str(job.payload.get("target"))
    if target not in (RESPONSE, RESOLUTION):
        raise ValueError(f"unknown SLA target {target!r}")
    await escalate(conn, int(job.payload["ticketId"]), target, clock.now())
    return None


async def sweep(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    now = clock.now()
    for ticket_id, target in await overdue(conn, now):
        await escalate(conn, ticket_id, target, now)
    return None


HANDLERS: dict[str, Handler] = {ESCALATE: escalate_target, SWEEP: sweep}
PERIODIC = (Periodic(SWEEP, timedelta(minutes=1)),)
