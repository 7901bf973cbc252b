"""`prism serve` on the embedded PostgreSQL, as a new user runs it: the smoke test of the
embedded server (its version, its contrib extensions, a real query over HTTP), "up" only once the
port answers, and no PostgreSQL left behind after a normal stop or a failed start."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from prism.embedded import SUPPORTED_MAJORS
from tests.processes import Served, alive, assert_one_line_failure, free_port, postmaster_pid, prism

MIGRATED_BY_A_NEWER_PRISM = """
import asyncio, sys
from pathlib import Path
import asyncpg
from prism.embedded import embedded_url

data_dir = Path(sys.argv[1])
embedded_url(data_dir)  # started here, stopped when this script exits


async def main() -> None:
    conn = await asyncpg.connect(host=str(data_dir / "pg"), user="postgres", database="prism")
    await conn.execute("UPDATE alembic_version SET version_num = 'f00'")
    await conn.close()

asyncio.run(main())
"""


@pytest.fixture
def served(data_dir: Path) -> Iterator[tuple[Served, int, Path]]:
    port = free_port()
    server = Served(data_dir, port)
    try:
        yield server, port, data_dir
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def banner_token(lines: list[str], role: str) -> str:
    row = next(line for line in lines if line.strip().startswith(role + " "))
    return row.split()[-1]


async def embedded_facts(data_dir: Path) -> tuple[int, set[str]]:
    conn = await asyncpg.connect(host=str((data_dir / "pg").resolve()), user="postgres")
    try:
        version = int(await conn.fetchval("SHOW server_version_num"))
        rows = await conn.fetch("SELECT name FROM pg_available_extensions")
    finally:
        await conn.close()
    return version // 10000, {row["name"] for row in rows}


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serve_on_the_embedded_database_answers_then_stops_it(
    served: tuple[Served, int, Path], stop_with: signal.Signals
) -> None:
    server, port, data_dir = served
    lines = server.until("ANALYST")
    up = next(line for line in lines if "Prism is up" in line)
    assert f":{port}/graphql" in up
    # "up" comes after the server answered its own health check, never before.
    assert any("GET /healthz" in line for line in lines[: lines.index(up)])
    major, extensions = asyncio.run(embedded_facts(data_dir))
    assert major in SUPPORTED_MAJORS
    assert {"pg_trgm", "btree_gist", "pg_stat_statements"} <= extensions
    body = {"query": "{ viewer { role } customers(first: 1) { totalCount } }"}
    headers = {"authorization": f"Bearer {banner_token(lines, 'SALES_REP')}"}
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json=body, headers=headers)
    data = response.json()["data"]
    assert data["viewer"]["role"] == "SALES_REP"
    assert data["customers"]["totalCount"] > 0
    pid = postmaster_pid(data_dir)
    assert pid is not None
    assert alive(pid)
    assert server.stop(stop_with) in (0, 130)
    assert not alive(pid)


def test_a_port_in_use_is_one_line_and_starts_no_database(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = prism("serve", "--port", str(port), data_dir=data_dir)
    assert_one_line_failure(result, f"port {port}", "in use")
    assert not (data_dir / "pg").exists()


def test_a_failed_start_is_one_line_and_leaves_no_database_running(data_dir: Path) -> None:
    """A database migrated by a newer Prism: serve fails after the embedded server started."""
    first = prism("migrate", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    done = subprocess.run(
        [sys.executable, "-c", MIGRATED_BY_A_NEWER_PRISM, str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = prism("serve", "--port", str(free_port()), data_dir=data_dir)
    assert_one_line_failure(result, "cannot migrate the database", "'f00'")
    assert "RuntimeDirWarning" not in result.stderr
    assert postmaster_pid(data_dir) is None


def test_a_user_that_was_killed_does_not_keep_the_database_running(data_dir: Path) -> None:
    first = prism("migrate", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    gone = subprocess.Popen(["true"])
    gone.wait()
    (data_dir / "pg" / ".handle_pids.json").write_text(f"[{gone.pid}]")
    migrated = prism("migrate", data_dir=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    assert postmaster_pid(data_dir) is None


def test_a_data_folder_of_another_postgresql_major_is_one_line(data_dir: Path) -> None:
    (data_dir / "pg").mkdir()
    (data_dir / "pg" / "PG_VERSION").write_text("16\n")
    result = prism("migrate", data_dir=data_dir)
    assert_one_line_failure(result, "PostgreSQL 16", "move that folder away")
