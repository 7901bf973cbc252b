"""Connections for one request: pooled ones for reads, or one shared transaction for writes.

Sibling GraphQL fields resolve concurrently, so read batches each take their own pooled
connection. A mutation request instead runs in one transaction (all or nothing, idempotency
record included); its reads must see its own writes, so they share that connection, serialised.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class Database:
    def __init__(self, engine: AsyncEngine, shared: AsyncConnection | None = None) -> None:
        # Each read batch is one SELECT: autocommit spares the BEGIN and ROLLBACK round trips
        # a transaction around it would cost.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.shared = shared
        self._lock = asyncio.Lock()
        self._closed = False

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        if self.shared is not None:
            async with self._lock:
                if self._closed:
                    raise RuntimeError("the request's transaction has ended")
                yield self.shared
        else:
            async with self.engine.connect() as conn:
                yield conn

    async def close(self) -> None:
        """End the request's use of the shared connection before it commits.

        When a field fails, GraphQL execution returns while sibling resolvers may still be
        running; this waits for the one on the connection and turns away the rest, so the
        commit never races a read and the connection never returns to the pool mid-query.
        """
        async with self._lock:
            self._closed = True
