"""Shared set-up for benchmarks: a bench database, a live server process, tokens, timing."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("PRISM_BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("PRISM_BENCH_DB", "prism_bench")


def bench_url() -> str:
    return SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"


async def _create_database() -> None:
    conn = await asyncpg.connect(SERVER)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()


async def _has_bench_world() -> bool:
    conn = await asyncpg.connect(bench_url())
    try:
        return bool(await conn.fetchval("SELECT count(*) >= 50000 FROM customer"))
    finally:
        await conn.close()


def ensure_database() -> bool:
    """Create and migrate the bench database if needed; True when it holds the bench world."""
    from persistence.migrate import upgrade

    asyncio.run(_create_database())
    upgrade(bench_url())
    return asyncio.run(_has_bench_world())


def seed_bench(seed: int = 1) -> float:
    from persistence.seed import seed as run_seed

    started = time.perf_counter()
    asyncio.run(run_seed(bench_url(), "bench", seed))
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(data_dir: Path, workers: int = 1) -> Iterator[str]:
    """Run `uvicorn prism.asgi:app` against the bench database; yield its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PRISM_DATABASE_URL": bench_url(),
        "PRISM_DATA_DIR": str(data_dir),
        "PRISM_ENV": "dev",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "prism.asgi:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not become ready")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def token_for(data_dir: Path, sub: str) -> str:
    from authz.devkeys import issue_dev_token, load_or_create_dev_key

    return issue_dev_token(load_or_create_dev_key(data_dir), sub, "prism")


async def timed(call: Callable[[], Awaitable[None]], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return (
        f"median {statistics.median(ordered):7.2f} ms  p90 {p(0.9):7.2f} ms  "
        f"p99 {p(0.99):7.2f} ms  (n={len(ordered)})"
    )
