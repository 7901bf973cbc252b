"""Leads that never wait, over a live server: 500 web-form leads in 10 s from 4 clients.

    .venv/bin/python bench/bench_leads.py [--leads 500] [--seconds 10] [--clients 4]

Makes a fresh database `prism_bench_leads` on 127.0.0.1:5432 with 5 sales reps and 3
round-robin assignment rules (制造业, 零售, and a catch-all, each over all five reps), starts
`uvicorn prism.asgi:app` on it (one process per core, like `prism serve`; `--workers`), and
posts the submissions paced evenly over the window, each client its share, every submission
with its own phone number. A lead is assigned in the request's own transaction, so a
submission's response time is its assignment latency. A 503 (the server too busy: nothing was
written) is retried after a second, as a channel would; the latency counts from the first try
and the retries are reported.

Reports the latency (p50, p99), the round robin's balance per rule (each rep within ±1), and
that every submission made exactly one lead, assigned.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SERVER, live_prism  # noqa: E402

DATABASE = "prism_bench_leads"
INDUSTRIES = ("制造业", "零售", "医疗")  # the third only the catch-all rule takes
RETRIES = 5
RETRIED = [0]  # submissions answered 503 and sent again


def url() -> str:
    return SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"


async def fresh_database() -> None:
    conn = await asyncpg.connect(SERVER)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()


async def world() -> str:
    """Five reps, three rules, one web form; the form's key."""
    conn = await asyncpg.connect(url())
    try:
        reps = [
            await conn.fetchval(
                "INSERT INTO app_user (external_id, display_name, role) VALUES ($1, $2,"
                " 'SALES_REP') RETURNING id",
                f"bench-rep-{n}",
                f"销售 {n}",
            )
            for n in range(5)
        ]
        rules = (("制造业 → 全组", 10, ["制造业"]), ("零售 → 全组", 20, ["零售"]), ("其余", 99, []))
        for name, priority, industries in rules:
            await conn.execute(
                "INSERT INTO assignment_rule (name, priority, industries, assignee_ids,"
                " calendar) VALUES ($1, $2, $3, $4, 'ALWAYS')",
                name,
                priority,
                industries,
                reps,
            )
        await conn.execute(
            "INSERT INTO web_form (name, form_key) VALUES ('bench', 'bench-form-key')"
        )
        return "bench-form-key"
    finally:
        await conn.close()


async def client(
    base: str, key: str, numbers: range, interval: float, started: float
) -> list[float]:
    """One client's share, each submission sent at its time whether or not the previous one
    has been answered (an open loop: the arrival rate is the window's, not the server's)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def submit(i: int, n: int) -> float:
            await asyncio.sleep(max(0.0, started + i * interval - time.perf_counter()))
            body = {
                "company": f"压测公司 {n}",
                "name": f"客户 {n}",
                "phone": f"139{n:08d}",
                "industry": INDUSTRIES[n % 3],
                "message": "想了解产品报价",
            }
            sent = time.perf_counter()
            for _ in range(RETRIES):
                response = await http.post(f"/channels/web-form/{key}", json=body)
                if response.status_code != 503:
                    break
                RETRIED[0] += 1
                await asyncio.sleep(1.0)
            if response.status_code != 202:
                raise RuntimeError(f"submission {n}: {response.status_code} {response.text}")
            return (time.perf_counter() - sent) * 1000

        return list(await asyncio.gather(*(submit(i, n) for i, n in enumerate(numbers))))


async def run(base: str, key: str, leads: int, seconds: float, clients: int) -> list[float]:
    share = leads // clients
    interval = seconds / share
    started = time.perf_counter()
    parts = await asyncio.gather(
        *(
            client(base, key, range(c * share, (c + 1) * share), interval, started)
            for c in range(clients)
        )
    )
    print(f"sent {leads} submissions in {time.perf_counter() - started:.1f} s")
    return [ms for part in parts for ms in part]


async def audit(leads: int) -> tuple[int, int, int, dict[str, Counter[int]]]:
    conn = await asyncpg.connect(url())
    try:
        total = await conn.fetchval("SELECT count(*) FROM lead")
        phones = await conn.fetchval("SELECT count(DISTINCT phone) FROM lead")
        assigned = await conn.fetchval("SELECT count(*) FROM lead WHERE status = 'ASSIGNED'")
        rows = await conn.fetch(
            "SELECT r.name, l.assignee_id FROM lead l JOIN assignment_rule r"
            " ON r.id = l.assignment_rule_id"
        )
    finally:
        await conn.close()
    per_rule: dict[str, Counter[int]] = defaultdict(Counter)
    for row in rows:
        per_rule[row["name"]][row["assignee_id"]] += 1
    return total, phones, assigned, per_rule


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core, as `prism serve`)",
    )
    args = parser.parse_args()
    from persistence.migrate import upgrade

    asyncio.run(fresh_database())
    upgrade(url())
    key = asyncio.run(world())
    with (
        tempfile.TemporaryDirectory() as data_dir,
        live_prism(Path(data_dir), args.workers, url(), worker=True) as (
            base,
            _,
        ),
    ):
        latencies = asyncio.run(run(base, key, args.leads, args.seconds, args.clients))
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"server: {args.workers} process(es); load average {os.getloadavg()[0]:.1f}")
    print(f"retried after a 503: {RETRIED[0]}")
    print(f"assignment latency: p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms")
    total, phones, assigned, per_rule = asyncio.run(audit(args.leads))
    print(f"leads {total} (expected {args.leads}), distinct phones {phones}, assigned {assigned}")
    balanced = True
    for name, counts in sorted(per_rule.items()):
        spread = max(counts.values()) - min(counts.values())
        balanced &= spread <= 1 and len(counts) == 5
        print(f"rule {name}: {sorted(counts.values())} (spread {spread})")
    ok = total == phones == assigned == args.leads and balanced
    print("OK: none lost, none twice, each rep within ±1 per rule" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
