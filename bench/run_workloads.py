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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DATABASE,
    ROOT,
    bench_url,
    ensure_database,
    free_port,
    live_prism,
    seed_bench,
    spawn_server,
    token_for,
    uvicorn_cmd,
)
from bench.loadgen import (  # noqa: E402
    DatabaseCpu,
    WrkResult,
    cpu_seconds,
    peak_rss_mib,
    reset_peak_rss,
    run_wrk,
    wrk_available,
)
from bench.sqlcount import StatementCounter, kind_of  # noqa: E402
from bench.workloads import Workload, build, differences, pick  # noqa: E402

BENCH = ROOT / "bench"
README = BENCH / "README.md"
RESULTS = BENCH / "results" / "latest.json"
NODE = BENCH / "node_modules" / "node" / "bin" / "node"
POSTGRAPHILE_CLI = BENCH / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
POSTGRAPHILE_CONFIG = BENCH / "postgraphile" / "graphile.config.mjs"
TIMELINE_SQL = BENCH / "postgraphile" / "timeline.sql"
BEGIN, END = "<!-- run_workloads:begin -->", "<!-- run_workloads:end -->"

LABELS = {"prism": "Prism", "floor": "floor", "postgraphile": "PostGraphile"}
CLIENTS = (1, 16)
COUNT_REQUESTS = 10
WARM_UP = 30  # sequential requests before counting: every pooled connection has seen the types


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def with_port(url: str, port: int) -> str:
    """The same database URL, through 127.0.0.1:`port` (the counting proxy)."""
    scheme, rest = url.split("://", 1)
    creds, _, hostpath = rest.rpartition("@")
    path = hostpath.split("/", 1)[1]
    return f"{scheme}://{creds + '@' if creds else ''}127.0.0.1:{port}/{path}"


# -- PostGraphile: installed under bench/ on demand -------------------------------------------


def ensure_postgraphile() -> str | None:
    """Install PostGraphile 5 and Node 22 (npm packages) under bench/; None, or why not."""
    if not (NODE.exists() and POSTGRAPHILE_CLI.exists()):
        npm = shutil.which("npm")
        if npm is None:
            return "npm is not installed"
        log("installing PostGraphile 5 and Node 22 under bench/node_modules (npm ci) ...")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(BENCH)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not NODE.exists():
            return f"npm ci failed: {(done.stderr or done.stdout).strip()[-300:]}"
    version = subprocess.run([str(NODE), "--version"], capture_output=True, text=True).stdout
    if not version.startswith("v22."):
        return f"bench/node_modules/node is {version.strip() or 'not runnable'}, not Node 22"
    return None


async def install_timeline_view(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(TIMELINE_SQL.read_text())
    finally:
        await conn.close()


async def settle(dsn: str) -> bool:
    """VACUUM the freshly seeded world once, as autovacuum would have in a running database
    (it is off on this machine): without a visibility map, counts read every heap page."""
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT relallvisible > 0 FROM pg_class WHERE relname = 'customer'"):
            return False
        await conn.execute("VACUUM (ANALYZE)")
        return True
    finally:
        await conn.close()


# -- the three servers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    name: str
    base: str
    pid: int


@contextmanager
def servers(
    data_dir: Path, database_url: str, workers: int, postgraphile: bool
) -> Iterator[dict[str, Server]]:
    """Prism, the floor and (if wanted) PostGraphile against `database_url`, all at once."""
    with ExitStack() as stack:
        found: dict[str, Server] = {}
        base, pid = stack.enter_context(live_prism(data_dir, workers, database_url))
        found["prism"] = Server("prism", base, pid)

        port = free_port()
        env = {**os.environ, "PRISM_BENCH_FLOOR_DB": plain_dsn(database_url)}
        cmd = uvicorn_cmd("bench.floor_app:app", port, workers)
        proc = stack.enter_context(spawn_server(cmd, env, f"http://127.0.0.1:{port}/readyz"))
        found["floor"] = Server("floor", f"http://127.0.0.1:{port}", proc.pid)

        if postgraphile:
            port = free_port()
            env = {
                **os.environ,
                "BENCH_PG_URL": plain_dsn(database_url).replace("postgresql://", "postgres://"),
                "BENCH_PG_PORT": str(port),
                "GRAPHILE_ENV": "production",
                "NODE_ENV": "production",
            }
            cmd = [str(NODE), str(POSTGRAPHILE_CLI), "-C", str(POSTGRAPHILE_CONFIG)]
            proc = stack.enter_context(
                spawn_server(
                    cmd,
                    env,
                    f"http://127.0.0.1:{port}/graphql",
                    ready_body={"query": "{ __typename }"},
                )
            )
            found["postgraphile"] = Server("postgraphile", f"http://127.0.0.1:{port}", proc.pid)
        yield found


# -- phase 1: same answer, statements per request ---------------------------------------------


@dataclass
class Cell:
    """One server on one workload."""

    answer_check: str = ""
    sql_data: float | None = None  # statements that read/write rows, per request
    sql_control: float | None = None  # BEGIN/COMMIT/pings/connection set-up, per request
    connections: float | None = None  # new PostgreSQL connections opened, per request
    statements: dict[str, float] = field(default_factory=dict)  # SQL text -> per request
    runs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # clients -> runs
    peak_rss_mib: float | None = None


def authorization(workload: Workload, server: str, tokens: dict[str, str]) -> str | None:
    sub = workload.request(server).bearer_sub
    return f"Bearer {tokens[sub]}" if sub else None


def ask(client: httpx.Client, srv: Server, workload: Workload, tokens: dict[str, str]) -> Any:
    request = workload.request(srv.name)
    headers = {"content-type": "application/json"}
    if auth := authorization(workload, srv.name, tokens):
        headers["authorization"] = auth
    response = client.post(srv.base + request.path, content=request.json(), headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"{srv.name} {workload.key}: {response.status_code} {str(body)[:500]}")
    return body["data"]


def check_answers(workload: Workload, answers: dict[str, Any], cells: dict[str, Cell]) -> list[str]:
    notes = []
    prism = answers["prism"]
    for name, data in answers.items():
        if name == "prism":
            cells[name].answer_check = "reference"
            continue
        mine, theirs = prism, data
        if name == "postgraphile":
            theirs = workload.from_postgraphile(data)
            if workload.postgraphile_mask is not None:
                raw = differences(mine, theirs)
                mine, theirs = workload.postgraphile_mask(mine), workload.postgraphile_mask(theirs)
                if raw and not differences(mine, theirs):
                    notes.append(f"{workload.key}: {workload.postgraphile_note}.")
                    cells[name].answer_check = "same data except as noted"
                    continue
        found = differences(mine, theirs)
        cells[name].answer_check = "same data" if not found else "DIFFERENT"
        if found:
            notes.append(f"{workload.key}: {LABELS[name]} answers differently: {'; '.join(found)}")
    return notes


def phase_one(
    workloads: list[Workload],
    data_dir: Path,
    tokens: dict[str, str],
    workers: int,
    postgraphile: bool,
    cells: dict[tuple[str, str], Cell],
) -> list[str]:
    notes: list[str] = []
    with StatementCounter() as proxy:
        url = with_port(bench_url(), proxy.port)
        with servers(data_dir, url, workers, postgraphile) as running:
            with httpx.Client(timeout=60) as client:
                for w in workloads:
                    answers = {}
                    for srv in running.values():
                        for _ in range(WARM_UP):  # pools, caches, plans, per-role schema
                            answers[srv.name] = ask(client, srv, w, tokens)
                        time.sleep(0.2)
                        proxy.reset()
                        for _ in range(COUNT_REQUESTS):
                            ask(client, srv, w, tokens)
                        tally = proxy.take()
                        cell = cells[(w.key, srv.name)]
                        kinds = tally.by_kind()
                        cell.sql_data = kinds["data"] / COUNT_REQUESTS
                        cell.sql_control = (kinds["control"] + kinds["setup"]) / COUNT_REQUESTS
                        cell.connections = tally.connections / COUNT_REQUESTS
                        cell.statements = {
                            sql: n / COUNT_REQUESTS for sql, n in tally.statements.most_common()
                        }
                        log(
                            f"{w.key} {LABELS[srv.name]:<12} {cell.sql_data:g} statements/request"
                            f" (+{cell.sql_control:g} control/set-up), "
                            f"{cell.connections:g} new connections/request"
                        )
                        if cell.connections >= 0.1:
                            notes.append(
                                f"{w.key}: {LABELS[srv.name]} opened {cell.connections:g} new "
                                "PostgreSQL connections per request (sequential requests, after "
                                "warm-up), each with its driver's set-up statements."
                            )
                    notes += check_answers(
                        w, answers, {name: cells[(w.key, name)] for name in answers}
                    )
    return notes


# -- phase 2: load -----------------------------------------------------------------------------


async def phase_two(
    workloads: list[Workload],
    data_dir: Path,
    tokens: dict[str, str],
    workers: int,
    postgraphile: bool,
    seconds: float,
    rounds: int,
    cells: dict[tuple[str, str], Cell],
) -> list[str]:
    notes: list[str] = []
    monitor = await asyncpg.connect(plain_dsn(bench_url()))
    db_cpu = DatabaseCpu(monitor, DATABASE)
    try:
        with servers(data_dir, bench_url(), workers, postgraphile) as running:
            names = list(running)
            for wi, w in enumerate(workloads):
                peaks_ok = all(reset_peak_rss(s.pid) for s in running.values())
                if not peaks_ok and wi == 0:
                    notes.append("Peak RSS could not be reset per workload: it is per process.")
                for ci, clients in enumerate(CLIENTS):
                    shift = (wi * len(CLIENTS) + ci) % len(names)
                    order = names[shift:] + names[:shift]
                    for name in order:  # warm-up at this concurrency, not measured
                        await asyncio.to_thread(_load, running[name], w, tokens, clients, 2)
                    for _ in range(rounds):
                        for name in order:
                            srv = running[name]
                            cpu0, db0 = cpu_seconds(srv.pid), await db_cpu.snapshot()
                            result = await asyncio.to_thread(
                                _load, srv, w, tokens, clients, seconds
                            )
                            cpu1, db1 = cpu_seconds(srv.pid), await db_cpu.snapshot()
                            spent_db = DatabaseCpu.spent(db0, db1)
                            run = {
                                **asdict(result),
                                "rps": result.rps,
                                "cpu_ms_per_request": per_request(cpu1 - cpu0, result.requests),
                                "db_cpu_ms_per_request": per_request(spent_db, result.requests),
                            }
                            cells[(w.key, name)].runs.setdefault(clients, []).append(run)
                            log(
                                f"{w.key} c={clients:<2} {LABELS[name]:<12} "
                                f"{result.rps:8.1f} req/s  p50 {result.p50_ms:8.2f} ms  "
                                f"p99 {result.p99_ms:8.2f} ms  cpu {fmt(run['cpu_ms_per_request'], 2)}"
                                f" ms/req  bad {result.bad + result.errors}"
                            )
                            if result.bad or result.errors:
                                notes.append(
                                    f"{w.key} c={clients} {LABELS[name]}: {result.bad} bad "
                                    f"answers, {result.errors} socket errors/timeouts"
                                )
                for srv in running.values():
                    cells[(w.key, srv.name)].peak_rss_mib = peak_rss_mib(srv.pid)
    finally:
        await monitor.close()
    return notes


def per_request(seconds: float | None, requests: int) -> float | None:
    return None if seconds is None or requests == 0 else 1000 * seconds / requests


def _load(
    srv: Server, w: Workload, tokens: dict[str, str], clients: int, seconds: float
) -> WrkResult:
    request = w.request(srv.name)
    return run_wrk(
        srv.base,
        request.path,
        request.json(),
        authorization(w, srv.name, tokens),
        clients=clients,
        seconds=seconds,
    )


# -- the report --------------------------------------------------------------------------------


def merged(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    """Rounds of one cell: total requests ÷ total time; medians of the per-round figures."""

    def median(key: str) -> float | None:
        values = [r[key] for r in runs if r[key] is not None]
        return statistics.median(values) if values else None

    done = [r for r in runs if r["requests"]]
    return {
        "rps": sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in done) if done else None,
        "p99_ms": statistics.median(r["p99_ms"] for r in done) if done else None,
        "cpu_ms": median("cpu_ms_per_request"),
        "db_cpu_ms": median("db_cpu_ms_per_request"),
    }


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if digits == 1 and value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def report(
    workloads: list[Workload],
    cells: dict[tuple[str, str], Cell],
    names: list[str],
    meta: dict[str, Any],
    notes: list[str],
) -> str:
    lines = [
        f"Run of {meta['finished']} on {meta['machine']}; {meta['seconds']:g} s per run × "
        f"{meta['rounds']} round(s), uvicorn `--workers {meta['workers']}`, wrk "
        f"`-c1 -t1` / `-c16 -t2`; PostgreSQL {meta['postgres']}.",
        "",
        "| workload | server | clients | req/s | p50 ms | p99 ms | SQL stmts/req (+other) "
        "| server CPU ms/req | DB CPU ms/req | peak RSS MiB | same answer |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for w in workloads:
        for clients in CLIENTS:
            for name in names:
                cell = cells[(w.key, name)]
                if clients not in cell.runs:
                    continue
                m = merged(cell.runs[clients])
                sql = (
                    f"{cell.sql_data:g} (+{cell.sql_control:g})"
                    if cell.sql_data is not None and cell.sql_control is not None
                    else "–"
                )
                lines.append(
                    f"| {w.key} {w.title} | {LABELS[name]} | {clients} | {fmt(m['rps'])} "
                    f"| {fmt(m['p50_ms'])} | {fmt(m['p99_ms'])} | {sql} | {fmt(m['cpu_ms'], 2)} "
                    f"| {fmt(m['db_cpu_ms'], 2)} | {fmt(cell.peak_rss_mib, 0)} "
                    f"| {cell.answer_check} |"
                )
    lines += [
        "",
        "Ratios, same run (latency: Prism ÷ other, >1 = Prism slower; throughput: "
        "other ÷ Prism, >1 = other serves more):",
        "",
        "| workload | clients | p50 Prism÷floor | req/s floor÷Prism | CPU/req Prism÷floor "
        "| p50 Prism÷PostGraphile | req/s PostGraphile÷Prism | CPU/req Prism÷PostGraphile |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for w in workloads:
        for clients in CLIENTS:
            figures = {}
            for name in names:
                runs = cells[(w.key, name)].runs.get(clients)
                figures[name] = merged(runs) if runs else None
            p = figures.get("prism")
            if p is None:
                continue
            row = [f"| {w.key} {w.title} | {clients}"]
            for other in ("floor", "postgraphile"):
                o = figures.get(other)
                if o is None:
                    row += ["–", "–", "–"]
                else:
                    row += [
                        ratio(p["p50_ms"], o["p50_ms"]),
                        ratio(o["rps"], p["rps"]),
                        ratio(p["cpu_ms"], o["cpu_ms"]),
                    ]
            lines.append(" | ".join(row) + " |")
    lines += ["", "Viewers (picked from the bench world by bench/workloads.py):", ""]
    lines += [f"- {w.key} {w.title}: {w.viewer}" for w in workloads]
    if notes:
        lines += ["", "Notes from this run:", ""]
        lines += [f"- {n}" for n in dict.fromkeys(notes)]
    return "\n".join(lines) + "\n"


def write_readme(table: str, command: str) -> None:
    text = README.read_text() if README.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = f"{BEGIN}\nLatest run: `{command}`\n\n{table}{END}"
    README.write_text(head + block + tail)


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
