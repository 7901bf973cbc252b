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
def spawn_server(
    cmd: list[str],
    env: dict[str, str],
    ready_url: str,
    *,
    ready_body: dict[str, object] | None = None,
    timeout: float = 90,
    cwd: Path = ROOT,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until `ready_url` answers 200 (to a GET, or to a POST of
    `ready_body`), stop it on exit."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode} before it was ready")
            try:
                if ready_body is None:
                    response = httpx.get(ready_url, timeout=1)
                else:
                    response = httpx.post(ready_url, json=ready_body, timeout=1)
                if response.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"server did not become ready: {' '.join(cmd)}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def prism_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "PRISM_DATABASE_URL": database_url or bench_url(),
        "PRISM_DATA_DIR": str(data_dir),
        "PRISM_ENV": "dev",
        # Benchmarks measure speed, not the per-viewer budget.
        "PRISM_RATE_LIMIT_PER_MINUTE": "1000000000",
    }


def uvicorn_cmd(app: str, port: int, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


@contextmanager
def live_prism(
    data_dir: Path, workers: int = 1, database_url: str | None = None, *, worker: bool = False
) -> Iterator[tuple[str, int]]:
    """Run `uvicorn prism.asgi:app` against the bench database; yield (base URL, pid).

    Its job worker is off unless asked for: on the bench world (seeded as of 2026-11-01, read
    by the system clock) it would escalate every overdue ticket in the background, writing
    into the world being measured and spending the server's CPU beside the requests."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = uvicorn_cmd("prism.asgi:app", port, workers)
    env = prism_env(data_dir, database_url) | {"PRISM_WORKER": "on" if worker else "off"}
    with spawn_server(cmd, env, f"{base}/readyz") as proc:
        yield base, proc.pid


@contextmanager
def live_server(data_dir: Path, workers: int = 1) -> Iterator[str]:
    """Run `uvicorn prism.asgi:app` against the bench database; yield its base URL."""
    with live_prism(data_dir, workers) as (base, _pid):
        yield base


def token_for(data_dir: Path, sub: str) -> str:
    from authn.devkeys import issue_dev_token, load_or_create_dev_key

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
