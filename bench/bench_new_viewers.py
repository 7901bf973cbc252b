"""A viewer's first request against their repeats, and (with `--against REF`) against Prism at
another commit, side by side in one run.

    .venv/bin/python bench/bench_new_viewers.py [--viewers 120] [--against HEAD~1]

Real deployments have many viewers who each ask a few things: a sales rep opens the app, a
dealer loads a page. A viewer's first request is the one a plan cache keyed per viewer cannot
help: it pays for parsing, validation, planning and compiling, then PostgreSQL prepares and
plans the new statement text. Each of `--viewers` sales reps and partner users of the bench
world asks the same page once ("first") and again ("repeat"), alternating between the servers
so machine noise hits both. Printed: the median latency of each, per server, and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_url,
    ensure_database,
    free_port,
    prism_env,
    seed_bench,
    spawn_server,
    token_for,
    uvicorn_cmd,
)

PAGE = """
query Start {
  viewer { role user { displayName } }
  customers(first: 20) {
    totalCount
    nodes { id name region tier status owner { displayName }
            opportunities(first: 3) { totalCount nodes { name stage } } }
  }
}"""


async def viewers(count: int) -> list[str]:
    """Active sales reps and partner users of the bench world, taken in turn."""
    conn = await asyncpg.connect(bench_url())
    try:
        rows = await conn.fetch(
            """SELECT external_id, role FROM app_user
               WHERE active AND role IN ('SALES_REP', 'PARTNER_USER') ORDER BY id"""
        )
    finally:
        await conn.close()
    reps = [r["external_id"] for r in rows if r["role"] == "SALES_REP"]
    dealers = [r["external_id"] for r in rows if r["role"] == "PARTNER_USER"]
    mixed = [v for pair in zip(reps, dealers, strict=False) for v in pair]
    return mixed[:count]


@contextmanager
def server(tree: Path, data_dir: Path) -> Iterator[str]:
    """uvicorn serving the Prism in `tree` (one process, job worker off)."""
    port = free_port()
    env = prism_env(data_dir) | {"PRISM_WORKER": "off", "PYTHONPATH": str(tree)}
    with spawn_server(
        uvicorn_cmd("prism.asgi:app", port), env, f"http://127.0.0.1:{port}/readyz", cwd=tree
    ):
        yield f"http://127.0.0.1:{port}/graphql"


def worktree(ref: str) -> Path:
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"prism-at-{sha}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    return tree


async def ask(client: httpx.AsyncClient, url: str, token: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = await client.post(
        url, json={"query": PAGE}, headers={"authorization": f"Bearer {token}"}
    )
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return elapsed, body["data"]


async def run(urls: dict[str, str], tokens: list[str]) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {n: {"first": [], "repeat": []} for n in urls}
    names = list(urls)
    async with httpx.AsyncClient(timeout=60) as client:
        for n, token in enumerate(tokens):
            order = names if n % 2 == 0 else names[::-1]
            answers = []
            for phase in ("first", "repeat"):
                for name in order:
                    elapsed, data = await ask(client, urls[name], token)
                    times[name][phase].append(elapsed)
                    answers.append(data)
            assert all(a == answers[0] for a in answers), "the servers answered differently"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=120)
    parser.add_argument("--against", help="a git ref to run beside the working tree")
    args = parser.parse_args()
    if not ensure_database():
        print(f"seeding the bench world… {seed_bench():.0f} s")
    subs = asyncio.run(viewers(args.viewers))
    trees = {"this tree": ROOT}
    if args.against:
        trees[args.against] = worktree(args.against)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        data_dir = Path(tmp)
        urls = {name: stack.enter_context(server(tree, data_dir)) for name, tree in trees.items()}
        tokens = [token_for(data_dir, sub) for sub in subs]
        times = asyncio.run(run(urls, tokens))
    print(f"{len(subs)} viewers (sales reps and partner users), each asking one page twice")
    medians = {}
    for name, phases in times.items():
        first, repeat = (statistics.median(phases[p]) for p in ("first", "repeat"))
        medians[name] = first
        print(
            f"  {name:>12}: first {first:6.2f} ms  repeat {repeat:6.2f} ms"
            f"  first ÷ repeat {first / repeat:4.2f}"
        )
    if args.against:
        ratio = medians["this tree"] / medians[args.against]
        print(f"  first request, this tree ÷ {args.against}: {ratio:4.2f}")


if __name__ == "__main__":
    main()
