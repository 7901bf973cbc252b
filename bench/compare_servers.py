"""The three servers `run_workloads.py` compares: Prism, the floor and PostGraphile (installed
under bench/ on demand), started side by side against one database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from bench.common import ROOT, free_port, live_prism, spawn_server, uvicorn_cmd

BENCH = ROOT / "bench"
NODE = BENCH / "node_modules" / "node" / "bin" / "node"
POSTGRAPHILE_CLI = BENCH / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
POSTGRAPHILE_CONFIG = BENCH / "postgraphile" / "graphile.config.mjs"
TIMELINE_SQL = BENCH / "postgraphile" / "timeline.sql"


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
