"""The SQL Prism compiles for each workload, with PostgreSQL's plan and timing of it.

    .venv/bin/python bench/explain.py [W1 W2 W3 W4] [--sql] [--runs 20]

For each workload: the compiled statement (with `--sql`), `EXPLAIN (ANALYZE, BUFFERS)` of it,
and the median execution time over `--runs` executions of Prism's statement beside the
floor's hand-written one (bench/floor_app.py), both through one asyncpg connection. It reads
the statement off Prism itself: the app runs in this process (Starlette's test client) and
the compiled statement is caught where `prism.graphql_http` compiles it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_url, ensure_database, prism_env, seed_bench, token_for  # noqa: E402
from bench.workloads import build, pick  # noqa: E402


def compiled_statements(data_dir: Path, workloads: list[Any]) -> dict[str, tuple[str, tuple]]:
    os.environ.update(prism_env(data_dir) | {"PRISM_WORKER": "off"})
    from starlette.testclient import TestClient

    import prism.graphql_http as http
    from persistence.scope_sql import bind_viewer
    from prism.app import create_app
    from prism.settings import Settings

    caught: list[tuple[str, tuple]] = []
    compile_ = http._compile

    def catching(call: Any) -> Any:
        statement = compile_(call)  # the role's statement: this viewer's values written in
        caught.append((bind_viewer(statement[0], call.viewer), statement[1]))
        return statement

    http._compile = catching  # type: ignore[assignment]
    out = {}
    settings = Settings.from_env()
    with TestClient(create_app(settings, os.environ["PRISM_DATABASE_URL"])) as client:
        for w in workloads:
            caught.clear()
            token = token_for(data_dir, w.prism.bearer_sub)
            response = client.post(
                w.prism.path, json=w.prism.body, headers={"authorization": f"Bearer {token}"}
            )
            assert response.status_code == 200, response.text
            assert caught and caught[0][0], f"{w.key} was not compiled"
            out[w.key] = caught[0]
    return out


async def measure(dsn: str, statements: list[tuple[str, tuple]], runs: int) -> list[float]:
    """Median milliseconds of each statement, run in turns so the machine's noise hits all."""
    conn = await asyncpg.connect(
        dsn, server_settings={"timezone": "UTC", "plan_cache_mode": "force_custom_plan"}
    )
    try:
        samples: list[list[float]] = [[] for _ in statements]
        for i in range(runs + 3):
            for (sql, args), out in zip(statements, samples, strict=True):
                started = time.perf_counter()
                await conn.fetchval(sql, *args)
                if i >= 3:
                    out.append((time.perf_counter() - started) * 1000)
        return [statistics.median(s) for s in samples]
    finally:
        await conn.close()


async def explain(dsn: str, sql: str, args: tuple) -> str:
    conn = await asyncpg.connect(dsn, server_settings={"timezone": "UTC"})
    try:
        rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
        return "\n".join(r[0] for r in rows)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="workload keys (default: all)")
    parser.add_argument("--sql", action="store_true", help="print the compiled statements")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if not ensure_database():
        seed_bench()
    dsn = bench_url()
    workloads = [w for w in build(asyncio.run(pick(dsn))) if not args.only or w.key in args.only]
    with tempfile.TemporaryDirectory() as data_dir:
        statements = compiled_statements(Path(data_dir), workloads)
    from bench.floor_app import ROUTES

    for w in workloads:
        sql, params = statements[w.key]
        print(f"=== {w.key} {w.title}: {len(sql)} characters, {len(params)} parameters")
        if args.sql:
            print(sql, params)
        print(asyncio.run(explain(dsn, sql, params)))
        floor_sql, arguments = ROUTES[w.floor.path]
        floor_args = arguments(w.floor.body)
        prism_ms, floor_ms = asyncio.run(
            measure(dsn, [(sql, params), (floor_sql, floor_args)], args.runs)
        )
        print(
            f"--- {w.key}: execution median of {args.runs}, one connection, in turns: Prism {prism_ms:.2f}"
            f" ms, floor {floor_ms:.2f} ms ({prism_ms / floor_ms:.2f}×)\n"
        )


if __name__ == "__main__":
    main()
