"""Events (CONTRACT §8): the fan-out of each outbox event to the webhook endpoints.

Until webhook endpoints exist, an event's fan-out job has nothing to deliver to and is done.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from persistence.outbox import FANOUT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job


async def fan_out(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    return None


HANDLERS: dict[str, Handler] = {FANOUT: fan_out}
