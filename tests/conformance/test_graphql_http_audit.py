"""The graphql-http audit suite (GraphQL over HTTP spec conformance) against a live server.

Prism runs under uvicorn on a free local port, on the test database, signing its own tokens
with a key in a temporary data dir; the audits run in Node with an admin's token on every
request. Every MUST audit has to pass; the terminal summary ("graphql-http audit") counts them all
and lists each one not met, SHOULD and MAY ones included, which do not fail the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from tests import factories as f
from tests.conformance.conftest import AUDIT_RESULTS
from tests.conformance.node_audit import NodeMissing, ensure_installed, run_audits
from tests.conftest import ROOT

AUDIT_SUB = "conformance-audit-admin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode} before serving")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Prism did not become ready at {base} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit-data")


@pytest.fixture(scope="module")
def live_server(database_url: str, data_dir: Path) -> Iterator[str]:
    """uvicorn serving prism.asgi:app; only our PRISM_* settings reach it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRISM_")}
    env |= {"PRISM_DATABASE_URL": database_url, "PRISM_DATA_DIR": str(data_dir), "PRISM_ENV": "dev"}
    command = [sys.executable, "-m", "uvicorn", "prism.asgi:app", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server)
        yield f"{base}/graphql"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
async def admin_token(db: AsyncEngine, data_dir: Path) -> str:
    """A token the live server accepts, for an admin (whose schema has mutations too)."""
    await f.user(db, "ADMIN", external_id=AUDIT_SUB)
    return issue_dev_token(load_or_create_dev_key(data_dir), AUDIT_SUB, "prism")


def test_every_must_audit_passes(
    live_server: str, admin_token: str, request: pytest.FixtureRequest
) -> None:
    try:
        ensure_installed()
        results = run_audits(live_server, admin_token)
    except NodeMissing as missing:
        pytest.fail(str(missing))
    assert len(results) > 20, results
    request.config.stash[AUDIT_RESULTS] = results
    failed = [r for r in results if r["status"] == "error"]
    assert not failed, "MUST audits failed:\n" + "\n".join(
        f"{r['id']} {r['name']}: {r['reason']}\n    response: {r['response']}" for r in failed
    )
