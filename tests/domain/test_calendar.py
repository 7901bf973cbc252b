"""Business time: properties of `add_business_minutes` and `business_minutes_between`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    ALWAYS,
    SHANGHAI,
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
)

# 2025 National Day week: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 worked (调休).
HOLIDAYS = frozenset(date(2025, 10, d) for d in range(1, 9))
WORKDAYS = frozenset({date(2025, 9, 28), date(2025, 10, 11)})
CAL = BusinessCalendar(holidays=HOLIDAYS, workdays=WORKDAYS, years=frozenset({2025}))

instants = st.datetimes(
    min_value=datetime(2025, 9, 1), max_value=datetime(2025, 11, 30), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=5 * 9 * 60)


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_within_a_day_and_across_the_night() -> None:
    assert add_business_minutes(CAL, local(2025, 11, 3, 10), 60) == local(2025, 11, 3, 11)
    # 17:30 Monday + 60 min → 30 min left on Tuesday from 09:00.
    assert add_business_minutes(CAL, local(2025, 11, 3, 17, 30), 60) == local(2025, 11, 4, 9, 30)
    # Before opening counts from opening.
    assert add_business_minutes(CAL, local(2025, 11, 3, 3), 30) == local(2025, 11, 3, 9, 30)


def test_skips_the_weekend() -> None:
    friday = local(2025, 11, 7, 17)
    assert add_business_minutes(CAL, friday, 120) == local(2025, 11, 10, 10)
    assert business_minutes_between(CAL, friday, local(2025, 11, 10, 10)) == 120


def test_skips_holidays_and_counts_adjusted_working_days() -> None:
    # Friday Sep 26 17:00 + 120 min: the Sunday Sep 28 is worked, so due Sunday 10:00.
    assert add_business_minutes(CAL, local(2025, 9, 26, 17), 120) == local(2025, 9, 28, 10)
    # Tuesday Sep 30 17:00 + 120 min: Oct 1-8 off, Oct 9 (Thursday) is the next working day.
    assert add_business_minutes(CAL, local(2025, 9, 30, 17), 120) == local(2025, 10, 9, 10)
    # Friday Oct 10 17:00 + 120 min: Saturday Oct 11 is worked.
    assert add_business_minutes(CAL, local(2025, 10, 10, 17), 120) == local(2025, 10, 11, 10)


def test_the_always_calendar_counts_every_minute() -> None:
    start = local(2025, 10, 1, 23, 30)
    assert add_business_minutes(ALWAYS, start, 60) == start + timedelta(hours=1)
    assert business_minutes_between(ALWAYS, start, start + timedelta(days=1)) == 1440


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(CAL, local(2025, 11, 3, 10), -1)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(CAL, datetime(2025, 11, 3, 10), 1)
    with pytest.raises(ValueError, match="open before"):
        BusinessCalendar(opens=CAL.closes, closes=CAL.opens)
    closed = BusinessCalendar(holidays=frozenset(), workdays=frozenset()).with_days(
        (date(2025, 1, 1) + timedelta(days=i), False) for i in range(3000)
    )
    with pytest.raises(ValueError, match="no working day"):
        add_business_minutes(closed, local(2025, 1, 1, 10), 1)


def test_uncovered_years_are_reported() -> None:
    assert CAL.uncovered_years(local(2025, 12, 31, 10), local(2026, 1, 2, 10)) == {2026}
    assert CAL.uncovered_years(local(2025, 3, 1, 10), local(2025, 4, 1, 10)) == set()
    assert ALWAYS.uncovered_years(local(2025, 3, 1, 10), local(2030, 4, 1, 10)) == set()


def test_admin_overrides_turn_days_on_and_off() -> None:
    cal = CAL.with_days([(date(2025, 11, 3), False), (date(2025, 11, 8), True)])
    assert not cal.is_working_day(date(2025, 11, 3))
    assert cal.is_working_day(date(2025, 11, 8))
    back = cal.with_days([(date(2025, 11, 3), True)])
    assert back.is_working_day(date(2025, 11, 3))


@given(instants, minutes, minutes)
@settings(max_examples=200, deadline=None)
def test_monotonic(start: datetime, m1: int, m2: int) -> None:
    lo, hi = sorted((m1, m2))
    assert add_business_minutes(CAL, start, lo) <= add_business_minutes(CAL, start, hi)


@given(instants, minutes)
@settings(max_examples=200, deadline=None)
def test_add_then_between_gives_back_the_minutes(start: datetime, m: int) -> None:
    due = add_business_minutes(CAL, start, m)
    assert business_minutes_between(CAL, start, due) == m
    assert business_minutes_between(CAL, due, start) == -m


@given(instants, st.integers(min_value=1, max_value=5 * 9 * 60))
@settings(max_examples=200, deadline=None)
def test_due_instants_fall_in_working_hours(start: datetime, m: int) -> None:
    due = add_business_minutes(CAL, start, m).astimezone(SHANGHAI)
    assert CAL.is_working_day(due.date())
    assert CAL.opens < due.time() <= CAL.closes or due.time() == CAL.closes


@given(instants, instants)
@settings(max_examples=200, deadline=None)
def test_between_never_exceeds_wall_time_and_skips_days_off(a: datetime, b: datetime) -> None:
    a, b = sorted((a, b))
    counted = business_minutes_between(CAL, a, b)
    assert 0 <= counted <= (b - a).total_seconds() // 60
    assert counted <= business_minutes_between(ALWAYS, a, b)
    # A night, a weekend or a holiday adds nothing: the count only moves in working hours.
    day = a.astimezone(SHANGHAI).date()
    if not CAL.is_working_day(day):
        night_end = datetime.combine(day + timedelta(days=1), CAL.opens, SHANGHAI)
        if b <= night_end:
            assert counted == 0


@given(instants, minutes, minutes)
@settings(max_examples=200, deadline=None)
def test_additions_compose(start: datetime, m1: int, m2: int) -> None:
    once = add_business_minutes(CAL, start, m1 + m2)
    twice = add_business_minutes(CAL, add_business_minutes(CAL, start, m1), m2)
    assert m1 == 0 or m2 == 0 or once == twice
