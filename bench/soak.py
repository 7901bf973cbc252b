"""Soak: steady mixed load on one Prism for a while, and what its memory does meanwhile.

    .venv/bin/python bench/soak.py [--seconds 600] [--clients 4] [--interval 60] [--keep]

- The same private PostgreSQL cluster as bench/fault.py (temp dir, free 127.0.0.1 port, demo
  world, removed at the end) and the same Prism (`uvicorn prism.asgi:app`, one worker; its log
  goes to bench/results/soak-server.log). The shared PostgreSQL on 5432 is never touched.
- The same load as bench/fault.py, without pause: `--clients` concurrent loops of two 20-row
  `customers` pages as the demo sales rep, then one `logInteraction` (with an Idempotency-Key)
  as the demo admin, for `--seconds`.
- The server's RSS (VmRSS from /proc/<pid>/status) before the load, every `--interval` s and at
  the end, with that interval's requests, errors and latency; then the totals, and the
  acknowledged writes counted in the database.

Exits 1 if any answer was not a success or an acknowledged write is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import token_for  # noqa: E402
from bench.fault import RESULTS, markers_in_database  # noqa: E402
from bench.fault_cluster import memory_kib, private_cluster, running_prism  # noqa: E402
from bench.fault_load import Answer, Load, customer_ids  # noqa: E402


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the load started
    rss_kib: int
    hwm_kib: int
    requests: int  # answers in the interval that ends here
    errors: Counter[str]
    p50_ms: float
    p99_ms: float


def sample(pid: int, at: float, answers: list[Answer]) -> Sample:
    memory = memory_kib(pid)
    latencies = sorted((a.received - a.sent) * 1000 for a in answers)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0
    return Sample(
        at=at,
        rss_kib=memory["VmRSS"],
        hwm_kib=memory["VmHWM"],
        requests=len(answers),
        errors=Counter(a.code for a in answers if a.code != "OK"),
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p99_ms=p99,
    )


def show(s: Sample, interval: float) -> None:
    errors = ", ".join(f"{code} {n}" for code, n in s.errors.items()) or "none"
    rate = s.requests / interval if interval else 0.0
    print(
        f"  {s.at:6.0f} s  RSS {s.rss_kib / 1024:6.1f} MiB  peak {s.hwm_kib / 1024:6.1f} MiB  "
        f"{s.requests:6d} req ({rate:5.1f}/s)  p50 {s.p50_ms:6.1f} ms  p99 {s.p99_ms:6.1f} ms  "
        f"errors: {errors}",
        flush=True,
    )


async def soak(pid: int, load: Load, seconds: float, interval: float) -> list[Sample]:
    """Run the load for `seconds`, sampling the server every `interval` s."""
    samples = [sample(pid, 0.0, [])]
    show(samples[0], 0.0)
    started = time.monotonic()
    runner = asyncio.create_task(load.run())
    seen, last = 0, 0.0
    for tick in itertools.count(1):
        due = min(tick * interval, seconds)
        await asyncio.sleep(max(0.0, due - (time.monotonic() - started)))
        if due >= seconds:
            break
        upto = len(load.answers)
        samples.append(sample(pid, time.monotonic() - started, load.answers[seen:upto]))
        show(samples[-1], samples[-1].at - last)
        seen, last = upto, samples[-1].at
    load.stop()
    await runner
    samples.append(sample(pid, time.monotonic() - started, load.answers[seen:]))
    show(samples[-1], samples[-1].at - last)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to run the load")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's temp dir")
    args = parser.parse_args()

    log = RESULTS / "soak-server.log"
    with private_cluster(keep=args.keep, label="soak") as cluster:
        data_dir = cluster.root / "prism-data"
        with running_prism(cluster.url, data_dir, log) as server:
            reader, writer = token_for(data_dir, "demo-rep"), token_for(data_dir, "demo-admin")
            ids = asyncio.run(customer_ids(server.base, writer))
            prefix = f"soak-{uuid.uuid4().hex[:8]}"
            load = Load(server.base, reader, writer, ids, prefix, clients=args.clients)
            print(f"soak: {args.clients} clients for {args.seconds:.0f} s, server pid {server.pid}")

            async def run() -> tuple[list[Sample], Counter[str]]:
                samples = await soak(server.pid, load, args.seconds, args.interval)
                return samples, await markers_in_database(cluster.url, prefix)

            samples, found = asyncio.run(run())

    total = len(load.answers)
    errors = Counter(a.code for a in load.answers if a.code != "OK")
    duration = samples[-1].at
    start, first, end = samples[0], samples[1] if len(samples) > 2 else samples[0], samples[-1]
    acked = {w.marker for w in load.writes if w.acked}
    missing = acked - set(found)
    twice = [m for m, n in found.items() if n > 1]
    reads = sum(1 for a in load.answers if a.kind == "read")
    print(
        f"\n{total} requests in {duration:.0f} s ({total / duration:.1f}/s): {reads} reads, "
        f"{total - reads} writes; errors: {dict(errors) or 'none'}"
    )
    print(
        f"RSS: {start.rss_kib / 1024:.1f} MiB before the load, {first.rss_kib / 1024:.1f} MiB "
        f"after the first interval, {end.rss_kib / 1024:.1f} MiB at the end "
        f"(peak {end.hwm_kib / 1024:.1f} MiB); growth after the first interval "
        f"{(end.rss_kib - first.rss_kib) / 1024:+.1f} MiB"
    )
    print(
        f"writes: {len(acked)} acknowledged, {len(acked & set(found))} in the database, "
        f"{len(twice)} more than once; server log: {log}"
    )
    failed = bool(errors or missing or twice)
    print("\nFAILED" if failed else "\nPASSED: no errors, every acknowledged write kept")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
