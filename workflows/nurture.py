"""Nurture step timers (issue 11): each fires once, re-reading its enrolment under a row lock,
and does nothing when the step was fired already or the enrolment has ended."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from domain.nurture_flow import NURTURE_STEP_DUE, step_due
from persistence.nurture import NurtureJobDesk

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job

log = logging.getLogger("prism.nurture")


async def nurture_step_due(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    desk = NurtureJobDesk(conn, clock)
    enrollment, position = int(job.payload["enrollment"]), int(job.payload["position"])
    outcome = await step_due(desk, enrollment, position)
    log.info("nurture enrolment %d step %d: %s", enrollment, position, outcome)
    return None


HANDLERS: dict[str, Handler] = {NURTURE_STEP_DUE: nurture_step_due}
