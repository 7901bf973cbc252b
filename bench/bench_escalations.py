"""Escalation timers under two server processes: how late does each one fire, and does any
fire twice? (CONTRACT §7: every timer fires once, within 10 s of its due time.)

On a fresh database (`prism_bench_escalations`, dropped and created again): an admin, a service
agent and one customer; URGENT tickets due for first response and for resolution 1 minute after
they are created, on the ALWAYS (24×7) calendar. Two `uvicorn prism.asgi:app` processes with
their job workers on (`PRISM_WORKER=on`, as `prism serve` runs them) take the creates (half
each), then both workers race for the 2 × N timers. Lag = `ticket_escalation.escalated_at`
(the worker's clock when it escalated) − `due_at`; the TicketEvent ESCALATED rows, the
ESCALATION tasks and the `ticket.escalated` events must each number exactly 2 × N.

    .venv/bin/python bench/bench_escalations.py              # 1,000 tickets, ~2.5 min
    .venv/bin/python bench/bench_escalations.py --tickets 200 --no-readme
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SERVER, free_port, prism_env, spawn_server, token_for, uvicorn_cmd

DATABASE = "prism_bench_escalations"
URL = SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"
ASYNCPG_URL = URL.replace("postgresql+asyncpg://", "postgresql://")
CREATE = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { id } userErrors { field message } } }"""
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- escalations:begin -->", "<!-- escalations:end -->"


async def fresh_database() -> None:
    conn = await asyncpg.connect(SERVER.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()


async def world() -> int:
    """The people and the customer; URGENT targets of 1 minute, 24×7. The customer's id."""
    conn = await asyncpg.connect(ASYNCPG_URL)
    try:
        await conn.execute(
            "INSERT INTO app_user (external_id, display_name, role) VALUES"
            " ('bench-admin', '管理员', 'ADMIN'), ('bench-agent', '客服', 'SERVICE_AGENT')"
        )
        await conn.execute(
            "UPDATE sla_policy SET first_response_minutes = 1, resolution_minutes = 1,"
            " calendar = 'ALWAYS' WHERE priority = 'URGENT'"
        )
        return int(
            await conn.fetchval(
                "INSERT INTO customer (name, region) VALUES ('上海泵业有限公司', 'EAST') RETURNING id"
            )
        )
    finally:
        await conn.close()


async def create_tickets(bases: list[str], token: str, customer_gid: str, count: int) -> float:
    """`count` createTicket calls, alternating between the servers, 16 at a time; seconds."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)
    headers = {"authorization": f"Bearer {token}"}

    async def client(slot: int) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            while not queue.empty():
                n = queue.get_nowait()
                variables = {
                    "input": {
                        "customerId": customer_gid,
                        "subject": f"泵 {n} 漏水",
                        "kind": "REPAIR",
                        "priority": "URGENT",
                    }
                }
                # A dropped keep-alive connection is retried; the Idempotency-Key makes the
                # retry return the first result instead of a second ticket.
                for attempt in range(5):
                    try:
                        response = await http.post(
                            f"{bases[n % len(bases)]}/graphql",
                            json={"query": CREATE, "variables": variables},
                            headers=headers | {"idempotency-key": f"bench-{n}"},
                        )
                        break
                    except httpx.TransportError:
                        if attempt == 4:
                            raise
                        await asyncio.sleep(0.5)
                body = response.json()
                payload = body.get("data", {}).get("createTicket") or {}
                if response.status_code != 200 or payload.get("userErrors") != []:
                    raise RuntimeError(f"createTicket failed: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(16)))
    return time.perf_counter() - started


async def wait_for(expected: int, limit_seconds: float) -> int:
    conn = await asyncpg.connect(ASYNCPG_URL)
    try:
        deadline = time.monotonic() + limit_seconds
        while True:
            done = int(await conn.fetchval("SELECT count(*) FROM ticket_escalation"))
            if done >= expected or time.monotonic() > deadline:
                return done
            await asyncio.sleep(1)
    finally:
        await conn.close()


async def measure() -> dict[str, object]:
    conn = await asyncpg.connect(ASYNCPG_URL)
    try:
        lags = [
            float(r["lag"])
            for r in await conn.fetch(
                "SELECT extract(epoch FROM escalated_at - due_at) AS lag FROM ticket_escalation"
            )
        ]
        counts = {
            "escalations": "SELECT count(*) FROM ticket_escalation",
            "timeline events": "SELECT count(*) FROM ticket_event WHERE kind = 'ESCALATED'",
            "tasks": "SELECT count(*) FROM task WHERE kind = 'ESCALATION'",
            "ticket.escalated events": (
                "SELECT count(*) FROM outbox_event WHERE type = 'ticket.escalated'"
            ),
            "tickets escalated other than twice": (
                "SELECT count(*) FROM (SELECT ticket_id FROM ticket_event"
                " WHERE kind = 'ESCALATED' GROUP BY ticket_id HAVING count(*) <> 2) AS x"
            ),
            "tickets not at level 2": "SELECT count(*) FROM ticket WHERE escalation_level <> 2",
            "timer jobs run more than once": (
                "SELECT count(*) FROM job WHERE kind = 'ticket.escalate' AND attempts <> 1"
            ),
        }
        found = {name: int(await conn.fetchval(sql)) for name, sql in counts.items()}
    finally:
        await conn.close()
    return {"lags": lags, **found}


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(tickets: int, create_seconds: float, result: dict[str, object]) -> str:
    lags = sorted(result["lags"])  # type: ignore[arg-type]
    late = sum(1 for lag in lags if lag > 10)
    lines = [
        f"{tickets} URGENT tickets (1-minute response and resolution targets, ALWAYS calendar)"
        f" created through 2 server processes in {create_seconds:.1f} s; both processes' workers"
        f" fire the {2 * tickets} timers.",
        "",
        "| lag (escalated − due) | p50 | p90 | p99 | max | > 10 s |",
        "|---|---|---|---|---|---|",
        f"| {len(lags)} escalations | {statistics.median(lags):.2f} s"
        f" | {percentile(lags, 0.9):.2f} s | {percentile(lags, 0.99):.2f} s | {lags[-1]:.2f} s"
        f" | {late} |",
        "",
        "| count | found | expected |",
        "|---|---|---|",
    ]
    expected = {
        "escalations": 2 * tickets,
        "timeline events": 2 * tickets,
        "tasks": 2 * tickets,
        "ticket.escalated events": 2 * tickets,
        "tickets escalated other than twice": 0,
        "tickets not at level 2": 0,
        "timer jobs run more than once": 0,
    }
    for name, want in expected.items():
        lines.append(f"| {name} | {result[name]} | {want} |")
    return "\n".join(lines)


def update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    section = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in readme:
        readme = re.sub(f"{BEGIN}.*?{END}", section, readme, flags=re.S)
    else:
        readme += (
            "\n## Escalation timers: two processes, 1-minute targets\n\n"
            "```sh\n.venv/bin/python bench/bench_escalations.py   # ~2.5 min, updates this file\n```\n\n"
            "`bench/bench_escalations.py` (a fresh database, not the bench world) creates the tickets"
            " through two `uvicorn prism.asgi:app` processes with `PRISM_WORKER=on`; lag is"
            " `ticket_escalation.escalated_at − due_at` by the workers' system clock.\n\n"
            f"{section}\n"
        )
    README.write_text(readme, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    from persistence.migrate import upgrade
    from schema.ids import encode_id

    asyncio.run(fresh_database())
    upgrade(URL)
    customer = asyncio.run(world())
    with tempfile.TemporaryDirectory(prefix="prism-bench-esc-") as tmp:
        data_dir = Path(tmp)
        env = prism_env(data_dir, URL) | {"PRISM_WORKER": "on"}
        ports = [free_port(), free_port()]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        with (
            spawn_server(uvicorn_cmd("prism.asgi:app", ports[0]), env, f"{bases[0]}/readyz"),
            spawn_server(uvicorn_cmd("prism.asgi:app", ports[1]), env, f"{bases[1]}/readyz"),
        ):
            token = token_for(data_dir, "bench-agent")
            gid = encode_id("Customer", customer)
            seconds = asyncio.run(create_tickets(bases, token, gid, args.tickets))
            print(f"created {args.tickets} tickets in {seconds:.1f} s; waiting for the timers")
            done = asyncio.run(wait_for(2 * args.tickets, limit_seconds=90 + seconds))
            time.sleep(3)  # anything firing twice would show now
            result = asyncio.run(measure())
    text = report(args.tickets, seconds, result)
    print(text)
    if done < 2 * args.tickets:
        print(f"ONLY {done} of {2 * args.tickets} escalations happened", file=sys.stderr)
    if not args.no_readme:
        update_readme(text)


if __name__ == "__main__":
    main()
