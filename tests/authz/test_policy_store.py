"""The policy in the database: stored once, replaced only by a valid policy, and reloaded by
every process that listens.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from authz.policy import PolicyError, default_lines, parse_csv
from domain.enums import Role
from persistence.migrate import upgrade
from persistence.policy_store import (
    PolicyWatcher,
    ensure_default,
    load_lines,
    replace_lines,
    rule_table,
)
from tests.authz.policy_expected import CATALOGUE, default_with

PG = "postgres@127.0.0.1:5432"


# --- storage and reload ---------------------------------------------------------------------


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    """A migrated scratch database; PostgreSQL being down fails the tests, it never skips."""
    name = f"prism_test_policy_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"postgresql://{PG}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        await asyncio.to_thread(upgrade, f"postgresql+asyncpg://{PG}/{name}")
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"postgresql+asyncpg://{PG}/{database}")
    async with engine.begin() as conn:
        await conn.execute(delete(rule_table))
    yield engine
    await engine.dispose()


async def test_ensure_default_is_idempotent(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        assert await ensure_default(conn) is True
    async with engine.begin() as conn:
        assert await ensure_default(conn) is False
        assert await conn.scalar(select(func.count()).select_from(rule_table)) == len(
            default_lines()
        )
        assert await load_lines(conn) == default_lines()


async def test_replace_lines_refuses_a_typo_and_keeps_the_policy(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await ensure_default(conn)
    with pytest.raises(PolicyError, match="unknown scope"):
        async with engine.begin() as conn:
            await replace_lines(
                conn, default_with("p, SALES_REP, Contract, read, everything, allow")
            )
    with pytest.raises(PolicyError, match="ADMIN must keep"):
        async with engine.begin() as conn:
            await replace_lines(conn, parse_csv("p, ANALYST, *, read, all, allow"))
    async with engine.connect() as conn:
        assert await load_lines(conn) == default_lines()


async def _watch(database: str, **options: float) -> tuple[PolicyWatcher, asyncio.Queue[None]]:
    heard: asyncio.Queue[None] = asyncio.Queue()

    async def on_change() -> None:
        heard.put_nowait(None)

    watcher = PolicyWatcher(f"postgresql://{PG}/{database}", on_change, **options)
    await watcher.start()
    return watcher, heard


async def test_a_replaced_policy_is_heard_within_a_second(
    engine: AsyncEngine, database: str
) -> None:
    watcher, heard = await _watch(database)
    try:
        lines = default_with("p, SALES_REP, Task, create, all, allow")
        async with engine.begin() as conn:
            policies = await replace_lines(conn, lines, CATALOGUE)
        await asyncio.wait_for(heard.get(), 1.0)
        assert policies[Role.SALES_REP].can("Task", "create")
        async with engine.connect() as conn:
            assert await load_lines(conn) == lines
    finally:
        await watcher.stop()
    assert not watcher.listening


async def test_the_watcher_reconnects_and_reloads_after_a_dropped_connection(
    engine: AsyncEngine, database: str
) -> None:
    watcher, heard = await _watch(database, min_backoff=0.05, ping_interval=0.5)
    try:
        async with engine.begin() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :db AND application_name = 'prism-policy-watcher'"
                ),
                {"db": database},
            )
        assert killed == 1
        await asyncio.wait_for(heard.get(), 5.0)  # the catch-up reload after reconnecting
        assert watcher.listening
        async with engine.begin() as conn:
            await ensure_default(conn)
        await asyncio.wait_for(heard.get(), 1.0)
    finally:
        await watcher.stop()
