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


#: Leads scored per job: each batch commits on its own, so no lead stays locked for long.
BATCH = 500


async def rescore_open(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    """Score a batch of open leads under the rules in force now, at the worker's instant, and
    enqueue the next batch (its key names the run and where it starts, so it runs once)."""
    desk = ConnDesk(conn, clock)
    run = str(job.payload.get("run") or job.key)
    last = await rescore_open_leads(desk, int(job.payload.get("after") or 0), BATCH)
    if last is not None:
        payload = {"run": run, "after": last}
        await desk.schedule(RESCORE_OPEN_LEADS, f"{run}:after:{last}", desk.now(), payload)
    return None


HANDLERS: dict[str, Handler] = {
    RESCORE_OPEN_LEADS: rescore_open,
    SCORE_DECAY_SWEEP: rescore_open,
}
PERIODIC = (Periodic(SCORE_DECAY_SWEEP, timedelta(days=1)),)
