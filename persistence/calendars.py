"""The business calendar as data: China's holidays and 调休 days, admin overrides, SLA math.

`business_day` holds only the days that depart from the weekday rule (holidays, adjusted
working weekend days), seeded from the `holidays` package for every year whose adjustments were
announced, plus the days an admin decided (`source` ADMIN, kept over any seed). `calendar_year`
lists the years the data covers: a computation that reaches another year follows the weekday
rule but is never silent about it: `prism_calendar_missing_year_total{year}` counts it and a
warning is logged, so an operator adds the year (`workflows.calendar` seeds it within a day
once the package knows it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from prometheus_client import Counter
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.calendar import ALWAYS, BusinessCalendar, add_business_minutes
from persistence.models import BusinessDay, CalendarYear

log = logging.getLogger("prism.calendar")

CALENDARS = ("BUSINESS", "ALWAYS")
#: Seeded years start here; earlier dates never drive a timer.
FIRST_YEAR = 2020

MISSING_YEAR = Counter(
    "prism_calendar_missing_year",
    "Business-time computations that reached a year without holiday data, by year.",
    ["year"],
)


def china_days(years: Iterable[int]) -> list[tuple[date, bool, str]]:
    """(day, working, name) of China's holidays and adjusted working days in `years`."""
    import holidays  # the package loads its country data lazily; only seeding needs it

    wanted = sorted(set(years))
    if not wanted:
        return []
    china = holidays.country_holidays("CN", years=wanted)
    days = [(day, False, str(name)[:200]) for day, name in sorted(china.items())]
    workdays = sorted(d for d in getattr(china, "weekend_workdays", ()) if d.year in wanted)
    return days + [(day, True, "调休 working day") for day in workdays]


def announced_years(until: int) -> list[int]:
    """Years from FIRST_YEAR to `until` whose adjusted working days the package knows (the
    State Council announces them each November for the next year)."""
    import holidays

    known = []
    for year in range(FIRST_YEAR, until + 1):
        china = holidays.country_holidays("CN", years=year)
        if any(d.year == year for d in getattr(china, "weekend_workdays", ())):
            known.append(year)
    return known


async def seed_years(conn: AsyncConnection, years: Sequence[int]) -> None:
    """Store the package's days for `years` (admin decisions stay) and mark the years known."""
    rows = [
        {"day": day, "working": working, "note": note, "source": "HOLIDAYS"}
        for day, working, note in china_days(years)
    ]
    if rows:
        stmt = insert(BusinessDay.__table__).values(rows)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["day"],
                set_={"working": stmt.excluded.working, "note": stmt.excluded.note},
                where=BusinessDay.__table__.c.source == "HOLIDAYS",
            )
        )
    if years:
        await conn.execute(
            insert(CalendarYear.__table__)
            .values([{"year": y, "source": "HOLIDAYS"} for y in years])
            .on_conflict_do_nothing()
        )


async def learn_years(conn: AsyncConnection, until: int) -> list[int]:
    """Seed the years up to `until` that the package knows and the database does not yet."""
    stored = set((await conn.scalars(select(CalendarYear.year))).all())
    new = [year for year in announced_years(until) if year not in stored]
    await seed_years(conn, new)
    return new


async def load_calendar(conn: AsyncConnection, name: str = "BUSINESS") -> BusinessCalendar:
    """The calendar `name` ("BUSINESS" or "ALWAYS") as stored now."""
    if name == "ALWAYS":
        return ALWAYS
    if name != "BUSINESS":
        raise ValueError(f"unknown calendar {name!r}; use one of {', '.join(CALENDARS)}")
    days = (await conn.execute(select(BusinessDay.day, BusinessDay.working))).all()
    years = (await conn.scalars(select(CalendarYear.year))).all()
    return BusinessCalendar(name="BUSINESS").with_days(
        [(day, working) for day, working in days], years=years
    )


def alert_missing_years(calendar: BusinessCalendar, start: datetime, end: datetime) -> set[int]:
    """Count and log each year between `start` and `end` the calendar has no data for."""
    missing = calendar.uncovered_years(start, end)
    for year in sorted(missing):
        MISSING_YEAR.labels(year=str(year)).inc()
        log.warning(
            "calendar %s has no holiday data for %d: business time there follows the weekday"
            " rule until the year is added",
            calendar.name,
            year,
        )
    return missing


async def business_due(
    conn: AsyncConnection, calendar_name: str, start: datetime, minutes: int
) -> datetime:
    """`minutes` business minutes after `start` on the stored calendar, alerting on a year the
    data does not cover."""
    calendar = await load_calendar(conn, calendar_name)
    due = add_business_minutes(calendar, start, minutes)
    alert_missing_years(calendar, start, due)
    return due


async def set_day(conn: AsyncConnection, day: date, working: bool, note: str | None) -> None:
    """An admin's decision about `day`: kept over any seeded data for it."""
    stmt = insert(BusinessDay.__table__).values(day=day, working=working, note=note, source="ADMIN")
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["day"],
            set_={"working": working, "note": note, "source": "ADMIN", "updated_at": text("now()")},
        )
    )


async def list_days(conn: AsyncConnection, start: date, end: date) -> list[dict[str, object]]:
    """The stored days from `start` to `end` (inclusive): holidays, 调休 days, admin decisions."""
    table = BusinessDay.__table__
    rows = await conn.execute(
        select(table).where(table.c.day >= start, table.c.day <= end).order_by(table.c.day)
    )
    return [dict(row._mapping) for row in rows]
