"""W1–W4 on the bench world: Prism side by side with the floor and PostGraphile, in one run.

    .venv/bin/python bench/run_workloads.py [--seconds 12] [--rounds 1] [--no-readme]

- W1 the 360° view as a sales rep, W2 a 100-row customer page as a partner user, W3 a
  technician's day, W4 a sales manager's team pipeline (see bench/workloads.py and
  bench/workload_w4.py for the queries and how the viewers are picked).
- Servers: Prism (`uvicorn prism.asgi:app`), the floor (bench/floor_app.py: one hand-written SQL
  query per workload through asyncpg behind a bare ASGI endpoint) — both uvicorn with the same
  worker count — and PostGraphile 5 (Node 22 from npm, installed under bench/ on demand, no
  authorization). All against `prism_bench` on 127.0.0.1:5432, seeded first if missing.
- Phase 1, through a statement-counting proxy (bench/sqlcount.py): each server's answer, checked
  to be the same data as Prism's, and the SQL statements it sends per request.
- Phase 2, direct: for each workload and 1 and 16 clients, one bounded wrk run per server,
  back to back (the order rotates), so the machine's noise hits all three alike. Per run:
  requests/s, p50/p99 latency, server CPU ms per request (/proc utime+stime of the server),
  PostgreSQL backend CPU ms per request; per workload: the server's peak RSS (VmHWM).

Prints the table as Markdown and writes it into bench/README.md between the markers; the raw
figures go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_url, ensure_database, seed_bench, token_for  # noqa: E402
from bench.compare_phases import phase_one, phase_two  # noqa: E402
from bench.compare_report import README, Cell, report, write_readme  # noqa: E402
from bench.compare_servers import (  # noqa: E402
    ensure_postgraphile,
    install_timeline_view,
    log,
    plain_dsn,
    settle,
)
from bench.loadgen import wrk_available  # noqa: E402
from bench.sqlcount import kind_of  # noqa: E402
from bench.workloads import build, pick  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="wrk runs per server and cell")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (Prism, floor)")
    parser.add_argument("--no-postgraphile", action="store_true", help="Prism and floor only")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 60 or not 1 <= args.rounds <= 10:
        parser.error("--seconds must be 1..60 and --rounds 1..10 (runs are bounded)")
    if wrk_available() is None:
        sys.exit("wrk is not installed: apt-get update && apt-get install -y wrk")

    if not ensure_database():
        log(f"seeded the bench world in {seed_bench():.1f} s")
    notes: list[str] = []
    postgraphile = not args.no_postgraphile
    if postgraphile:
        reason = ensure_postgraphile()
        if reason is not None:
            notes.append(f"PostGraphile not run: {reason}.")
            postgraphile = False
            log(notes[-1])
    dsn = plain_dsn(bench_url())
    started = time.perf_counter()
    if asyncio.run(settle(dsn)):
        log(f"vacuumed the bench world in {time.perf_counter() - started:.1f} s")
    if postgraphile:
        asyncio.run(install_timeline_view(dsn))
    workloads = build(asyncio.run(pick(dsn)))
    names = ["prism", "floor"] + (["postgraphile"] if postgraphile else [])
    cells = {(w.key, n): Cell() for w in workloads for n in names}

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        subs = {w.prism.bearer_sub for w in workloads if w.prism.bearer_sub}
        tokens = {sub: token_for(data_dir, sub) for sub in subs}
        log("phase 1: answers and SQL statements per request (through the counting proxy)")
        notes += phase_one(workloads, data_dir, tokens, args.workers, postgraphile, cells)
        log(f"phase 2: load, {args.seconds:g} s per run, {args.rounds} round(s)")
        notes += asyncio.run(
            phase_two(
                workloads,
                data_dir,
                tokens,
                args.workers,
                postgraphile,
                args.seconds,
                args.rounds,
                cells,
            )
        )

    meta = {
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, shared",
        "seconds": args.seconds,
        "rounds": args.rounds,
        "workers": args.workers,
        "postgres": asyncio.run(_server_version(dsn)),
    }
    table = report(workloads, cells, names, meta, notes)
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "meta": meta,
                "notes": notes,
                "workloads": {w.key: w.viewer for w in workloads},
                "cells": {f"{k[0]} {k[1]}": asdict(c) for k, c in cells.items()},
                "statement_kinds": {
                    f"{k[0]} {k[1]}": {sql: kind_of(sql) for sql in c.statements}
                    for k, c in cells.items()
                },
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    if not args.no_readme:
        command = ".venv/bin/python bench/run_workloads.py" + "".join(f" {a}" for a in sys.argv[1:])
        write_readme(table, command)
        log(f"wrote the table into {README.relative_to(ROOT)}")


async def _server_version(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval("SHOW server_version")).split()[0]
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
