"""Run graphql-http's server audits with the machine's Node against a live Prism."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PINNED = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]


class NodeMissing(RuntimeError):
    """Node or npm is not installed: the audit cannot run, and that is a failure, not a skip."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NodeMissing(
            f"`{name}` is not on PATH: the graphql-http audit needs Node.js ≥ 18 with npm "
            "(install it, e.g. `apt-get install nodejs npm`)"
        )
    return found


def _installed_version(package: str) -> str | None:
    manifest = HERE / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def ensure_installed() -> None:
    """Install the locked packages into tests/conformance/node_modules unless they are there."""
    if all(_installed_version(name) == version for name, version in PINNED.items()):
        return
    subprocess.run(
        [_tool("npm"), "ci", "--prefix", str(HERE), "--no-audit", "--no-fund"],
        check=True,
        timeout=300,
    )


def run_audits(url: str, token: str) -> list[dict[str, Any]]:
    """Every audit's result: `id`, `name`, `status` (ok|notice|warn|error), `reason`, `response`."""
    node = _tool("node")
    env = {**os.environ, "PRISM_AUDIT_URL": url, "PRISM_AUDIT_TOKEN": token}
    done = subprocess.run(
        [node, str(HERE / "audit.mjs")],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if done.returncode != 0:
        raise RuntimeError(f"audit.mjs failed ({done.returncode}):\n{done.stderr}")
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results
