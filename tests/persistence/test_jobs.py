"""Durable jobs: enqueued with their cause, fired once by any of several workers, never lost."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.clock import Clock, ManualClock
from persistence.db import make_engine
from persistence.jobs import Handler, Job, Periodic, Worker, enqueue
from persistence.outbox import emit

T0 = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)


async def _record(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    """The effect of a test job: one row in `fired` per run."""
    await conn.execute(
        text("INSERT INTO fired (key, at) VALUES (:key, :at)"), {"key": job.key, "at": clock.now()}
    )
    return None


@pytest.fixture
async def fired(db: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    async with db.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS fired (key text, at timestamptz)"))
        await conn.execute(text("TRUNCATE fired"))
    yield db
    async with db.begin() as conn:
        await conn.execute(text("DROP TABLE fired"))


async def _fired(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(text("SELECT key FROM fired ORDER BY key"))).all())


async def _enqueue_many(engine: AsyncEngine, count: int, due: datetime) -> None:
    async with engine.begin() as conn:
        for n in range(count):
            await enqueue(conn, "test.record", f"t:{n:04d}", due, {"n": n})


async def test_a_job_waits_for_its_due_time_by_the_clock(fired: AsyncEngine) -> None:
    clock = ManualClock(T0)
    worker = Worker(fired, {"test.record": _record}, clock)
    await _enqueue_many(fired, 1, T0 + timedelta(minutes=5))
    assert await worker.run_due() == 0
    clock.advance(timedelta(minutes=4, seconds=59))
    assert await worker.run_due() == 0
    clock.advance(timedelta(seconds=1))
    assert await worker.run_due() == 1
    assert await _fired(fired) == ["t:0000"]
    assert await worker.run_due() == 0


async def test_enqueueing_a_key_twice_leaves_one_job(fired: AsyncEngine) -> None:
    async with fired.begin() as conn:
        assert await enqueue(conn, "test.record", "same", T0)
        assert not await enqueue(conn, "test.record", "same", T0 + timedelta(hours=1))
    assert await Worker(fired, {"test.record": _record}, ManualClock(T0)).run_due() == 1
    assert await _fired(fired) == ["same"]


async def test_a_job_rolled_back_with_its_cause_never_runs(fired: AsyncEngine) -> None:
    async def change_that_fails() -> None:
        async with fired.begin() as conn:
            await enqueue(conn, "test.record", "doomed", T0)
            raise RuntimeError("the change fails after enqueueing its timer")

    with pytest.raises(RuntimeError, match="fails after enqueueing"):
        await change_that_fails()
    assert await Worker(fired, {"test.record": _record}, ManualClock(T0)).run_due() == 0


async def test_two_workers_racing_fire_every_job_exactly_once(
    fired: AsyncEngine, database_url: str
) -> None:
    await _enqueue_many(fired, 200, T0)
    engines = [make_engine(database_url, pool_size=3) for _ in range(2)]
    try:
        workers = [Worker(e, {"test.record": _record}, ManualClock(T0)) for e in engines]
        counts = await asyncio.gather(*(w.run_due() for w in workers))
    finally:
        for e in engines:
            await e.dispose()
    keys = await _fired(fired)
    assert len(keys) == 200
    assert len(set(keys)) == 200
    assert sum(counts) == 200
    assert all(c > 0 for c in counts), f"both workers should have taken jobs: {counts}"


async def test_a_worker_killed_mid_job_loses_nothing(fired: AsyncEngine, database_url: str) -> None:
    """A process dies while running a job: its transaction dies with it, the lock is released,
    and another worker fires the job once."""
    await _enqueue_many(fired, 1, T0)
    started = asyncio.Event()
    hang = asyncio.Event()

    async def stuck(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
        await _record(conn, job, clock)
        started.set()
        await hang.wait()  # never returns: the process is about to die
        return None

    doomed = make_engine(database_url, pool_size=1)
    run = asyncio.create_task(Worker(doomed, {"test.record": stuck}, ManualClock(T0)).run_due())
    await asyncio.wait_for(started.wait(), 10)
    # While the first worker holds the job, a second one skips it.
    survivor = Worker(fired, {"test.record": _record}, ManualClock(T0))
    assert await survivor.run_due() == 0
    # Kill the first worker's database session, as a crashed process would leave it.
    server = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND query LIKE 'INSERT INTO fired%'"
        )
    finally:
        await server.close()
    run.cancel()
    await asyncio.wait([run])  # the dead worker fails however it fails
    await doomed.dispose()
    assert await survivor.run_due() == 1
    assert await _fired(fired) == ["t:0000"]


async def test_a_failing_job_is_retried_later_with_nothing_of_its_effects_kept(
    fired: AsyncEngine,
) -> None:
    clock = ManualClock(T0)
    calls = 0

    async def flaky(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
        nonlocal calls
        calls += 1
        await _record(conn, job, clock)
        if calls == 1:
            raise ConnectionError("the receiver is down")
        return None

    worker = Worker(fired, {"test.record": flaky}, clock)
    await _enqueue_many(fired, 1, T0)
    assert await worker.run_due() == 1
    assert await _fired(fired) == []  # the failed attempt's effects were rolled back
    async with fired.connect() as conn:
        row = (await conn.execute(text("SELECT attempts, last_error, run_at FROM job"))).one()
    assert row.attempts == 1
    assert "receiver is down" in row.last_error
    assert row.run_at == T0 + timedelta(seconds=10)
    assert await worker.run_due() == 0  # not yet
    clock.advance(timedelta(seconds=10))
    assert await worker.run_due() == 1
    assert await _fired(fired) == ["t:0000"]


async def test_a_job_without_a_handler_is_kept_not_dropped(fired: AsyncEngine) -> None:
    await _enqueue_many(fired, 1, T0)
    assert await Worker(fired, {}, ManualClock(T0)).run_due() == 1
    async with fired.connect() as conn:
        row = (await conn.execute(text("SELECT done_at, last_error FROM job"))).one()
    assert row.done_at is None
    assert "no handler" in row.last_error


async def test_a_handler_may_ask_to_run_again_keeping_its_effects(fired: AsyncEngine) -> None:
    clock = ManualClock(T0)

    async def twice(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
        await _record(conn, job, clock)
        return clock.now() + timedelta(minutes=1) if job.attempts == 0 else None

    worker = Worker(fired, {"test.record": twice}, clock)
    await _enqueue_many(fired, 1, T0)
    assert await worker.run_due() == 1
    clock.advance(timedelta(minutes=1))
    assert await worker.run_due() == 1
    clock.advance(timedelta(minutes=5))
    assert await worker.run_due() == 0
    assert await _fired(fired) == ["t:0000", "t:0000"]


async def test_a_periodic_sweep_runs_once_per_slot_across_workers(fired: AsyncEngine) -> None:
    clock = ManualClock(T0 + timedelta(seconds=5))
    sweep = Periodic("test.sweep", timedelta(minutes=1))
    handlers: dict[str, Handler] = {"test.sweep": _record}
    workers = [Worker(fired, handlers, clock, [sweep]) for _ in range(3)]
    for w in workers:
        await w.run_due()
    clock.advance(timedelta(seconds=30))
    for w in workers:
        await w.run_due()
    assert len(await _fired(fired)) == 1
    clock.advance(timedelta(seconds=30))
    await workers[0].run_due()
    assert len(await _fired(fired)) == 2


async def test_an_event_and_its_deliveries_commit_with_the_change(db: AsyncEngine) -> None:
    """One delivery and one delivery job per live endpoint subscribed to the event's type, in
    the change's own transaction; nothing for an endpoint deleted, paused or not subscribed;
    nothing at all when the change rolls back."""
    async with db.begin() as conn:
        for url, events, active, deleted in (
            ("https://a.example/hook", ["ticket.created"], True, None),
            ("https://b.example/hook", ["ticket.created", "lead.created"], True, None),
            ("https://c.example/hook", ["lead.created"], True, None),
            ("https://d.example/hook", ["ticket.created"], False, None),
            ("https://e.example/hook", ["ticket.created"], True, T0),
        ):
            await conn.execute(
                text(
                    "INSERT INTO webhook_endpoint (url, events, secret, active, deleted_at)"
                    " VALUES (:url, :events, 'whsec_x', :active, :deleted)"
                ),
                {"url": url, "events": events, "active": active, "deleted": deleted},
            )
    async with db.begin() as conn:
        event_id = await emit(conn, "ticket.created", {"id": "VGlja2V0OjE="}, T0)
    async with db.connect() as conn:
        event = (await conn.execute(text("SELECT type, data FROM outbox_event"))).one()
        deliveries = (
            await conn.execute(
                text(
                    "SELECT w.url, d.id FROM webhook_delivery d"
                    " JOIN webhook_endpoint w ON w.id = d.webhook_endpoint_id"
                    " WHERE d.event_id = :id ORDER BY w.url"
                ),
                {"id": event_id},
            )
        ).all()
        jobs = (await conn.execute(text("SELECT kind, key, payload FROM job ORDER BY key"))).all()
    assert event.type == "ticket.created"
    assert event.data == {"id": "VGlja2V0OjE="}
    assert [url for url, _ in deliveries] == ["https://a.example/hook", "https://b.example/hook"]
    assert [(j.kind, j.key, j.payload) for j in jobs] == [
        ("webhook.deliver", f"webhook.deliver:{pk}", {"deliveryId": pk}) for _, pk in deliveries
    ]
    with contextlib.suppress(RuntimeError):
        async with db.begin() as conn:
            await emit(conn, "lead.created", {"id": "TGVhZDox"}, T0)
            raise RuntimeError("the change fails")
    async with db.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM outbox_event")) == 1
        assert await conn.scalar(text("SELECT count(*) FROM webhook_delivery")) == 2
    async with db.begin() as conn:
        with pytest.raises(ValueError, match="unknown event type"):
            await emit(conn, "ticket.exploded", {}, T0)


async def _eventually(
    probe: Callable[[], Any], until: Callable[[Any], bool] = bool, seconds: float = 5
) -> None:
    """Poll `probe` (a value or an awaitable) until `until` holds, failing after `seconds`."""
    async with asyncio.timeout(seconds):
        while True:
            value = probe()
            if until(await value if inspect.isawaitable(value) else value):
                return
            await asyncio.sleep(0.05)


async def test_slow_jobs_never_take_the_last_lane(fired: AsyncEngine, database_url: str) -> None:
    """Webhook receivers may take 15 s each: with every delivery stuck, a timer still fires at
    once, because deliveries hold at most `lanes - 1` lanes."""
    release = asyncio.Event()
    started: list[str] = []

    async def stuck(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
        started.append(job.key)
        await asyncio.wait_for(release.wait(), 10)
        return await _record(conn, job, clock)

    handlers: dict[str, Handler] = {"test.slow": stuck, "test.record": _record}
    clock = ManualClock(T0)
    worker = Worker(fired, handlers, clock, lanes=2, slow=frozenset({"test.slow"}))
    async with fired.begin() as conn:
        for n in range(3):
            await enqueue(conn, "test.slow", f"s:{n}", T0)
    loop = asyncio.create_task(worker.run_forever(database_url))
    try:
        await _eventually(lambda: bool(started))
        async with fired.begin() as conn:
            await enqueue(conn, "test.record", "t:timer", T0)
        await _eventually(lambda: _fired(fired), until=lambda keys: "t:timer" in keys)
        assert started == ["s:0"]  # one delivery runs; the other two wait their turn
        release.set()
        await _eventually(lambda: _fired(fired), until=lambda keys: len(keys) == 4)
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
    assert sorted(await _fired(fired)) == ["s:0", "s:1", "s:2", "t:timer"]


async def test_a_stopped_worker_leaves_no_lane_taking_jobs(
    fired: AsyncEngine, database_url: str
) -> None:
    """Stopping a worker mid-job stops every lane, even when what reaches the lane is not the
    CancelledError but the driver's complaint about the statement it cut short (a lane that
    took that for an outage went on taking jobs after its app had stopped). The job is rolled
    back, not counted as a failed attempt, and the next worker fires it once."""
    started = asyncio.Event()

    async def interrupted(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
        await _record(conn, job, clock)
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise asyncpg.InterfaceError(
                "cannot perform operation: another operation is in progress"
            ) from None
        return None

    worker = Worker(fired, {"test.record": interrupted}, ManualClock(T0), lanes=2)
    await _enqueue_many(fired, 1, T0)
    loop = asyncio.create_task(worker.run_forever(database_url))
    await asyncio.wait_for(started.wait(), 10)
    loop.cancel()
    await asyncio.wait([loop])
    await asyncio.sleep(0.3)
    lanes = [t for t in asyncio.all_tasks() if "run_forever.<locals>.lane" in repr(t.get_coro())]
    for task in lanes:  # stopped here all the same, so a failure does not leak into other tests
        task.cancel()
    assert lanes == []
    async with fired.connect() as conn:
        row = (await conn.execute(text("SELECT attempts, done_at, failed_at FROM job"))).one()
    assert tuple(row) == (0, None, None)
    assert await _fired(fired) == []
    assert await Worker(fired, {"test.record": _record}, ManualClock(T0)).run_due() == 1
    assert await _fired(fired) == ["t:0000"]
