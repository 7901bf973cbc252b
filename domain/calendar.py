"""Business time: which minutes count towards an SLA target.

A `BusinessCalendar` is working hours (09:00–18:00 Asia/Shanghai by default) on working days.
A working day is Monday to Friday, unless it is a holiday, plus the adjusted working days (调休:
a Saturday or Sunday worked to bridge a holiday). `ALWAYS` counts every minute (24×7).

The calendar knows which years its day data covers (`years`); a computation that reaches a year
outside them still follows the weekday rule, but the caller can ask `uncovered_years(a, b)` and
must raise an alert rather than guess silently (persistence/calendars.py does).

Pure: no clock, no storage. Instants are timezone-aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# No calendar has a working day further away than this: a longer search is a broken calendar.
_MAX_SEARCH_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours on working days in one time zone (or every minute when `always`)."""

    name: str = "BUSINESS"
    tz: ZoneInfo = SHANGHAI
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # 调休: weekend days worked
    years: frozenset[int] | None = None  # years the day data covers; None: any (no data needed)
    always: bool = False

    def __post_init__(self) -> None:
        if not self.always and self.opens >= self.closes:
            raise ValueError("a business day must open before it closes")
        if self.holidays & self.workdays:
            raise ValueError("a day cannot be both a holiday and an adjusted working day")

    def is_working_day(self, day: date) -> bool:
        if self.always or day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of `day` as aware instants, or None on a day off."""
        if not self.is_working_day(day):
            return None
        if self.always:
            start = datetime.combine(day, time(0), self.tz)
            return start, datetime.combine(day + timedelta(days=1), time(0), self.tz)
        return (
            datetime.combine(day, self.opens, self.tz),
            datetime.combine(day, self.closes, self.tz),
        )

    def uncovered_years(self, a: datetime, b: datetime) -> set[int]:
        """The years between instants `a` and `b` (local dates) the day data does not cover."""
        if self.always or self.years is None:
            return set()
        lo, hi = sorted((_aware(a).astimezone(self.tz), _aware(b).astimezone(self.tz)))
        return {y for y in range(lo.year, hi.year + 1) if y not in self.years}

    def with_days(
        self, overrides: Iterable[tuple[date, bool]], years: Iterable[int] | None = None
    ) -> BusinessCalendar:
        """This calendar with each `(day, working)` decided explicitly (admin overrides)."""
        holidays, workdays = set(self.holidays), set(self.workdays)
        for day, working in overrides:
            holidays.discard(day)
            workdays.discard(day)
            weekday_working = day.weekday() < 5
            if working and not weekday_working:
                workdays.add(day)
            elif not working and weekday_working:
                holidays.add(day)
        known = self.years if years is None else frozenset(years) | (self.years or frozenset())
        return BusinessCalendar(
            self.name, self.tz, self.opens, self.closes,
            frozenset(holidays), frozenset(workdays), known, self.always,
        )  # fmt: skip


ALWAYS = BusinessCalendar(name="ALWAYS", always=True)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("business time needs timezone-aware instants")
    return instant


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The instant `minutes` business minutes after `start` (in UTC).

    Zero minutes is `start` itself; otherwise the result lies within working hours (possibly at
    closing time: a target that uses up the day's last minute is due when the day closes).
    """
    start = _aware(start).astimezone(UTC)
    if minutes < 0:
        raise ValueError("business minutes cannot be negative")
    if minutes == 0:
        return start
    if calendar.always:
        return start + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    day = start.astimezone(calendar.tz).date()
    for _ in range(_MAX_SEARCH_DAYS + minutes // 60 + 1):
        hours = calendar.window(day)
        if hours is not None:
            opens, closes = hours
            begin = max(start, opens)
            if begin < closes:
                if begin + left <= closes:
                    return (begin + left).astimezone(UTC)
                left -= closes - begin
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name} has no working day in reach")


def business_minutes_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> int:
    """Whole business minutes from `a` to `b` (negative when `b` is before `a`)."""
    a, b = _aware(a).astimezone(UTC), _aware(b).astimezone(UTC)
    if b < a:
        return -business_minutes_between(calendar, b, a)
    if calendar.always:
        return int((b - a).total_seconds() // 60)
    total = timedelta(0)
    day = a.astimezone(calendar.tz).date()
    last = b.astimezone(calendar.tz).date()
    while day <= last:
        hours = calendar.window(day)
        if hours is not None:
            begin, end = max(a, hours[0]), min(b, hours[1])
            if begin < end:
                total += end - begin
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)
