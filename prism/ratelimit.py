"""Per-viewer rate limits in cost points per minute, shared by every process.

A fixed one-minute window on the store's clock (Redis `TIME` or PostgreSQL `now()`), so all
processes agree on when a window starts. A request is charged its requested cost before it
runs; a request that would go over the budget is refused and charged nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from prism.settings import Settings

log = logging.getLogger("prism.ratelimit")

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Spend:
    allowed: bool
    limit: int
    remaining: int | None  # None when the shared store could not be asked
    retry_after: int  # seconds until the window resets


class RateLimiter(Protocol):
    budget: int

    async def spend(self, user_id: int, cost: int) -> Spend: ...

    async def aclose(self) -> None: ...


def rate_limiter(settings: Settings, engine: AsyncEngine) -> RateLimiter:
    """Redis when `PRISM_REDIS_URL` is set, else the PostgreSQL the API already uses."""
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, settings.rate_limit_per_minute)
    return PostgresRateLimiter(engine, settings.rate_limit_per_minute)


def _spend(allowed: bool, budget: int, spent: int, reset_in: float) -> Spend:
    return Spend(allowed, budget, max(0, budget - spent), max(1, math.ceil(reset_in)))


# One statement: start or continue this minute's window, adding the cost only if it fits.
_UPSERT = text(
    """
    WITH w AS (SELECT date_trunc('minute', now()) AS start)
    , charged AS (
        INSERT INTO rate_limit_window AS r (user_id, window_start, spent)
        SELECT :user_id, w.start, :cost FROM w WHERE CAST(:cost AS bigint) <= :budget
        ON CONFLICT (user_id) DO UPDATE SET
            spent = CASE WHEN r.window_start = excluded.window_start
                         THEN r.spent + excluded.spent ELSE excluded.spent END,
            window_start = excluded.window_start
        WHERE r.window_start <> excluded.window_start
           OR r.spent + excluded.spent <= CAST(:budget AS bigint)
        RETURNING r.spent
    )
    SELECT (SELECT spent FROM charged) AS spent,
           extract(epoch FROM (SELECT start FROM w) + interval '1 minute' - now()) AS reset_in
    """
)


class PostgresRateLimiter:
    def __init__(self, engine: AsyncEngine, budget: int) -> None:
        self.engine, self.budget = engine, budget

    async def spend(self, user_id: int, cost: int) -> Spend:
        params = {"user_id": user_id, "cost": cost, "budget": self.budget}
        async with self.engine.begin() as conn:
            # A spend counter is worth no disk flush: losing the last few on a crash only
            # forgives a few points, and the request should not wait on fsync for it.
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
            row = (await conn.execute(_UPSERT, params)).one()
        if row.spent is None:  # refused: nothing was charged
            return _spend(False, self.budget, self.budget, float(row.reset_in))
        return _spend(True, self.budget, int(row.spent), float(row.reset_in))

    async def aclose(self) -> None:
        """The engine belongs to the app."""


# Atomic in Redis: read the window, refuse or add, set its expiry. KEYS[1] holds a hash tag so
# every window of one user lands in one cluster slot.
_SCRIPT = """
local now = tonumber(redis.call('TIME')[1])
local start = now - (now % tonumber(ARGV[3]))
local key = KEYS[1] .. ':' .. start
local spent = tonumber(redis.call('GET', key) or '0')
local reset_in = start + tonumber(ARGV[3]) - now
if spent + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {0, spent, reset_in} end
spent = redis.call('INCRBY', key, ARGV[1])
redis.call('EXPIRE', key, 2 * tonumber(ARGV[3]))
return {1, spent, reset_in}
"""


class RedisRateLimiter:
    def __init__(self, url: str, budget: int) -> None:
        self.budget = budget
        self.redis: Redis = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.script = self.redis.register_script(_SCRIPT)

    async def spend(self, user_id: int, cost: int) -> Spend:
        key = f"prism:ratelimit:{{{user_id}}}"
        try:
            allowed, spent, reset_in = await self.script(
                keys=[key], args=[cost, self.budget, WINDOW_SECONDS]
            )
        except (RedisError, OSError) as exc:
            # A limiter outage must not take the API down with it: let the request through.
            log.warning("rate limit store unavailable, not limiting: %r", exc)
            return Spend(True, self.budget, None, WINDOW_SECONDS)
        return _spend(bool(allowed), self.budget, int(spent), float(reset_in))

    async def aclose(self) -> None:
        await self.redis.aclose()
