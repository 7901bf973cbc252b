"""Renewals and care (CONTRACT §7): the marks of each contract's term, one durable job each
(enqueued by `createContract`, domain/contracts.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from domain.contracts import CARE, RENEWAL
from persistence.renewals import care_due, renewal_due

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job


async def renewal(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    payload = job.payload
    await renewal_due(
        conn,
        int(payload["contractId"]),
        str(payload["mark"]),
        bool(payload.get("opportunity")),
        clock.now(),
    )
    return None


async def care(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    await care_due(conn, int(job.payload["contractId"]), str(job.payload["mark"]), clock.now())
    return None


HANDLERS: dict[str, Handler] = {RENEWAL: renewal, CARE: care}
