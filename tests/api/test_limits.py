"""Limits on hostile queries: each configurable, each answered before any resolver runs, each
naming itself; the cost every answer reports; the request deadline."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema, parse
from sqlalchemy import text

from bench.bench_360 import QUERY_360
from persistence import idempotency
from prism import graphql_http
from prism.app import create_app
from prism.limits import Measure, measure_operations
from prism.ratelimit import (
    SETTLE_SECONDS,
    PostgresSpending,
    RateLimiter,
    RedisSpending,
    rate_limiter,
)
from prism.settings import Settings, SettingsError
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
ADMIN_SCHEMA = build_schema((ROOT / "schema/sdl/ADMIN.graphql").read_text())


def measure(query: str, variables: dict[str, Any] | None = None) -> Measure:
    (found,) = measure_operations(ADMIN_SCHEMA, parse(query), variables).values()
    return found


def deep(levels: int) -> str:
    """`customer { owner { manager { manager … { id } } } }`: `levels` levels in all."""
    inner = "id"
    for _ in range(levels - 3):
        inner = f"manager {{ {inner} }}"
    return f'{{ customer(id: "x") {{ owner {{ {inner} }} }} }}'


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(count)) + " }"


def directives(count: int) -> str:
    return "{ viewer { " + "role @include(if: true) " * count + " } }"


def too_complex(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert fragment in error["message"], error
    assert "data" not in response.json()


# --- the measure --------------------------------------------------------------------------


def test_the_360_query_fits_every_default_limit() -> None:
    found = measure(QUERY_360)
    assert found == Measure(depth=4, aliases=0, directives=0, fields=70, cost=183)
    defaults = Settings()
    assert found.depth <= defaults.max_depth
    assert found.fields <= defaults.max_fields
    assert found.cost <= defaults.max_query_cost


def test_a_connection_costs_its_page_times_what_each_node_selects() -> None:
    assert measure("{ customers { totalCount } }").cost == 20
    assert measure("{ customers(first: 5) { nodes { name } } }").cost == 5
    assert measure("{ customers(last: 7) { edges { node { owner { id } } } } }").cost == 14
    nested = "{ customers(first: 10) { nodes { contacts(first: 3) { nodes { name } } } } }"
    assert measure(nested).cost == 10 * (1 + 3)
    by_variable = "query($n: Int = 4) { customers(first: $n) { nodes { id } } }"
    assert measure(by_variable).cost == 4
    assert measure(by_variable, {"n": 50}).cost == 50
    assert measure(by_variable, {"n": 10_000}).cost == 100  # refused at 100 by the resolver
    assert measure("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a"] * 3}).cost == 3
    assert measure('mutation { createCustomer(input: {name: "x", region: NORTH}) {'
                   " customer { id } } }").cost == 10 + 1 + 1  # fmt: skip


def test_wrappers_do_not_count_as_depth_and_introspection_is_left_to_graphql_core() -> None:
    relay = (
        "{ customers { edges { node { contacts { pageInfo { hasNextPage } nodes { name } } } } } }"
    )
    assert measure(relay).depth == 3
    assert measure(deep(10)).depth == 10
    assert measure("{ __schema { types { fields { type { ofType { name } } } } } }").depth == 0


def test_fragments_are_measured_once_however_often_they_are_spread() -> None:
    names = [f"F{i}" for i in range(40)]
    chain = " ".join(
        f"fragment {a} on Customer {{ ...{b} ...{b} }}"
        for a, b in zip(names, names[1:], strict=False)
    )
    bomb = f"{{ customers {{ nodes {{ ...F0 }} }} }} {chain} fragment F39 on Customer {{ x: name }}"
    found = measure(bomb)
    assert found.aliases == 2**39
    assert found.fields == 2 + 2**39


def test_fragment_cycles_measure_as_empty_and_end() -> None:
    cycle = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { role ...A }"
    assert measure(cycle).fields == 2


# --- through HTTP -------------------------------------------------------------------------


async def admin(api: Api) -> str:
    await f.user(api.engine, "ADMIN", external_id="admin")
    return "admin"


async def test_the_360_query_runs_and_reports_its_cost(api: Api) -> None:
    sub = await admin(api)
    cid = await f.customer(api.engine, name="Alpha")
    response = await api.post(QUERY_360, {"id": encode_id("Customer", cid)}, sub=sub)
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["customer"]["name"] == "Alpha"
    assert body["extensions"]["cost"] == {"requested": 183, "limit": 20_000, "remaining": 19_817}
    again = (await api.post(QUERY_360, {"id": encode_id("Customer", cid)}, sub=sub)).json()
    assert again["extensions"]["cost"]["remaining"] == 19_817 - 183


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (deep(11), "levels deep limit: 11 > 10"),
        (aliases(16), "aliases limit: 16 > 15"),
        (directives(11), "directives limit: 11 > 10"),
        ("{ viewer { " + "role " * 300 + "} }", "fields limit: 301 > 300"),
        ("{ " + "__typename " * 2001 + "}", "tokens limit: more than 2000"),
        ("{ customers(first: 100) { nodes { contacts(first: 100) { totalCount } } } }",
         "cost points limit: 10100 > 5000"),
        ("{ a " * 250 + "}" * 250, "nests selections too deeply"),
    ],
    ids=["depth", "aliases", "directives", "fields", "tokens", "cost", "parser-nesting"],
)  # fmt: skip
async def test_each_limit_is_named_and_answered_before_any_resolver(
    api: Api, query: str, fragment: str
) -> None:
    sub = await admin(api)
    baseline = api.counter.count
    await api.post("{ noSuchField }", sub=sub)  # authentication, then refused: no resolver
    authentication_only = api.counter.count - baseline
    before = api.counter.count
    too_complex(await api.post(query, sub=sub), fragment)
    assert api.counter.count - before == authentication_only


async def test_limits_at_their_edge_pass(api: Api) -> None:
    sub = await admin(api)
    for query in (deep(10), aliases(15), directives(10), "{ viewer { " + "role " * 299 + "} }"):
        body = (await api.post(query, sub=sub)).json()
        codes = {e["extensions"]["code"] for e in body.get("errors", [])}
        assert "QUERY_TOO_COMPLEX" not in codes, body


async def test_aliases_count_through_fragments(api: Api) -> None:
    sub = await admin(api)
    fragment = "fragment Eight on Viewer { " + " ".join(f"r{i}: role" for i in range(8)) + " }"
    query = f"{{ one: viewer {{ ...Eight }} two: viewer {{ ...Eight }} }} {fragment}"
    too_complex(await api.post(query, sub=sub), "aliases limit: 18 > 15")


async def test_a_fragment_cycle_is_refused_without_hanging(api: Api) -> None:
    sub = await admin(api)
    cycle = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { role ...A }"
    response = await asyncio.wait_for(api.post(cycle, sub=sub), timeout=5)
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Cannot spread fragment 'A' within itself" in error["message"]


async def test_page_sizes_in_variables_count(api: Api) -> None:
    sub = await admin(api)
    query = (
        "query($n: Int) { customers(first: 100) { nodes { contacts(first: $n) { totalCount } } } }"
    )
    assert "errors" not in (await api.post(query, {"n": 10}, sub=sub)).json()
    too_complex(await api.post(query, {"n": 60}, sub=sub), "cost points limit: 6100 > 5000")


# --- configuration ------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def app_with(database_url: str, settings: Settings, **limits: Any) -> AsyncIterator[Any]:
    """The app with other settings; same data directory, so `Api.token` tokens still verify."""
    app = create_app(replace(settings, **limits), database_url)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client,
    ):
        yield client


async def ask(client: httpx.AsyncClient, api: Api, query: str, **kw: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {api.token('admin')}", **kw.pop("headers", {})}
    return await client.post("/graphql", json={"query": query, **kw}, headers=headers)


async def test_every_limit_follows_its_setting(api: Api, database_url: str) -> None:
    await admin(api)
    tight = {"max_depth": 3, "max_aliases": 1, "max_directives": 1, "max_fields": 5}
    async with app_with(database_url, api.settings, max_tokens=40, **tight) as client:
        too_complex(await ask(client, api, deep(4)), "levels deep limit: 4 > 3")
        too_complex(await ask(client, api, aliases(2)), "aliases limit: 2 > 1")
        too_complex(await ask(client, api, directives(2)), "directives limit: 2 > 1")
        too_complex(await ask(client, api, "{ viewer { " + "role " * 6 + "} }"), "fields")
        too_complex(await ask(client, api, "{ " + "__typename " * 41 + "}"), "more than 40")
    async with app_with(database_url, api.settings, max_query_cost=19) as client:
        too_complex(await ask(client, api, "{ customers { totalCount } }"), "20 > 19")
    async with app_with(database_url, api.settings, max_body_bytes=100) as client:
        response = await ask(client, api, "{ __typename }", variables={"pad": "x" * 200})
        assert response.status_code == 413
        assert response.json()["errors"][0]["message"] == "Request body too large (limit 100 bytes)"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {
        "MAX_BODY_BYTES": "max_body_bytes",
        "MAX_TOKENS": "max_tokens",
        "MAX_DEPTH": "max_depth",
        "MAX_ALIASES": "max_aliases",
        "MAX_DIRECTIVES": "max_directives",
        "MAX_FIELDS": "max_fields",
        "MAX_QUERY_COST": "max_query_cost",
        "RATE_LIMIT_PER_MINUTE": "rate_limit_per_minute",
        "REQUEST_TIMEOUT_MS": "request_timeout_ms",
    }
    for n, env in enumerate(names, start=7):
        monkeypatch.setenv(f"PRISM_{env}", str(n))
    settings = Settings.from_env()
    assert [getattr(settings, a) for a in names.values()] == list(range(7, 7 + len(names)))
    monkeypatch.setenv("PRISM_MAX_DEPTH", "0")
    with pytest.raises(SettingsError, match="PRISM_MAX_DEPTH must be a positive integer"):
        Settings.from_env()


# --- the request deadline -----------------------------------------------------------------


async def test_a_request_past_its_deadline_is_unavailable(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin(api)
    real = graphql_http.execute

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(5)
        return real(*args, **kwargs)

    async def slow_compiled(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(5)

    monkeypatch.setattr(graphql_http, "execute", slow)
    monkeypatch.setattr(graphql_http, "compiled_read", slow_compiled)
    async with app_with(database_url, api.settings, request_timeout_ms=100) as client:
        response = await ask(client, api, "{ viewer { role } }")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    (error,) = response.json()["errors"]
    assert error == {
        "message": "The request ran past its 100 ms deadline",
        "extensions": {"code": "UNAVAILABLE"},
    }


async def test_a_mutation_past_its_deadline_writes_nothing(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin(api)

    async def slow_store(*args: Any) -> None:
        await asyncio.sleep(5)  # after the write, inside the transaction

    monkeypatch.setattr(idempotency, "store", slow_store)
    create = 'mutation { createCustomer(input: {name: "Late", region: NORTH}) { customer { id } } }'
    async with app_with(database_url, api.settings, request_timeout_ms=300) as client:
        response = await ask(client, api, create, headers={"Idempotency-Key": "late-1"})
        assert response.status_code == 503
        listed = await ask(client, api, "{ customers { totalCount } }")
    assert listed.json()["data"]["customers"]["totalCount"] == 0


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
