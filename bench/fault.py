"""Fault test: PostgreSQL stopped and restarted under load.

    .venv/bin/python bench/fault.py [--clients 4] [--before 5] [--down 8] [--after 10] [--keep]

- A private PostgreSQL cluster for the run (the machine's PostgreSQL 15 binaries, run as the
  `postgres` OS user when we are root) in a temp dir, on a free 127.0.0.1 port; migrated and
  seeded with the demo world; removed at the end. The shared PostgreSQL on 5432 is never touched.
- Prism (`uvicorn prism.asgi:app`, one worker, rate limit out of the way) against it; its log
  goes to bench/results/fault-server.log.
- Load from this process (httpx, `--clients` concurrent loops, 127.0.0.1 only): a 20-row
  `customers` page as the demo sales rep, and every third request a `logInteraction` as the
  demo admin whose summary is a unique marker, sent with an `Idempotency-Key`.
- After `--before` s: `pg_ctl stop -m fast`; `--down` s later `pg_ctl start`, polled with
  `pg_isready`; load goes on for `--after` s; then every write that was not acknowledged is sent
  again with the same key (an idempotent retry), and the markers are counted in the database.

Pass criteria (exit status 1 if any fails):
1. While PostgreSQL is down (from `pg_ctl stop` returning until `pg_isready` succeeds) every
   answer is UNAVAILABLE; while it is stopping, every answer is a success or UNAVAILABLE; no
   answer in the whole run is a 500, INTERNAL_SERVER_ERROR or any other code.
2. Recovery: the first successful answer comes < 5 s after `pg_isready`, and no failure is
   answered later than 5 s after it.
3. Every acknowledged mutation (HTTP 200, no `errors`, no `userErrors`, an interaction id) is in
   the database exactly once afterwards, and no marker is there twice.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, token_for  # noqa: E402
from bench.fault_cluster import (  # noqa: E402
    PrivateCluster,
    memory_kib,
    private_cluster,
    running_prism,
)
from bench.fault_load import Load, customer_ids  # noqa: E402
from bench.fault_report import Timeline, report  # noqa: E402

RESULTS = ROOT / "bench" / "results"


# --- the fault scenario ----------------------------------------------------------------------


async def _run(cmd: list[str]) -> int:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    return await proc.wait()


async def wait_ready(cluster: PrivateCluster) -> None:
    """Poll `pg_isready` every 50 ms until PostgreSQL accepts connections (at most a minute)."""
    for _ in range(1200):
        if await _run(cluster.ready_cmd()) == 0:
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("PostgreSQL did not come back within a minute")


async def outage(
    cluster: PrivateCluster, load: Load, before: float, down: float, after: float
) -> Timeline:
    """Load throughout; PostgreSQL stopped after `before` s, started `down` s later."""
    t = Timeline(start=time.monotonic())
    runner = asyncio.create_task(load.run())
    await asyncio.sleep(before)
    t.stop_issued = time.monotonic()
    if await _run(cluster.stop_cmd("fast")) != 0:
        raise RuntimeError("pg_ctl stop failed")
    t.stop_done = time.monotonic()
    print(f"  PostgreSQL stopped in {t.stop_done - t.stop_issued:.2f} s")
    await asyncio.sleep(down)
    t.start_issued = time.monotonic()
    if await _run(cluster.start_cmd(wait=False)) != 0:
        raise RuntimeError("pg_ctl start failed")
    await wait_ready(cluster)
    t.ready = time.monotonic()
    print(f"  PostgreSQL back (pg_isready) {t.ready - t.start_issued:.2f} s after pg_ctl start")
    await asyncio.sleep(after)
    load.stop()
    await runner
    t.load_stopped = time.monotonic()
    return t


async def retry_unacknowledged(load: Load) -> int:
    """Send each unacknowledged write again with its key; a committed one is replayed, not
    applied twice. Returns how many were acknowledged now."""
    acked = 0
    async with httpx.AsyncClient(timeout=load.timeout_s) as client:
        for write in load.writes:
            if write.acked:
                continue
            if await load.send_write(client, write):
                write.acked_on_retry = True
                acked += 1
    return acked


async def markers_in_database(url: str, prefix: str) -> Counter[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT summary, count(*) AS n FROM interaction WHERE summary LIKE $1 GROUP BY summary",
            prefix + "-%",
        )
    finally:
        await conn.close()
    return Counter({row["summary"]: int(row["n"]) for row in rows})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--before", type=float, default=5.0, help="load before the stop (s)")
    parser.add_argument("--down", type=float, default=8.0, help="PostgreSQL down for (s)")
    parser.add_argument("--after", type=float, default=10.0, help="load after it is back (s)")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's temp dir")
    args = parser.parse_args()

    log = RESULTS / "fault-server.log"
    with private_cluster(keep=args.keep, label="fault") as cluster:
        data_dir = cluster.root / "prism-data"
        with running_prism(cluster.url, data_dir, log) as server:
            reader, writer = token_for(data_dir, "demo-rep"), token_for(data_dir, "demo-admin")
            ids = asyncio.run(customer_ids(server.base, writer))
            prefix = f"fault-{uuid.uuid4().hex[:8]}"
            load = Load(server.base, reader, writer, ids, prefix, clients=args.clients)
            print(
                f"load: {args.clients} clients, {args.before:.0f} s, then PostgreSQL down "
                f"{args.down:.0f} s, then {args.after:.0f} s"
            )

            async def scenario() -> tuple[Timeline, Counter[str], int, Counter[str]]:
                timeline = await outage(cluster, load, args.before, args.down, args.after)
                before_retry = await markers_in_database(cluster.url, prefix)
                retried = await retry_unacknowledged(load)
                return (
                    timeline,
                    before_retry,
                    retried,
                    await markers_in_database(cluster.url, prefix),
                )

            timeline, before_retry, retried, found = asyncio.run(scenario())
            memory = memory_kib(server.pid)
        failures = report(timeline, load, before_retry, retried, found)
    print(f"\nserver RSS at the end {memory['VmRSS'] / 1024:.0f} MiB; log: {log}")
    if failures:
        print("\nFAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nPASSED: only UNAVAILABLE while down, recovered < 5 s, every acknowledged write kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
