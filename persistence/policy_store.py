"""The policy's home in PostgreSQL (`casbin_rule`) and the watcher that hears it change.

A change is validated, written and announced with `NOTIFY prism_policy` in the writer's
transaction; every process LISTENs and reloads, so a change takes effect without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from authz.policy import (
    POLICY_TYPE,
    PolicyError,
    RolePolicy,
    compile_policies,
    default_lines,
)
from domain.enums import Role
from persistence.cancellation import cancelling
from persistence.models import CasbinRule

CHANNEL = "prism_policy"
_COLUMNS = ("v0", "v1", "v2", "v3", "v4", "v5")
# Serialises policy writers across processes so two imports never interleave.
_WRITE_LOCK = 0x70_72_69_73_6D  # "prism"
_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

log = logging.getLogger(__name__)
rule_table = cast(Table, CasbinRule.__table__)


async def load_lines(conn: AsyncConnection) -> list[list[str]]:
    """The stored lines in the order they were written (`p, ROLE, OBJECT, ACT, SCOPE, EFFECT`)."""
    columns = [rule_table.c.ptype, *(rule_table.c[name] for name in _COLUMNS)]
    rows = await conn.execute(select(*columns).order_by(rule_table.c.id))
    return [_trim(list(row)) for row in rows]


async def replace_lines(
    conn: AsyncConnection,
    lines: Sequence[Sequence[str]],
    catalogue: Mapping[str, Iterable[str]] | None = None,
) -> dict[Role, RolePolicy]:
    """Validate, then swap the whole policy inside the caller's transaction and announce it.

    Raises PolicyError before touching the table; listeners hear of it when the caller commits.
    A policy that would lock ADMIN out of policy management is refused: nobody could undo it.
    """
    policies = compile_policies(lines, catalogue or {})
    if not policies[Role.ADMIN].can(POLICY_TYPE, "manage"):
        raise PolicyError("ADMIN must keep `p, ADMIN, Policy, manage, all, allow`")
    await _lock(conn)
    await conn.execute(delete(rule_table))
    await _insert(conn, lines)
    await notify(conn)
    return policies


async def ensure_default(conn: AsyncConnection) -> bool:
    """Store the shipped default policy when no policy is stored; True when it did."""
    lines = default_lines()
    compile_policies(lines, {})
    await _lock(conn)
    if await conn.scalar(select(exists().select_from(rule_table))):
        return False
    await _insert(conn, lines)
    await notify(conn)
    return True


async def notify(conn: AsyncConnection) -> None:
    await conn.execute(select(func.pg_notify(CHANNEL, "")))


async def _lock(conn: AsyncConnection) -> None:
    await conn.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK)))


async def _insert(conn: AsyncConnection, lines: Sequence[Sequence[str]]) -> None:
    if lines:
        await conn.execute(insert(rule_table), [_row(line) for line in lines])


def _row(line: Sequence[str]) -> dict[str, str]:
    cells = list(line[1:]) + [""] * (len(_COLUMNS) - len(line) + 1)
    return {"ptype": line[0], **dict(zip(_COLUMNS, cells, strict=True))}


def _trim(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _asyncpg_dsn(dsn: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql://" + dsn[len(prefix) :]
    return dsn


class PolicyWatcher:
    """LISTENs on `prism_policy` over its own connection and calls `on_change` after each change.

    Calls are serialised and coalesced: a burst of changes during a reload yields one more
    reload, never a lost one. A dropped connection is re-opened with backoff, then `on_change`
    runs once, since changes made while disconnected were not heard.
    """

    def __init__(
        self,
        dsn: str,
        on_change: Callable[[], Awaitable[None]],
        *,
        channel: str = CHANNEL,
        min_backoff: float = 0.1,
        max_backoff: float = 30.0,
        ping_interval: float = 10.0,
    ) -> None:
        self._dsn = _asyncpg_dsn(dsn)
        self._on_change = on_change
        self._channel = channel
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._ping_interval = ping_interval
        self._changed = asyncio.Event()
        self._conn: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def start(self) -> None:
        """Listen before returning; fails loudly if the database is unreachable at start."""
        if self._tasks:
            raise RuntimeError("PolicyWatcher already started")
        lost = await self._connect()
        self._tasks = [
            asyncio.create_task(self._supervise(lost), name="policy-watcher"),
            asyncio.create_task(self._deliver(), name="policy-reloader"),
        ]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close()

    async def _connect(self) -> asyncio.Event:
        lost = asyncio.Event()
        conn = await asyncpg.connect(
            self._dsn,
            server_settings={
                "application_name": f"prism-{self._channel.removeprefix('prism_')}-watcher"
            },
        )
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(self._channel, self._heard)
        self._conn = conn
        return lost

    def _heard(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._changed.set()

    async def _supervise(self, lost: asyncio.Event) -> None:
        while True:
            await self._watch(lost)
            log.warning("policy watcher lost its connection; reconnecting")
            await self._close()
            lost = await self._reconnect()
            self._changed.set()

    async def _watch(self, lost: asyncio.Event) -> None:
        """Return once the connection is gone; a ping catches connections that die silently."""
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self._ping_interval)
                return
            try:
                await asyncio.wait_for(self._conn.execute("SELECT 1"), self._ping_interval)
            except _CONNECTION_ERRORS:
                return

    async def _reconnect(self) -> asyncio.Event:
        delay = self._min_backoff
        while True:
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            try:
                return await self._connect()
            except _CONNECTION_ERRORS as error:
                log.warning("policy watcher cannot reconnect: %s", error)
                delay = min(delay * 2, self._max_backoff)

    async def _deliver(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                await self._on_change()
            except Exception as error:
                if cancelling():  # being stopped, not a failed reload
                    raise asyncio.CancelledError from error
                log.exception("policy reload failed; keeping the previous policy")

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            await asyncio.wait_for(conn.close(), 2.0)
        except _CONNECTION_ERRORS:
            conn.terminate()
