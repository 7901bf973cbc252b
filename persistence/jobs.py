"""Durable jobs on PostgreSQL: timers and deliveries as rows, fired once by any worker.

A job is enqueued with `enqueue` in the transaction of the change that causes it, so a change
and its timer commit together or not at all. Its `key` is unique: enqueueing the same timer
twice (a retried request, two processes sweeping the same rows) leaves one job.

A worker takes one due job at a time with `FOR UPDATE SKIP LOCKED` and runs its handler inside
the same transaction that marks it done. So:

- two workers never run the same job (the second skips the locked row, then sees it done);
- a worker that dies mid-job rolls its transaction back, the lock goes with its connection, and
  the next worker runs the job: nothing is lost;
- a handler's effects and `done_at` commit together: a job's effects happen exactly once.

A handler that fails (raises) has its effects rolled back (it runs in a savepoint) and the job is
retried later with a growing delay; after `MAX_ATTEMPTS` it is marked failed and logged. A
handler may return an instant instead of `None` to be run again then (a delivery's next attempt),
keeping what it wrote.

Due is judged by the worker's clock (`domain.clock`), never by the database's `now()`, so tests
move time. The worker wakes on `NOTIFY prism_job` (sent when a job is enqueued) or every
`poll_seconds`; periodic sweeps (`Periodic`) enqueue one job per time slot, under a key naming
the slot, so a sweep runs once per slot across all processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.clock import Clock
from persistence.cancellation import cancelling
from persistence.policy_store import PolicyWatcher

log = logging.getLogger("prism.jobs")

CHANNEL = "prism_job"
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str
    run_at: datetime
    payload: Mapping[str, Any]
    attempts: int


#: What a job runs: its effects go through `conn` (inside the job's transaction). `None` = done;
#: an instant = run again then (what it wrote stays).
Handler = Callable[[AsyncConnection, Job, Clock], Awaitable[datetime | None]]


@dataclass(frozen=True)
class Periodic:
    """A sweep that runs once every `every`, in one process of all that run workers."""

    kind: str
    every: timedelta


#: The job row and the wake-up of every listening worker (delivered at commit; PostgreSQL folds
#: the same notification sent twice in a transaction into one) in a single round trip. A job
#: whose key exists already inserts no row, so it wakes no one.
ENQUEUED = (
    "job_enqueued AS (INSERT INTO job (kind, key, run_at, payload)"
    " VALUES (:kind, :key, :run_at, CAST(:payload AS jsonb))"
    " ON CONFLICT (key) DO NOTHING RETURNING id)"
)
NOTIFY_ENQUEUED = "SELECT id, pg_notify('prism_job', '') FROM job_enqueued"
_ENQUEUE = text(f"WITH {ENQUEUED} {NOTIFY_ENQUEUED}")


async def enqueue(
    conn: AsyncConnection,
    kind: str,
    key: str,
    run_at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> bool:
    """Enqueue a job in the caller's transaction; False when a job with `key` already exists."""
    inserted = await conn.scalar(_ENQUEUE, job_values(kind, key, run_at, payload))
    return inserted is not None


def job_values(
    kind: str, key: str, run_at: datetime, payload: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The bind values of `ENQUEUED`."""
    if run_at.tzinfo is None:
        raise ValueError("a job's due time must be timezone-aware")
    return {
        "kind": kind,
        "key": key,
        "run_at": run_at,
        "payload": json.dumps(dict(payload or {}), ensure_ascii=False, default=str),
    }


async def cancel(conn: AsyncConnection, key: str, now: datetime) -> bool:
    """Mark a pending job done without running it (its cause went away)."""
    result = await conn.execute(
        text("UPDATE job SET done_at = :now WHERE key = :key AND done_at IS NULL"),
        {"key": key, "now": now},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


_TAKE = text(
    "SELECT id, kind, key, run_at, payload, attempts FROM job"
    " WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= :now"
    " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)
#: The same, passing over the kinds that may wait on the outside world.
_TAKE_QUICK = text(
    "SELECT id, kind, key, run_at, payload, attempts FROM job"
    " WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= :now"
    " AND kind <> ALL(CAST(:slow AS text[]))"
    " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 10 s, 20 s, 40 s, … at most an hour."""
    return timedelta(seconds=min(3600, 10 * 2 ** max(0, attempts - 1)))


@dataclass
class Worker:
    """Runs due jobs with the handlers of their kind, one transaction per job."""

    engine: AsyncEngine
    handlers: Mapping[str, Handler]
    clock: Clock
    periodic: Sequence[Periodic] = ()
    poll_seconds: float = 1.0
    #: Jobs run side by side in the background loop (each in its own transaction); a slow
    #: delivery holds one lane, not the timers behind it.
    lanes: int = 4
    #: Called after each job with (job, seconds late by the worker's clock, outcome).
    observe: Callable[[Job, float, str], None] | None = None
    #: Kinds that may wait on the outside world (a webhook receiver has 15 s to answer): at
    #: most `lanes - 1` of them run at once, so a lane is always left for the timers.
    slow: frozenset[str] = frozenset()
    _wakes: list[asyncio.Event] = field(default_factory=list)
    _slow_running: int = 0

    async def run_due(self, limit: int | None = None) -> int:
        """Run every job due now (or `limit` of them); the number run. Tests call this after
        moving the clock; the loop calls it on each wake-up."""
        await self.sweep()
        ran = 0
        while limit is None or ran < limit:
            if not await self.run_one():
                break
            ran += 1
        return ran

    async def sweep(self) -> None:
        """Enqueue this slot's job of every periodic sweep (once per slot, whoever is first)."""
        if not self.periodic:
            return
        now = self.clock.now()
        async with self.engine.begin() as conn:
            for sweep in self.periodic:
                step = sweep.every.total_seconds()
                slot = datetime.fromtimestamp(math.floor(now.timestamp() / step) * step, tz=UTC)
                await enqueue(conn, sweep.kind, f"{sweep.kind}@{slot.isoformat()}", slot)

    async def run_one(self) -> bool:
        """Run one due job, if any; True when one was taken."""
        # A lane may take a slow job only while fewer than `lanes - 1` run. It reserves the
        # turn before it asks (the other lanes run between its awaits) and gives it back as
        # soon as what it took is quick.
        reserved = bool(self.slow) and self._slow_running < max(1, self.lanes - 1)
        self._slow_running += reserved
        try:
            now = self.clock.now()
            take = _TAKE_QUICK if self.slow and not reserved else _TAKE
            async with self.engine.connect() as conn, conn.begin():
                params = {"now": now, "slow": sorted(self.slow)}
                row = (await conn.execute(take, params)).mappings().first()
                if row is None:
                    return False
                job = Job(**row)
                if reserved and job.kind not in self.slow:
                    self._slow_running -= 1
                    reserved = False
                outcome = await self._run(conn, job)
        finally:
            self._slow_running -= reserved
        if self.observe is not None:
            self.observe(job, (now - job.run_at).total_seconds(), outcome)
        return True

    async def _run(self, conn: AsyncConnection, job: Job) -> str:
        """Run `job` in `conn`'s transaction: done, again later, or failed (retried)."""
        handler = self.handlers.get(job.kind)
        outcome = "done"
        try:
            if handler is None:
                raise LookupError(f"no handler for jobs of kind {job.kind!r}")
            async with conn.begin_nested():
                again = await handler(conn, job, self.clock)
        except Exception as error:  # noqa: BLE001 - any failure is retried, then logged
            if cancelling():  # the worker is stopping, the job did not fail: roll back
                raise asyncio.CancelledError from error
            again = None
            outcome = await self._failed(conn, job, error)
        else:
            if again is not None:
                await conn.execute(
                    text("UPDATE job SET run_at = :at, attempts = attempts + 1 WHERE id = :id"),
                    {"id": job.id, "at": again},
                )
                outcome = "again"
            else:
                await conn.execute(
                    text("UPDATE job SET done_at = :now, attempts = attempts + 1 WHERE id = :id"),
                    {"id": job.id, "now": self.clock.now()},
                )
        return outcome

    async def _failed(self, conn: AsyncConnection, job: Job, error: Exception) -> str:
        attempts = job.attempts + 1
        message = f"{type(error).__name__}: {error}"[:2000]
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "job %s (%s) failed for good after %d attempts: %s",
                job.key,
                job.kind,
                attempts,
                message,
            )
            await conn.execute(
                text(
                    "UPDATE job SET attempts = :attempts, last_error = :error, failed_at = :now"
                    " WHERE id = :id"
                ),
                {"id": job.id, "attempts": attempts, "error": message, "now": self.clock.now()},
            )
            return "failed"
        log.warning("job %s (%s) failed, attempt %d: %s", job.key, job.kind, attempts, message)
        await conn.execute(
            text(
                "UPDATE job SET attempts = :attempts, last_error = :error, run_at = :at"
                " WHERE id = :id"
            ),
            {
                "id": job.id,
                "attempts": attempts,
                "error": message,
                "at": self.clock.now() + retry_delay(attempts),
            },
        )
        return "retry"

    def wake(self) -> None:
        for event in self._wakes:
            event.set()

    async def run_forever(self, database_url: str) -> None:
        """Run due jobs until cancelled, in `lanes` lanes that each go on by themselves: a lane
        runs due jobs until none is left, then sleeps until a NOTIFY prism_job, the next job's
        due time or `poll_seconds`, so a lane held by a slow job never holds up the others."""
        self._wakes = [asyncio.Event() for _ in range(max(1, self.lanes))]

        async def heard() -> None:
            self.wake()

        async def lane(wake: asyncio.Event, sweeps: bool) -> None:
            while not cancelling():  # a cancellation swallowed by wait_for still stops it
                wake.clear()
                wait = self.poll_seconds
                try:
                    if sweeps:
                        await self.sweep()
                    while await self.run_one():
                        pass
                    wait = await self._until_next_due()
                except Exception as error:  # noqa: BLE001 - the loop outlives a lost connection
                    if cancelling():  # not an outage: the worker is being stopped
                        raise asyncio.CancelledError from error
                    log.exception("the job worker could not run due jobs; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), wait)

        listener = PolicyWatcher(database_url, heard, channel=CHANNEL)
        await listener.start()
        lanes = [
            asyncio.create_task(lane(w, n == 0), name=f"prism-worker-lane-{n}")
            for n, w in enumerate(self._wakes)
        ]
        try:
            await asyncio.gather(*lanes)
        finally:
            # gather gives up as soon as one lane is cancelled: stop and wait for every lane,
            # so none goes on taking jobs after the worker has stopped.
            for task in lanes:
                task.cancel()
            await asyncio.wait(lanes)
            await listener.stop()

    async def _until_next_due(self) -> float:
        """Seconds until the next pending job this lane may take is due, at most
        `poll_seconds` (slow kinds left out while they hold every lane they may)."""
        quick_only = bool(self.slow) and self._slow_running >= max(1, self.lanes - 1)
        async with self.engine.connect() as conn:
            due = await conn.scalar(
                text(
                    "SELECT min(run_at) FROM job WHERE done_at IS NULL AND failed_at IS NULL"
                    + (" AND kind <> ALL(CAST(:slow AS text[]))" if quick_only else "")
                ),
                {"slow": sorted(self.slow)},
            )
        if due is None:
            return self.poll_seconds
        seconds = (due - self.clock.now()).total_seconds()
        return min(self.poll_seconds, max(0.01, seconds))
