"""The business calendar learns a new year by itself (CONTRACT §7).

The State Council announces next year's holidays and adjusted working days (调休) each
November, and the `holidays` package learns them in a release after that. A daily sweep seeds
every year the package now knows and `calendar_year` does not, up to next year: after an
upgrade of the package a running Prism stops counting that year by the weekday rule (and stops
raising `prism_calendar_missing_year_total`) without a migration or a restart. Days an admin
set (`setBusinessDay`) stay as they are.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from persistence.calendars import learn_years
from persistence.jobs import Periodic

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job

log = logging.getLogger("prism.calendar")

LEARN = "calendar.learn_years"


async def learn(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    learned = await learn_years(conn, clock.now().year + 1)
    if learned:
        log.info("business calendar: seeded %s from the holidays package", learned)
    return None


HANDLERS: dict[str, Handler] = {LEARN: learn}
PERIODIC = (Periodic(LEARN, timedelta(days=1)),)
