"""A 100-row `customers` page as PARTNER_USER against the same page as ADMIN, side by side.

    .venv/bin/python bench/bench_slices.py [--runs 200]

Both run against one live server on the bench world, interleaved, so machine noise hits both.
The ratio is partner median ÷ admin median (target: within 1.2×).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_url,
    ensure_database,
    live_server,
    seed_bench,
    summary,
    timed,
    token_for,
)

PAGE = """
query Page($after: String) {
  customers(first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name region tier status owner { displayName } partner { name }
            opportunities(first: 5) { totalCount } }
  }
}"""


async def subjects() -> tuple[str, str, int]:
    """An admin, and the partner user whose partner has the most customers."""
    conn = await asyncpg.connect(bench_url())
    try:
        admin = await conn.fetchval("SELECT external_id FROM app_user WHERE role = 'ADMIN' LIMIT 1")
        row = await conn.fetchrow(
            """SELECT u.external_id, count(c.id) AS n FROM app_user u
               JOIN customer c ON c.partner_id = u.partner_id
               WHERE u.role = 'PARTNER_USER' AND u.active
               GROUP BY u.external_id ORDER BY n DESC LIMIT 1"""
        )
        return str(admin), str(row["external_id"]), int(row["n"])
    finally:
        await conn.close()


async def run(base: str, data_dir: Path, runs: int) -> None:
    admin_sub, partner_sub, partner_rows = await subjects()
    tokens = {
        "ADMIN": token_for(data_dir, admin_sub),
        "PARTNER_USER": token_for(data_dir, partner_sub),
    }
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def page(role: str) -> None:
            response = await client.post(
                "/graphql",
                json={"query": PAGE},
                headers={"authorization": f"Bearer {tokens[role]}"},
            )
            body = response.json()
            assert "errors" not in body and len(body["data"]["customers"]["nodes"]) == 100, body

        for role in tokens:
            await timed(lambda role=role: page(role), 10)
        samples: dict[str, list[float]] = {role: [] for role in tokens}
        for _ in range(runs // 10):
            for role in tokens:
                samples[role] += await timed(lambda role=role: page(role), 10)
    print(f"partner {partner_sub} sees {partner_rows} customers")
    for role, values in samples.items():
        print(f"customers(first: 100) as {role:<12} {summary(values)}")
    ratio = statistics.median(samples["PARTNER_USER"]) / statistics.median(samples["ADMIN"])
    print(f"ratio PARTNER_USER / ADMIN (median): {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if not ensure_database():
        print(f"seeded the bench world in {seed_bench():.1f} s")
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        asyncio.run(run(base, Path(tmp), args.runs))


if __name__ == "__main__":
    main()
