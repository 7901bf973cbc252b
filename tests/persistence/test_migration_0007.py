"""Migration 0007 gives a database that already stores a policy the shipped lines for webhooks
and surveys (else an analyst's `*` read would reach webhook endpoints there), and leaves an
empty policy table empty (the first start stores the whole default policy)."""

from __future__ import annotations

import asyncio
import importlib
import uuid

import asyncpg
from alembic import command

from authz.policy import default_lines
from persistence.migrate import alembic_config
from tests.conftest import _admin, _server_dsn, _with_database

M0007 = importlib.import_module("persistence.migrations.versions.0007_webhooks_and_survey_tokens")
NEW = {("p", *line) for line in M0007.LINES}


async def _lines(dsn: str) -> set[tuple[str, ...]]:
    url, _, query = dsn.partition("?")
    kwargs = {"host": query.removeprefix("host=")} if query.startswith("host=") else {}
    conn = await asyncpg.connect(url, **kwargs)
    try:
        rows = await conn.fetch("SELECT ptype, v0, v1, v2, v3, v4 FROM casbin_rule")
    finally:
        await conn.close()
    return {tuple(r) for r in rows}


async def _store(dsn: str, lines: list[list[str]]) -> None:
    url, _, query = dsn.partition("?")
    kwargs = {"host": query.removeprefix("host=")} if query.startswith("host=") else {}
    conn = await asyncpg.connect(url, **kwargs)
    try:
        await conn.executemany(
            "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ($1, $2, $3, $4, $5, $6)",
            [tuple(line) for line in lines],
        )
    finally:
        await conn.close()


def test_an_upgraded_policy_gets_the_webhook_and_survey_lines() -> None:
    server = _server_dsn()
    name = f"prism_m0007_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f"CREATE DATABASE {name}"))
    dsn = _with_database(server, name)
    try:
        config = alembic_config(dsn)
        command.upgrade(config, "0005")
        shipped_before = [line for line in default_lines() if tuple(line) not in NEW]
        assert len(shipped_before) == len(default_lines()) - len(NEW)
        asyncio.run(_store(dsn, shipped_before))
        command.upgrade(config, "0007")
        before = {tuple(line) for line in shipped_before}
        assert asyncio.run(_lines(dsn)) == before | set(NEW)
        command.downgrade(config, "0006")
        assert asyncio.run(_lines(dsn)) == before
    finally:
        asyncio.run(_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def test_an_empty_policy_stays_empty_for_the_first_start() -> None:
    server = _server_dsn()
    name = f"prism_m0007_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f"CREATE DATABASE {name}"))
    dsn = _with_database(server, name)
    try:
        command.upgrade(alembic_config(dsn), "head")
        assert asyncio.run(_lines(dsn)) == set()
    finally:
        asyncio.run(_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
