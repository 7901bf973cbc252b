"""Deterministic demo and benchmark data for an empty, migrated Prism database.

`seed(url, "demo")` gives a few hundred customers where every role, status and channel shows
up and the personas in `DEMO_PERSONAS` have something to look at; `seed(url, "bench")` gives
the millions of rows the benchmarks need. The same `seed` number always yields the same data
(demo dates move with the calendar so "today" stays today).
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import Literal

from persistence.seed.load import (
    TABLES,
    SeedError,
    connect,
    copy_table,
    ensure_empty,
    restart_identities,
    skip_row_triggers,
    verify_references,
)
from persistence.seed.personas import DEMO_PERSONAS
from persistence.seed.plan import Plan, bench_plan, demo_plan
from persistence.seed.progress import Progress, expected_rows
from persistence.seed.world import World

__all__ = ["DEMO_PERSONAS", "SeedError", "Size", "plan_for", "seed"]

Size = Literal["demo", "bench"]


def plan_for(size: Size) -> Plan:
    if size == "demo":
        return demo_plan(datetime.now(UTC))
    if size == "bench":
        return bench_plan()
    raise SeedError(f"unknown seed size {size!r}; use 'demo' or 'bench'")


async def seed(url: str, size: Size, seed: int = 1, progress: bool = True) -> dict[str, int]:
    """Fill the empty database at `url` and return the number of rows written per table.

    Everything is written in one transaction, so a failure leaves the database empty again.
    Raises `SeedError` if the database is unreachable, not migrated or already holds data.
    The cycle collector is paused meanwhile: the generators make millions of short-lived
    tuples and no cycles, and its repeated full scans would otherwise cost a third of the time.
    """
    plan = plan_for(size)
    world = World.create(plan, seed)
    report = Progress(progress, expected=expected_rows(plan))
    conn = await connect(url)
    collecting = gc.isenabled()
    gc.disable()
    try:
        counts: dict[str, int] = {}
        async with conn.transaction():
            await ensure_empty(conn)
            report.say(f"seeding {size} data (seed {seed}, as of {plan.now:%Y-%m-%d %H:%M}Z)")
            unchecked = await skip_row_triggers(conn)
            for table in TABLES:
                counts[table.name] = await copy_table(conn, table, world, report)
            if unchecked:
                report.begin()
                await verify_references(conn)
                report.done("foreign keys", None)
            report.begin()
            await restart_identities(conn)
            report.done("identities", None)
        report.begin()
        await conn.execute("ANALYZE " + ", ".join(counts))
        report.done("analyze", None)
    finally:
        if collecting:
            gc.enable()
        await conn.close()
    report.total(sum(counts.values()))
    return counts
