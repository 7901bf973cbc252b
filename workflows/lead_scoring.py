"""Lead scores that keep up (issue 11): every open lead is scored again when the scoring rules
change, and once a day so behaviour points decay with their age even when nothing happens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain.lead_scoring import RESCORE_OPEN_LEADS, SCORE_DECAY_SWEEP, rescore_open_leads
from persistence.jobs import Periodic
from persistence.lead_desk import ConnDesk

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job


async def rescore_open(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    """Score every open lead under the rules in force now, at the worker's instant."""
    await rescore_open_leads(ConnDesk(conn, clock))
    return None


HANDLERS: dict[str, Handler] = {
    RESCORE_OPEN_LEADS: rescore_open,
    SCORE_DECAY_SWEEP: rescore_open,
}
PERIODIC = (Periodic(SCORE_DECAY_SWEEP, timedelta(days=1)),)
