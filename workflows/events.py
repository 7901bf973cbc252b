"""Events (CONTRACT §8): the fan-out of each outbox event to the webhook endpoints.

An event's fan-out job makes one delivery per live endpoint subscribed to its type, each with a
job of its own (`workflows.webhooks`), so one slow or failing receiver never holds up another.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from persistence import webhooks
from persistence.outbox import FANOUT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job


async def fan_out(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    await webhooks.fan_out(conn, str(job.payload["eventId"]), clock.now())
    return None


HANDLERS: dict[str, Handler] = {FANOUT: fan_out}
