"""The clock port: the one way the domain and the workflows learn what time it is.

Nothing in the domain calls `datetime.now()`: a use case asks its store (`Store.now()`), a job
asks the worker's clock. Production uses `SystemClock`; tests hold a `ManualClock` and move it,
so an SLA that is two working hours away is reached by `clock.advance(...)`, not by waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: starts at `start` (default: the machine's now)."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("a clock's instant must be timezone-aware")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time does not run backwards")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("a clock's instant must be timezone-aware")
        if instant < self._now:
            raise ValueError("time does not run backwards")
        self._now = instant
        return self._now

    def reset(self, instant: datetime | None = None) -> datetime:
        """Start over at `instant` (default: the machine's now); only for a new test."""
        instant = instant or datetime.now(UTC)
        if instant.tzinfo is None:
            raise ValueError("a clock's instant must be timezone-aware")
        self._now = instant
        return self._now
