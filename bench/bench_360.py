"""Median latency of the 360° customer query on the bench world, over a live server.

    .venv/bin/python bench/bench_360.py [--runs 200]

Seeds the bench world into `prism_bench` on 127.0.0.1:5432 first if it is not there (and prints
the seed time), then times the 360° query for the busiest customers as an ADMIN and as the
customer's SALES_REP owner.
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
from schema.ids import encode_id  # noqa: E402

QUERY_360 = """
query Customer360($id: ID!) {
  customer(id: $id) {
    id name taxId region tier status lifetimeValue
    owner { displayName } partner { name }
    contacts(first: 10) { totalCount nodes { name title email phone isPrimary } }
    opportunities(first: 20, filter: {stage: [QUALIFICATION, NEEDS_ANALYSIS, PROPOSAL, NEGOTIATION]}) {
      totalCount nodes { name amount stage probability owner { displayName } }
    }
    tickets(first: 20) { totalCount nodes { number subject status priority assignee { displayName } asset { model } } }
    assets(first: 10) { nodes { model serialNumber warrantyEndsAt } }
    contracts(first: 10) { nodes { number endsOn value status } }
    timeline(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        __typename
        ... on Interaction { channel direction summary occurredAt }
        ... on TicketEvent { kind toStatus occurredAt }
        ... on OpportunityStageChange { fromStage toStage occurredAt }
        ... on ServiceVisit { scheduledStart notes }
      }
    }
  }
}"""


async def busiest_customers(limit: int) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(bench_url().replace("+asyncpg", ""))
    try:
        rows = await conn.fetch(
            """SELECT c.id, u.external_id FROM customer c JOIN app_user u ON u.id = c.owner_id
               WHERE u.role = 'SALES_REP'
               ORDER BY (SELECT count(*) FROM interaction i WHERE i.customer_id = c.id) DESC
               LIMIT $1""",
            limit,
        )
        return [(r["id"], r["external_id"]) for r in rows]
    finally:
        await conn.close()


async def admin_sub() -> str:
    conn = await asyncpg.connect(bench_url())
    try:
        return str(
            await conn.fetchval("SELECT external_id FROM app_user WHERE role = 'ADMIN' LIMIT 1")
        )
    finally:
        await conn.close()


async def run(base: str, data_dir: Path, runs: int) -> None:
    customers = await busiest_customers(10)
    admin = token_for(data_dir, await admin_sub())
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def query(token: str, customer_id: int) -> None:
            response = await client.post(
                "/graphql",
                json={"query": QUERY_360, "variables": {"id": encode_id("Customer", customer_id)}},
                headers={"authorization": f"Bearer {token}"},
            )
            body = response.json()
            assert "errors" not in body and body["data"]["customer"], body

        for cid, _ in customers:  # warm-up: pools, caches, plans
            await query(admin, cid)
        rounds = max(1, runs // len(customers))
        admin_samples: list[float] = []
        rep_samples: list[float] = []
        for cid, rep in customers:
            rep_token = token_for(data_dir, rep)
            admin_samples += await timed(lambda cid=cid: query(admin, cid), rounds)
            rep_samples += await timed(lambda cid=cid, t=rep_token: query(t, cid), rounds)
    print(f"360° query as ADMIN      {summary(admin_samples)}")
    print(f"360° query as SALES_REP  {summary(rep_samples)}")


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
