"""One migrated PostgreSQL database per test run; every test starts from empty tables.

The server is the one at 127.0.0.1:5432 when it answers (CI starts it), else the embedded
PostgreSQL (`prism.embedded`). No database means the tests fail: nothing here skips.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from domain.clock import ManualClock
from persistence.db import make_engine
from persistence.jobs import Worker
from persistence.migrate import upgrade
from persistence.models import TABLES_IN_DELETE_ORDER
from prism.app import create_app, load_policy, make_worker
from prism.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _server_dsn() -> str:
    configured = os.environ.get("PRISM_TEST_SERVER_URL")
    if configured:
        return configured
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex(("127.0.0.1", 5432)) == 0:
            return "postgresql://postgres@127.0.0.1:5432/postgres"
    from prism.embedded import embedded_url

    url = embedded_url(ROOT / ".prism-test")
    return url.replace("postgresql+asyncpg://", "postgresql://").replace("/prism?", "/postgres?")


def _with_database(dsn: str, name: str) -> str:
    head, _, tail = dsn.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


async def _admin(dsn: str, sql: str) -> None:
    url, _, query = dsn.partition("?")
    kwargs = {"host": query.removeprefix("host=")} if query.startswith("host=") else {}
    conn = await asyncpg.connect(url, **kwargs)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    server = _server_dsn()
    name = f"prism_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server, f"CREATE DATABASE {name}"))
    url = _with_database(server, name)
    upgrade(url)
    yield url
    asyncio.run(_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("prism-data"), env="dev", compiled_reads="strict"
    )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table but the policy, so each test starts from nothing."""
    tables = ", ".join(t for t in TABLES_IN_DELETE_ORDER if t != "casbin_rule")
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The test database, emptied after the test."""
    yield engine
    await truncate_all(engine)


class StatementCounter:
    """Counts SQL statements the app sends, to prove a query's cost depends on its shape."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: object) -> None:
        self.count += 1


class Api:
    """Posts GraphQL through the ASGI app, with a real signed token for a user."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        engine: AsyncEngine,
        counter: StatementCounter,
    ) -> None:
        self.client = client
        self.settings = settings
        self.engine = engine
        self.counter = counter
        self._key = load_or_create_dev_key(settings.data_dir)

    def token(self, sub: str) -> str:
        return issue_dev_token(self._key, sub, self.settings.oidc_audience)

    async def post(
        self,
        query: str,
        variables: dict[str, object] | None = None,
        *,
        sub: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if sub is not None:
            all_headers["authorization"] = f"Bearer {self.token(sub)}"
        body = {"query": query, "variables": variables}
        return await self.client.post("/graphql", json=body, headers=all_headers)

    async def query(
        self,
        query: str,
        variables: dict[str, object] | None = None,
        *,
        sub: str,
        headers: dict[str, str] | None = None,
    ) -> dict[str, object]:
        """The response body without `extensions` (the cost report), for comparing results."""
        response = await self.post(query, variables, sub=sub, headers=headers)
        body = dict(response.json())
        body.pop("extensions", None)
        return body


@pytest.fixture(scope="session")
def session_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def clock(session_clock: ManualClock) -> ManualClock:
    """The app's clock (the clock port), at the machine's now when the test starts; a test moves
    it with `clock.advance(...)` or `clock.set(...)`."""
    session_clock.reset()
    return session_clock


@pytest.fixture
def worker(app_and_engine: tuple[object, AsyncEngine], clock: ManualClock) -> Worker:
    """The job worker on the app's clock: `await worker.run_due()` fires what is due."""
    return make_worker(app_and_engine[1], clock)


@pytest.fixture(scope="session")
async def app_and_engine(
    database_url: str, settings: Settings, session_clock: ManualClock
) -> AsyncIterator[tuple[object, AsyncEngine]]:
    app = create_app(settings, database_url, session_clock)
    state = app.state.prism
    await load_policy(state)
    yield app, state.engine
    await state.reads.aclose()
    await state.engine.dispose()


@pytest.fixture(scope="session")
def statement_counter(app_and_engine: tuple[object, AsyncEngine]) -> StatementCounter:
    """Both ways the app reaches the database: the engine, and the compiled reads' pool."""
    counter = StatementCounter()
    app, engine = app_and_engine
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    app.state.prism.reads.observers.append(counter)  # type: ignore[attr-defined]
    return counter


@pytest.fixture
async def api(
    app_and_engine: tuple[object, AsyncEngine],
    settings: Settings,
    db: AsyncEngine,
    statement_counter: StatementCounter,
) -> AsyncIterator[Api]:
    app, _ = app_and_engine
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
        yield Api(client, settings, db, statement_counter)
    # The next test's users get the same ids again: they start with a fresh minute.
    app.state.graphql_endpoint.limiter.forget()  # type: ignore[attr-defined]
