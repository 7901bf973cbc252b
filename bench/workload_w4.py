"""W4, a sales manager's pipeline: chosen, and written into bench/README.md, before it was first
measured, after W1–W3 had been tuned (issue 8: "a fourth workload, not tuned for").

The SALES_MANAGER whose team (themselves and their direct reports, Prism's `team` scope) owns
the most opportunities asks for the team's 50 biggest deals, with each deal's customer and owner.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from bench.workloads import Request, Workload
from schema.ids import encode_id

PRISM_W4 = """query W4 { opportunities(first: 50, orderBy: {field: AMOUNT, direction: DESC}) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name amount currency stage probability expectedCloseDate
    customer { name region tier } owner { displayName } } } }"""

POSTGRAPHILE_W4 = """query W4($team: [BigInt!]!) {
  allOpportunities(first: 50, orderBy: [AMOUNT_DESC, ROW_ID_DESC],
      filter: {ownerId: {in: $team}}) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { rowId name amount currency stage probability expectedCloseDate
    customerByCustomerId { name region tier } appUserByOwnerId { displayName } } } }"""

PICK_W4 = """
WITH team AS (
  SELECT m.id AS manager, u.id AS member
    FROM app_user m JOIN app_user u ON u.id = m.id OR u.manager_id = m.id
   WHERE m.role = 'SALES_MANAGER' AND m.active
)
SELECT m.id, m.external_id,
       array_agg(t.member ORDER BY t.member) AS team,
       (SELECT count(*) FROM opportunity o
         WHERE o.owner_id IN (SELECT member FROM team WHERE manager = m.id)) AS opportunities
  FROM app_user m JOIN team t ON t.manager = m.id
 GROUP BY m.id ORDER BY opportunities DESC, m.id LIMIT 1
"""


def _from_postgraphile(data: dict[str, Any]) -> dict[str, Any]:
    page = data["allOpportunities"]
    return {
        "opportunities": {
            "totalCount": page["totalCount"],
            "pageInfo": page["pageInfo"],
            "nodes": [
                {
                    "id": encode_id("Opportunity", int(n["rowId"])),
                    **{
                        k: n[k]
                        for k in ("name", "amount", "currency", "stage", "probability")
                        + ("expectedCloseDate",)
                    },
                    "customer": n["customerByCustomerId"],
                    "owner": n["appUserByOwnerId"],
                }
                for n in page["nodes"]
            ],
        }
    }


def _mask_customer(data: dict[str, Any]) -> dict[str, Any]:
    page = data["opportunities"]
    nodes = [{**n, "customer": None} for n in page["nodes"]]
    return {"opportunities": {**page, "nodes": nodes}}


def w4(row: asyncpg.Record) -> Workload:
    team = [int(t) for t in row["team"]]
    return Workload(
        key="W4",
        title="team pipeline",
        viewer=(
            f"SALES_MANAGER `{row['external_id']}` (a team of {len(team)}, "
            f"{row['opportunities']} opportunities)"
        ),
        prism=Request("/graphql", {"query": PRISM_W4}, row["external_id"]),
        floor=Request("/w4", {"viewer": int(row["id"])}),
        postgraphile=Request(
            "/graphql", {"query": POSTGRAPHILE_W4, "variables": {"team": [str(t) for t in team]}}
        ),
        from_postgraphile=_from_postgraphile,
        postgraphile_note=(
            "PostGraphile runs without authorization, so it shows the customer of every deal, "
            "which Prism (and the floor) hide when a customer's owner is outside the team"
        ),
        postgraphile_mask=_mask_customer,
    )
