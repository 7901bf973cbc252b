"""The business calendar as data: the seeded days agree with an independent source
(`chinesecalendar`), admin decisions stay over a reseed, and a year without data is alerted."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from domain.calendar import SHANGHAI
from domain.clock import ManualClock
from persistence.calendars import (
    announced_years,
    business_due,
    learn_years,
    load_calendar,
    seed_years,
    set_day,
)
from persistence.jobs import Worker
from tests.conftest import Api

CROSS_CHECKED = range(2020, 2027)


def missing_count(year: int) -> float:
    value = REGISTRY.get_sample_value("prism_calendar_missing_year_total", {"year": str(year)})
    return value or 0.0


def test_the_package_knows_the_announced_years() -> None:
    years = announced_years(2026)
    assert set(CROSS_CHECKED) <= set(years)


async def test_seeded_days_agree_with_chinesecalendar(api: Api) -> None:
    async with api.engine.begin() as conn:
        await seed_years(conn, list(CROSS_CHECKED))
        calendar = await load_calendar(conn, "BUSINESS")
    day, disagreements = date(2020, 1, 1), []
    while day.year in CROSS_CHECKED:
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []
    assert calendar.is_working_day(date(2026, 1, 4))  # a Sunday worked (调休)
    assert not calendar.is_working_day(date(2026, 10, 1))  # National Day


async def test_admin_days_survive_a_reseed(api: Api) -> None:
    async with api.engine.begin() as conn:
        await seed_years(conn, [2026])
        await set_day(conn, date(2026, 10, 1), True, "值班")
        await seed_years(conn, [2026])
        calendar = await load_calendar(conn, "BUSINESS")
    assert calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 10, 2))


async def test_a_year_without_data_is_alerted_never_silent(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    async with api.engine.begin() as conn:
        await seed_years(conn, [2026])
        before = missing_count(2027)
        start = datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI)
        with caplog.at_level(logging.WARNING, logger="prism.calendar"):
            due = await business_due(conn, "BUSINESS", start, 120)
    # The weekday rule still gives an answer (Friday 1 January 2027 10:00) ...
    assert due == datetime(2027, 1, 1, 10, 0, tzinfo=SHANGHAI)
    # ... but the operator hears of it.
    assert missing_count(2027) == before + 1
    assert any("no holiday data for 2027" in r.getMessage() for r in caplog.records)
    async with api.engine.begin() as conn:
        before = missing_count(2027)
        await business_due(conn, "BUSINESS", datetime(2026, 12, 1, 10, tzinfo=SHANGHAI), 60)
        await business_due(conn, "ALWAYS", start, 60 * 24 * 30)
    assert missing_count(2027) == before  # within data, or 24×7: nothing to alert


async def test_the_daily_sweep_seeds_the_years_the_package_has_learned(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    """A database made before the package knew a year (here: all of them) gets each within a
    day, an admin's own decision stays, and a second sweep finds nothing new."""
    assert clock.now().year >= 2025  # the sweep seeds up to next year: 2026 at least
    async with api.engine.begin() as conn:
        await set_day(conn, date(2026, 10, 8), True, "公司决定 国庆加班")
    await worker.run_due()
    async with api.engine.begin() as conn:
        calendar = await load_calendar(conn, "BUSINESS")
        years = set((await conn.scalars(text("SELECT year FROM calendar_year"))).all())
        assert await learn_years(conn, clock.now().year + 1) == []
    assert set(CROSS_CHECKED) <= years
    assert not calendar.is_working_day(date(2026, 10, 1))  # 国庆节
    assert calendar.is_working_day(date(2026, 9, 28)) == chinese_calendar.is_workday(
        date(2026, 9, 28)
    )
    assert calendar.is_working_day(date(2026, 10, 8))  # the admin's decision, not the seed's
