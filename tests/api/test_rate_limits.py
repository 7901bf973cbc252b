"""Rate limits: one viewer's budget of cost points a minute, shared by every process through
PostgreSQL or Redis, and an API that stays up when Redis does not.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from prism.ratelimit import (
    SETTLE_SECONDS,
    PostgresSpending,
    RateLimiter,
    RedisSpending,
    rate_limiter,
)
from prism.settings import Settings
from tests import factories as f
from tests.api.limits_kit import admin, app_with, ask, too_complex
from tests.conftest import Api

# --- rate limits --------------------------------------------------------------------------

COSTS_20 = "{ customers { totalCount } }"


async def fresh_minute() -> None:
    """A window boundary inside a test would split its spending: start well inside a minute."""
    left = 60 - time.time() % 60
    if left < 5:
        await asyncio.sleep(left + 0.5)


def cost_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return dict(response.json()["extensions"]["cost"])


def rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 60
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["message"].startswith("Rate limit of 50 cost points per minute reached; retry in")


async def settled() -> None:
    """Each process settles what it admitted with the others within a settlement interval."""
    await asyncio.sleep(SETTLE_SECONDS * 3)


async def spend_the_budget(one: httpx.AsyncClient, two: httpx.AsyncClient, api: Api) -> None:
    """Two app instances (two processes) share one viewer's budget of 50 points a minute."""
    assert cost_of(await ask(one, api, COSTS_20)) == {"requested": 20, "limit": 50, "remaining": 30}
    await settled()
    assert cost_of(await ask(two, api, COSTS_20))["remaining"] == 10
    await settled()
    rate_limited(await ask(one, api, COSTS_20))
    # The refused request was charged nothing: 10 points still fit.
    fits = await ask(two, api, "{ customers(first: 10) { totalCount } }")
    assert cost_of(fits) == {"requested": 10, "limit": 50, "remaining": 0}
    await settled()
    rate_limited(await ask(one, api, "{ viewer { role } }"))


async def test_rate_limits_are_shared_through_postgresql(api: Api, database_url: str) -> None:
    await admin(api)
    await fresh_minute()
    async with (
        app_with(database_url, api.settings, rate_limit_per_minute=50) as one,
        app_with(database_url, api.settings, rate_limit_per_minute=50) as two,
    ):
        await spend_the_budget(one, two, api)
        # A query dearer than the whole budget could never run: it is too complex, not limited.
        too_complex(await ask(one, api, "{ customers(first: 60) { id } }"), "60 > 50")


async def test_postgresql_charges_are_atomic(api: Api) -> None:
    user_id = await f.user(api.engine, "ADMIN")
    await fresh_minute()
    limiter = RateLimiter(PostgresSpending(api.engine), budget=50)
    spends = await asyncio.gather(*(limiter.spend(user_id, 5) for _ in range(20)))
    assert sum(s.allowed for s in spends) == 10
    assert min(s.remaining or 0 for s in spends if s.allowed) == 0


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str | None]:
    """PRISM_TEST_REDIS_URL (CI), else a throwaway `redis-server`, else None: without Redis the
    Redis tests can only check that PostgreSQL is the fallback."""
    configured = os.environ.get("PRISM_TEST_REDIS_URL")
    binary = shutil.which("redis-server")
    if configured or binary is None:
        yield configured
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def without_redis(redis_url: str | None, engine: Any) -> bool:
    if redis_url is None:
        assert isinstance(rate_limiter(Settings(), engine).shared, PostgresSpending)
        return True
    return False


async def test_rate_limits_are_shared_through_redis(
    api: Api, database_url: str, redis_url: str | None
) -> None:
    if without_redis(redis_url, api.engine):
        return
    # Redis outlives the test's tables: a fresh user id keeps earlier windows out of the way.
    await f.user(api.engine, "ADMIN", external_id="admin", id=random.randrange(10**6, 10**12))
    await fresh_minute()
    async with (
        app_with(database_url, api.settings, rate_limit_per_minute=50, redis_url=redis_url) as one,
        app_with(database_url, api.settings, rate_limit_per_minute=50, redis_url=redis_url) as two,
    ):
        await spend_the_budget(one, two, api)
    async with api.engine.connect() as conn:
        rows = await conn.execute(text("SELECT count(*) FROM rate_limit_window"))
        assert rows.scalar_one() == 0  # Redis did the counting


async def test_redis_totals_are_shared_once_settled(redis_url: str | None, api: Api) -> None:
    """What one process admitted is in the shared total after it settles; another process
    that sees the viewer then has only the rest of the budget."""
    if without_redis(redis_url, api.engine):
        return
    assert redis_url is not None
    await fresh_minute()
    one, two = (RateLimiter(RedisSpending(redis_url), budget=50) for _ in range(2))
    user_id = random.randrange(10**6, 10**12)
    try:
        first = [await one.spend(user_id, 5) for _ in range(6)]
        await one.settle()
        then = [await two.spend(user_id, 5) for _ in range(6)]
    finally:
        await one.aclose()
        await two.aclose()
    assert all(s.allowed for s in first)
    assert [s.allowed for s in then] == [True] * 4 + [False] * 2
    assert then[3].remaining == 0


async def test_an_unreachable_redis_does_not_take_the_api_down() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    limiter = RateLimiter(RedisSpending(f"redis://127.0.0.1:{closed}/0"), budget=50)
    try:
        spend = await limiter.spend(1, 20)
    finally:
        await limiter.aclose()
    assert spend.allowed
    assert spend.remaining is None
