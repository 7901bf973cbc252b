"""What the fault test and the soak run against: a private PostgreSQL cluster in a temp dir,
migrated and seeded with the demo world, and one Prism server on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from bench.common import ROOT, free_port, prism_env, uvicorn_cmd

PG_BIN = Path(os.environ.get("PRISM_PG_BIN", "/usr/lib/postgresql/15/bin"))


# --- a private PostgreSQL cluster ------------------------------------------------------------


class PrivateCluster:
    """A throwaway PostgreSQL cluster under `root`, listening on 127.0.0.1:`port` only.

    As root the binaries run as the `postgres` OS user (PostgreSQL refuses to run as root)."""

    def __init__(self, root: Path, port: int, database: str = "prism") -> None:
        self.root, self.port, self.database = root, port, database
        self.data = root / "pgdata"
        self.log = root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def _cmd(self, tool: str, *args: str) -> list[str]:
        cmd = [str(PG_BIN / tool), *args]
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        cmd = self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust")
        subprocess.run([*cmd, "-E", "UTF8", "--no-locale"], check=True, capture_output=True)

    def start_cmd(self, *, wait: bool) -> list[str]:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        args = ["-D", str(self.data), "-l", str(self.log), "-o", options]
        return self._cmd("pg_ctl", *args, "-w" if wait else "-W", "start")

    def stop_cmd(self, mode: str = "fast") -> list[str]:
        return self._cmd("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def ready_cmd(self) -> list[str]:
        return [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]

    def start(self) -> None:
        subprocess.run(self.start_cmd(wait=True), check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self.stop_cmd(mode), check=False, capture_output=True)

    def create_database(self) -> None:
        async def create() -> None:
            conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")
            try:
                await conn.execute(f"CREATE DATABASE {self.database}")
            finally:
                await conn.close()

        asyncio.run(create())


@contextlib.contextmanager
def private_cluster(*, keep: bool = False, label: str = "fault") -> Iterator[PrivateCluster]:
    """A fresh cluster with a migrated database holding the demo world; removed afterwards."""
    from persistence.migrate import upgrade
    from persistence.seed import seed

    root = Path(tempfile.mkdtemp(prefix=f"prism-{label}-"))
    cluster = PrivateCluster(root, free_port())
    try:
        started = time.perf_counter()
        cluster.initdb()
        cluster.start()
        cluster.create_database()
        upgrade(cluster.url)
        asyncio.run(seed(cluster.url, "demo", progress=False))
        took = time.perf_counter() - started
        print(f"private cluster at 127.0.0.1:{cluster.port} ({root}), demo world in {took:.1f} s")
        yield cluster
    finally:
        cluster.stop("immediate")
        if keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


# --- the Prism server ------------------------------------------------------------------------


@dataclass(frozen=True)
class PrismServer:
    base: str
    pid: int
    data_dir: Path
    log: Path


@contextlib.contextmanager
def running_prism(database_url: str, data_dir: Path, log: Path) -> Iterator[PrismServer]:
    """`uvicorn prism.asgi:app` as in bench/common.live_prism, its output going to `log`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        env = prism_env(data_dir, database_url)
        env.pop("PRISM_REDIS_URL", None)  # the rate limiter uses the private cluster too
        cmd = uvicorn_cmd("prism.asgi:app", port)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"Prism exited with {proc.returncode}; see {log}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                if time.time() > deadline:
                    raise RuntimeError(f"Prism did not become ready; see {log}")
                time.sleep(0.2)
            yield PrismServer(base, proc.pid, data_dir, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB, from /proc/<pid>/status."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0])
    return out
