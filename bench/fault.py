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
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, free_port, prism_env, token_for, uvicorn_cmd  # noqa: E402

PG_BIN = Path(os.environ.get("PRISM_PG_BIN", "/usr/lib/postgresql/15/bin"))
RESULTS = ROOT / "bench" / "results"
RECOVERY_TARGET_S = 5.0

READ_QUERY = """
query Page { customers(first: 20) { totalCount nodes { id name status owner { displayName } } } }
"""
WRITE_MUTATION = """
mutation Log($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id summary } userErrors { field code message } }
}
"""
CUSTOMER_IDS_QUERY = "query Ids { customers(first: 50) { nodes { id } } }"


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


# --- load ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    kind: str  # "read" or "write"
    sent: float  # time.monotonic()
    received: float
    status: int | None  # None: no HTTP answer at all
    code: str  # "OK", a GraphQL error code, "USER_ERROR:<code>", "HTTP <status>" or "TRANSPORT:<error>"


@dataclass
class Write:
    marker: str
    customer_id: str
    acked: bool = False
    acked_on_retry: bool = False
    interaction_id: str | None = None

    def body(self) -> dict[str, Any]:
        fields = {"channel": "PHONE", "direction": "OUTBOUND", "summary": self.marker}
        variables = {"input": {**fields, "customerId": self.customer_id}}
        return {"query": WRITE_MUTATION, "variables": variables}


def classify(kind: str, response: httpx.Response) -> tuple[str, str | None]:
    """The answer's outcome code and, for an acknowledged write, the interaction id."""
    try:
        payload = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", None
    if not isinstance(payload, dict):
        return f"HTTP {response.status_code}", None
    errors = payload.get("errors") or []
    if errors:
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
        return "+".join(codes), None
    if response.status_code != 200:
        return f"HTTP {response.status_code}", None
    if kind == "write":
        result = (payload.get("data") or {}).get("logInteraction") or {}
        user_errors = result.get("userErrors") or []
        if user_errors:
            return "USER_ERROR:" + "+".join(sorted({e["code"] for e in user_errors})), None
        interaction = result.get("interaction") or {}
        if not interaction.get("id"):
            return "NO_ID", None
        return "OK", str(interaction["id"])
    return "OK", None


@dataclass
class Load:
    """`clients` concurrent loops against one Prism: two reads, then one write, and again."""

    base: str
    reader_token: str
    writer_token: str
    customer_ids: list[str]
    marker_prefix: str
    clients: int = 4
    timeout_s: float = 15.0
    answers: list[Answer] = field(default_factory=list, init=False)
    writes: list[Write] = field(default_factory=list, init=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        if not self.base.startswith("http://127.0.0.1:"):
            raise ValueError("load is only ever sent to 127.0.0.1")
        limits = httpx.Limits(max_connections=self.clients)
        async with httpx.AsyncClient(timeout=self.timeout_s, limits=limits) as client:
            await asyncio.gather(*(self._loop(client, n) for n in range(self.clients)))

    async def _loop(self, client: httpx.AsyncClient, n: int) -> None:
        i = 0
        while not self._stop.is_set():
            if i % 3 == 2:
                customer = self.customer_ids[(n + i) % len(self.customer_ids)]
                write = Write(f"{self.marker_prefix}-{n}-{i}", customer)
                self.writes.append(write)
                await self.send_write(client, write)
            else:
                await self._send(client, "read", {"query": READ_QUERY}, self.reader_token)
            i += 1

    async def send_write(self, client: httpx.AsyncClient, write: Write) -> bool:
        headers = {"idempotency-key": write.marker}
        answer, interaction_id = await self._send(
            client, "write", write.body(), self.writer_token, headers
        )
        if answer.code == "OK":
            write.acked, write.interaction_id = True, interaction_id
        return write.acked

    async def _send(
        self,
        client: httpx.AsyncClient,
        kind: str,
        body: dict[str, Any],
        token: str,
        extra: dict[str, str] | None = None,
    ) -> tuple[Answer, str | None]:
        headers = {"authorization": f"Bearer {token}", **(extra or {})}
        sent = time.monotonic()
        try:
            response = await client.post(f"{self.base}/graphql", json=body, headers=headers)
            code, interaction_id = classify(kind, response)
            status: int | None = response.status_code
        except httpx.HTTPError as exc:
            code, interaction_id, status = f"TRANSPORT:{type(exc).__name__}", None, None
        answer = Answer(kind, sent, time.monotonic(), status, code)
        self.answers.append(answer)
        return answer, interaction_id


async def customer_ids(base: str, token: str) -> list[str]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": CUSTOMER_IDS_QUERY},
            headers={"authorization": f"Bearer {token}"},
        )
    response.raise_for_status()
    return [node["id"] for node in response.json()["data"]["customers"]["nodes"]]


# --- the fault scenario ----------------------------------------------------------------------


@dataclass
class Timeline:
    start: float = 0.0
    stop_issued: float = 0.0
    stop_done: float = 0.0
    start_issued: float = 0.0
    ready: float = 0.0  # pg_isready succeeded
    load_stopped: float = 0.0

    def phase(self, at: float) -> str:
        if at < self.stop_issued:
            return "before"
        if at < self.stop_done:
            return "stopping"
        if at < self.ready:
            return "down"
        return "after"


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


def _table(counts: Counter[tuple[str, str]]) -> list[str]:
    return [f"    {n:5d}  {code} ({status})" for (code, status), n in sorted(counts.items())]


def report(
    t: Timeline, load: Load, before_retry: Counter[str], retried: int, found: Counter[str]
) -> list[str]:
    """Print the results; return the failed criteria."""
    failures: list[str] = []
    by_phase: dict[str, Counter[tuple[str, str]]] = {}
    for a in load.answers:
        if a.sent >= t.load_stopped:
            continue  # the retry pass, reported below
        status = "no answer" if a.status is None else f"HTTP {a.status}"
        by_phase.setdefault(t.phase(a.received), Counter())[(a.code, status)] += 1

    print(f"\nanswers by phase (by when they were received), {load.clients} clients:")
    spans = {
        "before": (t.start, t.stop_issued),
        "stopping": (t.stop_issued, t.stop_done),
        "down": (t.stop_done, t.ready),
        "after": (t.ready, t.load_stopped),
    }
    for phase, (lo, hi) in spans.items():
        print(f"  {phase} ({hi - lo:.2f} s):")
        print("\n".join(_table(by_phase.get(phase, Counter()))) or "    (none)")

    allowed = {"before": {"OK"}, "stopping": {"OK", "UNAVAILABLE"}, "down": {"UNAVAILABLE"}}
    for phase, codes in allowed.items():
        bad = {k: n for k, n in by_phase.get(phase, Counter()).items() if k[0] not in codes}
        if bad:
            failures.append(f"{phase}: answers other than {sorted(codes)}: {bad}")
    after_bad = {
        k: n
        for k, n in by_phase.get("after", Counter()).items()
        if k[0] not in ("OK", "UNAVAILABLE")
    }
    if after_bad:
        failures.append(f"after: answers other than OK/UNAVAILABLE: {after_bad}")

    after = [a for a in load.answers if t.ready <= a.received <= t.load_stopped]
    first_ok = min((a.received for a in after if a.code == "OK"), default=None)
    last_bad = max((a.received for a in after if a.code != "OK"), default=None)
    if first_ok is None:
        failures.append("no successful answer after PostgreSQL came back")
        print("\nrecovery: no successful answer after PostgreSQL came back")
    else:
        recovery = first_ok - t.ready
        print(f"\nrecovery: first successful answer {recovery:.2f} s after pg_isready")
        if recovery >= RECOVERY_TARGET_S:
            failures.append(f"first success {recovery:.2f} s after pg_isready (target < 5 s)")
    if last_bad is None:
        print("          no failed answer after pg_isready")
    else:
        settled = last_bad - t.ready
        print(f"          last failed answer {settled:.2f} s after pg_isready")
        if settled >= RECOVERY_TARGET_S:
            failures.append(f"failures until {settled:.2f} s after pg_isready (target < 5 s)")

    acked = {w.marker for w in load.writes if w.acked and not w.acked_on_retry}
    acked_all = {w.marker for w in load.writes if w.acked}
    unresolved = [w.marker for w in load.writes if not w.acked]
    present = set(found)
    twice = {m: n for m, n in found.items() if n > 1}
    missing = sorted(acked_all - present)
    print(
        f"\nwrites: {len(load.writes)} sent, {len(acked)} acknowledged under load, "
        f"{retried} more acknowledged on an idempotent retry afterwards, "
        f"{len(unresolved)} never acknowledged"
    )
    print(
        f"        acknowledged under load {len(acked)}, of them in the database "
        f"{len(acked & present)}; all acknowledged {len(acked_all)}, in the database "
        f"{len(acked_all & present)}; markers in the database {len(present)}, "
        f"{len(twice)} of them more than once"
    )
    if missing:
        failures.append(f"{len(missing)} acknowledged writes missing: {missing[:5]}")
    if twice:
        failures.append(f"{len(twice)} writes applied more than once: {list(twice)[:5]}")
    committed_unacked = set(before_retry) - acked
    print(
        f"        before the retry: {len(committed_unacked)} writes that were not acknowledged "
        "were in the database anyway (committed, then the answer failed; the retry replays them)"
    )
    phantom = sorted(present - acked_all)
    if phantom:
        failures.append(f"{len(phantom)} writes in the database never acknowledged: {phantom[:5]}")
    if unresolved:
        failures.append(f"{len(unresolved)} writes never acknowledged, even on retry")
    return failures


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
