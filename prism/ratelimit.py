"""Per-viewer rate limits in cost points per minute, shared by every process.

Each process decides in memory and settles with a shared store in the background, so a
request costs no statement for its rate limit. A viewer's minute is a fixed window on the
clock; a process admits a request while the minute's spending it knows of — the shared total
at its last settlement plus what it admitted since — leaves room for the request's cost, and a
refused request is charged nothing. Every `SETTLE_SECONDS` each process adds what it admitted
to the shared totals (Redis when `PRISM_REDIS_URL` is set, else PostgreSQL) in one statement
and learns back the totals of every viewer it has seen this minute; the first request of a
viewer in a minute settles at once.

Error bound: a viewer can spend at most the budget plus what the other processes admitted for
it in one settlement interval (about `SETTLE_SECONDS` of its traffic per other process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.cancellation import cancelling
from persistence.db import make_engine
from persistence.rate_limits import Charge, PostgresSpending
from prism.settings import Settings

log = logging.getLogger("prism.ratelimit")

WINDOW_SECONDS = 60
SETTLE_SECONDS = 0.2


@dataclass(frozen=True)
class Spend:
    allowed: bool
    limit: int
    remaining: int | None  # None when the shared store could not be asked
    retry_after: int  # seconds until the window resets


class SharedSpending(Protocol):
    """The minute totals every process adds to: `add` returns each viewer's new total."""

    async def add(self, charges: Sequence[Charge]) -> dict[int, int]: ...

    async def aclose(self) -> None: ...


@dataclass
class _Window:
    start: int
    known: int = 0  # the shared total at the last settlement (ours included)
    pending: int = 0  # admitted here since


class RateLimiter:
    def __init__(self, shared: SharedSpending, budget: int) -> None:
        self.shared, self.budget = shared, budget
        self._windows: dict[int, _Window] = {}
        self._settler: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()

    def forget(self) -> None:
        """Drop what this process knows of every viewer's minute (the database was reset)."""
        self._windows.clear()

    async def spend(self, user_id: int, cost: int) -> Spend:
        now = time.time()
        start = int(now // WINDOW_SECONDS * WINDOW_SECONDS)
        reset_in = max(1, math.ceil(start + WINDOW_SECONDS - now))
        window = self._windows.get(user_id)
        if window is None or window.start != start:
            window = self._windows[user_id] = _Window(start)
            known = await self._settle([Charge(user_id, start, 0)])
            if known is None:
                return Spend(True, self.budget, None, reset_in)
            window.known = known.get(user_id, 0)
        spent = window.known + window.pending
        if spent + cost > self.budget:
            return Spend(False, self.budget, max(0, self.budget - spent), reset_in)
        window.pending += cost
        self._start_settling()
        return Spend(True, self.budget, self.budget - spent - cost, reset_in)

    def _start_settling(self) -> None:
        if self._settler is None or self._settler.done():
            self._settler = asyncio.get_running_loop().create_task(self._settle_forever())

    async def _settle_forever(self) -> None:
        while self._windows:
            await asyncio.sleep(SETTLE_SECONDS)
            await self.settle()

    async def settle(self) -> None:
        """Add what this process admitted to the shared totals, and learn them back, for every
        viewer it has seen this minute (so it hears what the other processes admitted)."""
        owed = {u: (w, w.pending) for u, w in self._windows.items()}
        charges = [Charge(u, w.start, points) for u, (w, points) in owed.items()]
        totals = await self._settle(charges)
        if totals is None:
            return
        current = int(time.time() // WINDOW_SECONDS * WINDOW_SECONDS)
        for user_id, (window, points) in owed.items():
            window.pending -= points
            window.known = totals.get(user_id, window.known)
        self._windows = {u: w for u, w in self._windows.items() if w.start == current}

    async def _settle(self, charges: Sequence[Charge]) -> dict[int, int] | None:
        try:
            return await self.shared.add(charges)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not take the API down
            if cancelling():  # the settler is being stopped: not an outage
                raise asyncio.CancelledError from exc
            log.warning("rate limit store unavailable, limiting per process only: %r", exc)
            return None

    async def aclose(self) -> None:
        if self._settler is not None:
            self._settler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._settler
        with contextlib.suppress(Exception):
            await self.settle()
        await self.shared.aclose()


def rate_limiter(settings: Settings, engine: AsyncEngine) -> RateLimiter:
    """Redis when `PRISM_REDIS_URL` is set, else the PostgreSQL the API already uses."""
    shared: SharedSpending
    if settings.redis_url:
        shared = RedisSpending(settings.redis_url)
    else:
        # Its own two connections: settling never waits for, or holds up, the request pool.
        url = engine.url.render_as_string(hide_password=False)
        shared = PostgresSpending(make_engine(url, pool_size=1), owned=True)
    return RateLimiter(shared, settings.rate_limit_per_minute)


class RedisSpending:
    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    async def add(self, charges: Sequence[Charge]) -> dict[int, int]:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for c in charges:
                    # A hash tag keeps every window of one user in one cluster slot.
                    key = f"prism:ratelimit:{{{c.user_id}}}:{c.window_start}"
                    pipe.incrby(key, c.points)
                    pipe.expire(key, 2 * WINDOW_SECONDS)
                results = await pipe.execute()
        except (RedisError, OSError) as exc:
            raise ConnectionError(f"redis: {exc!r}") from exc
        return {c.user_id: int(results[2 * i]) for i, c in enumerate(charges)}

    async def aclose(self) -> None:
        await self.redis.aclose()
