"""p50/p99 of the managers' dashboard question on the bench world, over a live server.

    PRISM_BENCH_DB=prism_bench .venv/bin/python bench/bench_metrics.py [--runs 30]

Every KPI of the role's `Kpi` enum, grouped by REGION and MONTH, over the year before the bench
world's anchor (2026-11-01), as an ADMIN and as the SALES_MANAGER with the largest team.
Seeds the bench world first if the database does not hold it.
"""

from __future__ import annotations

import argparse
import asyncio
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

QUERY = """
query Kpis($kpis: [Kpi!]!, $filter: MetricsFilter) {
  metrics(kpis: $kpis, groupBy: [REGION, MONTH], filter: $filter) {
    kpi group { key } value count
  }
}"""
KPIS = '{ __type(name: "Kpi") { enumValues { name } } }'
YEAR = {"from": "2025-11-01T00:00:00+08:00", "to": "2026-11-01T00:00:00+08:00"}


async def subs() -> tuple[str, str]:
    conn = await asyncpg.connect(bench_url())
    try:
        admin = await conn.fetchval("SELECT external_id FROM app_user WHERE role = 'ADMIN' LIMIT 1")
        manager = await conn.fetchval(
            """SELECT m.external_id FROM app_user m WHERE m.role = 'SALES_MANAGER'
               ORDER BY (SELECT count(*) FROM app_user u WHERE u.manager_id = m.id) DESC, m.id
               LIMIT 1"""
        )
        return str(admin), str(manager)
    finally:
        await conn.close()


async def run(base: str, data_dir: Path, runs: int) -> None:
    admin, manager = await subs()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for role, sub in (("ADMIN", admin), ("SALES_MANAGER", manager)):
            headers = {"authorization": f"Bearer {token_for(data_dir, sub)}"}
            enum = (await client.post("/graphql", json={"query": KPIS}, headers=headers)).json()
            kpis = [v["name"] for v in enum["data"]["__type"]["enumValues"]]
            body = {"query": QUERY, "variables": {"kpis": kpis, "filter": YEAR}}

            async def ask(headers: dict[str, str] = headers, body: dict = body) -> None:
                response = await client.post("/graphql", json=body, headers=headers)
                answer = response.json()
                assert "errors" not in answer, answer
                assert answer["data"]["metrics"], answer

            await ask()  # warm-up: pools, plans
            rows = len(
                (await client.post("/graphql", json=body, headers=headers)).json()["data"][
                    "metrics"
                ]
            )
            print(f"{role:13} {len(kpis)} KPIs x REGION x MONTH ({rows} rows)  "
                  f"{summary(await timed(ask, runs))}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not ensure_database():
        print(f"seeded the bench world in {seed_bench():.1f} s")
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        asyncio.run(run(base, Path(tmp), args.runs))


if __name__ == "__main__":
    main()
