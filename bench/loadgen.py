"""Load from a separate process (wrk), and what it costs the server: CPU, peak RSS, DB CPU.

wrk runs for a fixed time against 127.0.0.1 only; a Lua script sets the POST body and headers,
counts any answer that is not 200 or carries GraphQL `errors`, and prints one result line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

_LUA = """
wrk.method = "POST"
wrk.path = [==[{path}]==]
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
{auth}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "WRK-RESULT requests=%.0f duration_us=%.0f bad=%.0f errors=%.0f timeouts=%.0f " ..
    "p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f\\n",
    summary.requests, summary.duration, b, e.connect + e.read + e.write + e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    bad: int  # non-200 or GraphQL errors
    errors: int  # socket errors and timeouts
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    base: str,
    path: str,
    body: str,
    authorization: str | None,
    *,
    clients: int,
    seconds: float,
    timeout_s: int = 10,
) -> WrkResult:
    """One bounded wrk run: `clients` connections for `seconds`, against `base` (127.0.0.1)."""
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError("load is only ever sent to 127.0.0.1")
    for text in (path, body, authorization or ""):
        if "]==]" in text:
            raise ValueError("request text collides with the Lua string delimiter")
    auth = f'wrk.headers["Authorization"] = [==[{authorization}]==]' if authorization else ""
    script = _LUA.format(path=path, body=body, auth=auth)
    threads = max(1, min(clients, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={timeout_s}s",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + timeout_s + 30,
            check=True,
        ).stdout
    finally:
        Path(handle.name).unlink(missing_ok=True)
    match = re.search(r"^WRK-RESULT (.*)$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    v = {k: float(x) for k, x in (pair.split("=") for pair in match.group(1).split())}
    return WrkResult(
        requests=int(v["requests"]),
        seconds=v["duration_us"] / 1e6,
        bad=int(v["bad"]),
        errors=int(v["errors"] + v["timeouts"]),
        p50_ms=v["p50_us"] / 1000,
        p90_ms=v["p90_us"] / 1000,
        p99_ms=v["p99_us"] / 1000,
        max_ms=v["max_us"] / 1000,
    )


# -- the server process ----------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn with several workers, node's helpers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a server process tree so far."""
    return sum(_cpu_of(p) for p in _tree(pid))


def reset_peak_rss(pid: int) -> bool:
    """Restart the peak-RSS high-water mark (Linux `clear_refs` 5); False if not allowed."""
    ok = True
    for p in _tree(pid):
        try:
            Path(f"/proc/{p}/clear_refs").write_text("5")
        except OSError:
            ok = False
    return ok


def peak_rss_mib(pid: int) -> float:
    """Sum of VmHWM over the process tree, in MiB."""
    total = 0
    for p in _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total / 1024


def _cpu_by_pid(pids: list[int]) -> dict[int, float] | None:
    if any(not Path(f"/proc/{pid}/stat").exists() for pid in pids):
        return None
    return {pid: _cpu_of(pid) for pid in pids}


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving the bench database (not our own connection).

    Only one server is under load at a time, so their sum over a run is that server's DB cost.
    Unavailable (None) when the backends' /proc entries cannot be read (PostgreSQL elsewhere).
    """

    def __init__(self, conn: asyncpg.Connection, database: str) -> None:
        self.conn, self.database = conn, database

    async def snapshot(self) -> dict[int, float] | None:
        pids = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'",
            self.database,
        )
        return _cpu_by_pid([row["pid"] for row in pids])

    @staticmethod
    def spent(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        if before is None or after is None:
            return None
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
