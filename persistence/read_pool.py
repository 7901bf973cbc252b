"""The connections compiled reads run on: asyncpg's own pool, with nothing in between.

A compiled read (`persistence.read_sql`) is one SELECT that returns the response as JSON
text, in autocommit: no transaction, and no session state left behind. Through SQLAlchemy's
async engine a trivial statement cost this process 0.45-0.55 ms of CPU (a greenlet switch, the
pool's checkout and reset-on-return, a cursor, the result's processing); through asyncpg's pool
0.17-0.20 ms. With this pool W4's server CPU per request fell from 2.6 to 1.6 ms
(`bench/README.md`).

Connections are opened on first use, up to `size`, with the engine's settings (statement
timeout, UTC), named `prism-reads` in `pg_stat_activity`. The pool is last-in first-out, so a
light load keeps reusing its few warm connections, whose statements are already planned.
Nothing is reset when a connection goes back (`reset` would cost a round trip per read): a
compiled read changes no session state. A connection the server dropped fails its read once
(UNAVAILABLE) and is replaced at the next checkout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from persistence.db import async_url

#: How its connections show in `pg_stat_activity`, apart from the engine's ("prism").
APPLICATION_NAME = "prism-reads"
#: Prepared statements kept per connection (as SQLAlchemy's asyncpg dialect kept them).
STATEMENT_CACHE_SIZE = 100
MAX_CACHED_STATEMENT_BYTES = 1024 * 1024


class ReadPool:
    def __init__(self, url: str, *, size: int, statement_timeout_ms: int) -> None:
        self.dsn = async_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)
        self.size, self.statement_timeout_ms = size, statement_timeout_ms
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        #: Called with each statement before it is sent (telemetry counts them, as the
        #: engine's `before_cursor_execute` listeners count the engine's).
        self.observers: list[Callable[[str], None]] = []

    async def fetch_text(self, sql: str, args: Sequence[Any]) -> str:
        """The first column of the statement's one row."""
        for observe in self.observers:
            observe(sql)
        pool = self._pool or await self._open()
        return await pool.fetchval(sql, *args)  # type: ignore[no-any-return]

    def in_use(self) -> int:
        pool = self._pool
        if pool is None:
            return 0
        return pool.get_size() - pool.get_idle_size()

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=0,
                    max_size=self.size,
                    server_settings={
                        "statement_timeout": str(self.statement_timeout_ms),
                        "application_name": APPLICATION_NAME,
                        "timezone": "UTC",
                    },
                    reset=_no_reset,
                    # Each connection keeps its last statements prepared, planned once. The
                    # 360° view compiles to 13 kB of SQL: asyncpg's default would not keep a
                    # statement over 15 kB, and planning one again costs more than running it.
                    statement_cache_size=STATEMENT_CACHE_SIZE,
                    max_cacheable_statement_size=MAX_CACHED_STATEMENT_BYTES,
                )
            return self._pool


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None
