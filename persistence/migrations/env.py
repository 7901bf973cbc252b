"""Alembic environment: migrations run over the async engine in a sync shim."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from persistence.db import make_engine
from persistence.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _migrate() -> None:
    # No statement timeout: the API's 5 s bound is for requests, and a migration's backfill of a
    # large table (a million interactions in the bench world) takes longer, once.
    engine = make_engine(
        context.config.get_main_option("sqlalchemy.url") or "", pool_size=1, statement_timeout_ms=0
    )
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_migrate())


run()
