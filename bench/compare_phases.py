"""The two phases of `run_workloads.py`: the same answer from every server and the SQL each
sends per request (through the counting proxy), then the load, server by server.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.common import DATABASE, bench_url
from bench.compare_report import CLIENTS, LABELS, Cell, fmt
from bench.compare_servers import Server, log, plain_dsn, servers, with_port
from bench.loadgen import DatabaseCpu, WrkResult, cpu_seconds, peak_rss_mib, reset_peak_rss, run_wrk
from bench.sqlcount import StatementCounter
from bench.workloads import Workload, differences

COUNT_REQUESTS = 10
WARM_UP = 30  # sequential requests before counting: every pooled connection has seen the types


# -- phase 1: same answer, statements per request ---------------------------------------------


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
