"""W1–W3: the same answers asked of Prism, of the floor and of PostGraphile (W4: workload_w4).

Each workload knows its viewer (picked from the bench world by SQL, so the run is repeatable),
the request each server gets, and how to bring each server's answer into Prism's shape so the
run can check that all three returned the same data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from schema.ids import encode_id

OPEN_STAGES = ["QUALIFICATION", "NEEDS_ANALYSIS", "PROPOSAL", "NEGOTIATION"]
OPEN_TICKETS = ["NEW", "ACCEPTED", "ANALYZING", "IN_PROGRESS", "FOLLOW_UP"]
_STAGES = "[" + ", ".join(OPEN_STAGES) + "]"
_TICKETS = "[" + ", ".join(OPEN_TICKETS) + "]"


@dataclass(frozen=True)
class Request:
    path: str
    body: dict[str, Any]
    bearer_sub: str | None = None  # Prism only: whose dev token goes in `Authorization`

    def json(self) -> str:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Workload:
    key: str  # W1 … W4
    title: str
    viewer: str  # who asks, in words
    prism: Request
    floor: Request
    postgraphile: Request
    # PostGraphile's `data` -> Prism's `data` shape, for the same-answer check
    from_postgraphile: Callable[[dict[str, Any]], dict[str, Any]]
    # what PostGraphile (no authorization) may legitimately answer differently, and a function
    # that blanks exactly that part in both answers before they are compared
    postgraphile_note: str = ""
    postgraphile_mask: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def request(self, server: str) -> Request:
        return {"prism": self.prism, "floor": self.floor, "postgraphile": self.postgraphile}[server]


# -- W1: the 360° view as a sales rep --------------------------------------------------------

PRISM_W1 = f"""query W1($id: ID!) {{ customer(id: $id) {{
  id name taxId industry region tier status phone address
  owner {{ displayName }} partner {{ name }}
  contacts(first: 10) {{ totalCount nodes {{ name title email phone isPrimary }} }}
  opportunities(first: 20, filter: {{stage: {_STAGES}}}) {{
    totalCount nodes {{ name amount currency stage probability expectedCloseDate }} }}
  tickets(first: 20) {{ totalCount nodes {{ number subject status priority createdAt }} }}
  timeline(first: 50) {{ nodes {{ __typename
    ... on Interaction {{ channel direction summary occurredAt }}
    ... on TicketEvent {{ kind fromStatus toStatus occurredAt }}
    ... on OpportunityStageChange {{ fromStage toStage occurredAt }}
    ... on ServiceVisit {{ scheduledStart notes }} }} }} }} }}"""

POSTGRAPHILE_W1 = f"""query W1($customer: BigInt!, $viewer: BigInt!) {{
  customerByRowId(rowId: $customer) {{
  rowId name taxId industry region tier status phone address
  appUserByOwnerId {{ displayName }} partnerByPartnerId {{ name }}
  contactsByCustomerId(first: 10, orderBy: [NAME_ASC, ROW_ID_ASC]) {{
    totalCount nodes {{ name title email phone isPrimary }} }}
  opportunitiesByCustomerId(first: 20, orderBy: [UPDATED_AT_DESC, ROW_ID_DESC],
      filter: {{stage: {{in: {_STAGES}}}, ownerId: {{equalTo: $viewer}}}}) {{
    totalCount nodes {{ name amount currency stage probability expectedCloseDate }} }}
  ticketsByCustomerId(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {{
    totalCount nodes {{ number subject status priority createdAt }} }}
  timelineEntries(first: 50, orderBy: [OCCURRED_AT_DESC, KIND_DESC, ROW_ID_DESC]) {{ nodes {{
    kind channel direction summary occurredAt eventKind fromStatus toStatus fromStage toStage
    scheduledStart notes }} }} }} }}"""

_SAME = lambda *names: {n: n for n in names}  # noqa: E731 - Prism's name is PostGraphile's
_TIMELINE_FIELDS = {
    "Interaction": _SAME("channel", "direction", "summary", "occurredAt"),
    "TicketEvent": {"kind": "eventKind", **_SAME("fromStatus", "toStatus", "occurredAt")},
    "OpportunityStageChange": _SAME("fromStage", "toStage", "occurredAt"),
    "ServiceVisit": _SAME("scheduledStart", "notes"),
}


def _w1_from_postgraphile(data: dict[str, Any]) -> dict[str, Any]:
    c = data["customerByRowId"]
    if c is None:
        return {"customer": None}
    timeline = [
        {"__typename": e["kind"], **{k: e[v] for k, v in _TIMELINE_FIELDS[e["kind"]].items()}}
        for e in c["timelineEntries"]["nodes"]
    ]
    return {
        "customer": {
            "id": encode_id("Customer", int(c["rowId"])),
            **{
                k: c[k]
                for k in ("name", "taxId", "industry", "region", "tier", "status", "phone")
                + ("address",)
            },
            "owner": c["appUserByOwnerId"],
            "partner": c["partnerByPartnerId"],
            "contacts": c["contactsByCustomerId"],
            "opportunities": c["opportunitiesByCustomerId"],
            "tickets": c["ticketsByCustomerId"],
            "timeline": {"nodes": timeline},
        }
    }


# -- W2: a 100-row customer page as a partner user -------------------------------------------

PRISM_W2 = f"""query W2 {{ customers(first: 100) {{
  totalCount pageInfo {{ hasNextPage endCursor }}
  nodes {{ id name region tier status owner {{ displayName }} partner {{ name }}
    opportunities(filter: {{stage: {_STAGES}}}) {{ totalCount }} }} }} }}"""

POSTGRAPHILE_W2 = f"""query W2($partner: BigInt!) {{
  allCustomers(first: 100, condition: {{partnerId: $partner}},
      orderBy: [UPDATED_AT_DESC, ROW_ID_DESC]) {{
  totalCount pageInfo {{ hasNextPage endCursor }}
  nodes {{ rowId name region tier status appUserByOwnerId {{ displayName }}
    partnerByPartnerId {{ name }}
    opportunitiesByCustomerId(filter: {{stage: {{in: {_STAGES}}},
        partnerId: {{equalTo: $partner}}}}) {{ totalCount }} }} }} }}"""


def _w2_from_postgraphile(data: dict[str, Any]) -> dict[str, Any]:
    page = data["allCustomers"]
    return {
        "customers": {
            "totalCount": page["totalCount"],
            "pageInfo": page["pageInfo"],
            "nodes": [
                {
                    "id": encode_id("Customer", int(n["rowId"])),
                    **{k: n[k] for k in ("name", "region", "tier", "status")},
                    "owner": n["appUserByOwnerId"],
                    "partner": n["partnerByPartnerId"],
                    "opportunities": n["opportunitiesByCustomerId"],
                }
                for n in page["nodes"]
            ],
        }
    }


def _w2_mask_owner(data: dict[str, Any]) -> dict[str, Any]:
    page = data["customers"]
    nodes = [{**n, "owner": None} for n in page["nodes"]]
    return {"customers": {**page, "nodes": nodes}}


# -- W3: a technician's day ------------------------------------------------------------------

PRISM_W3 = f"""query W3($me: ID!, $since: DateTime!) {{
  tickets(first: 100, filter: {{assigneeId: $me, status: {_TICKETS}, updatedSince: $since}}) {{
  totalCount nodes {{ number subject kind priority status resolutionDueAt updatedAt
    customer {{ name phone address }}
    asset {{ model serialNumber siteAddress warrantyEndsAt }}
    contact {{ name title phone }}
    serviceVisits(first: 3) {{ nodes {{ scheduledStart scheduledEnd checkInAt checkOutAt notes }} }}
  }} }} }}"""

POSTGRAPHILE_W3 = f"""query W3($me: BigInt!, $since: Datetime!) {{
  allTickets(first: 100, orderBy: [CREATED_AT_DESC, ROW_ID_DESC], filter: {{
      assigneeId: {{equalTo: $me}}, status: {{in: {_TICKETS}}},
      updatedAt: {{greaterThanOrEqualTo: $since}}}}) {{
  totalCount nodes {{ number subject kind priority status resolutionDueAt updatedAt
    customerByCustomerId {{ name phone address }}
    assetByAssetId {{ model serialNumber siteAddress warrantyEndsAt }}
    contactByContactId {{ name title phone }}
    serviceVisitsByTicketId(first: 3, orderBy: [SCHEDULED_START_DESC, ROW_ID_DESC]) {{
      nodes {{ scheduledStart scheduledEnd checkInAt checkOutAt notes }} }}
  }} }} }}"""


def _w3_from_postgraphile(data: dict[str, Any]) -> dict[str, Any]:
    page = data["allTickets"]
    return {
        "tickets": {
            "totalCount": page["totalCount"],
            "nodes": [
                {
                    **{
                        k: n[k]
                        for k in ("number", "subject", "kind", "priority", "status")
                        + ("resolutionDueAt", "updatedAt")
                    },
                    "customer": n["customerByCustomerId"],
                    "asset": n["assetByAssetId"],
                    "contact": n["contactByContactId"],
                    "serviceVisits": n["serviceVisitsByTicketId"],
                }
                for n in page["nodes"]
            ],
        }
    }


# -- picking the viewers ---------------------------------------------------------------------

_PICK_W1 = """
WITH busy AS (SELECT customer_id FROM ticket GROUP BY 1 HAVING count(*) >= 20),
cand AS (
  SELECT c.id, c.owner_id, u.external_id,
    (SELECT count(*) FROM contact WHERE customer_id = c.id) AS contacts,
    (SELECT count(*) FROM opportunity WHERE customer_id = c.id AND stage::text = ANY($1))
      AS open_opps,
    (SELECT count(*) FROM opportunity WHERE customer_id = c.id
        AND owner_id IS DISTINCT FROM c.owner_id) AS foreign_opps,
    (SELECT count(*) FROM interaction WHERE customer_id = c.id) AS interactions,
    (SELECT count(*) FROM interaction WHERE customer_id = c.id)
      + (SELECT count(*) FROM ticket_event WHERE customer_id = c.id)
      + (SELECT count(*) FROM opportunity_stage_change WHERE customer_id = c.id)
      + (SELECT count(*) FROM service_visit WHERE customer_id = c.id) AS timeline
  FROM customer c JOIN busy ON busy.customer_id = c.id
  JOIN app_user u ON u.id = c.owner_id AND u.role = 'SALES_REP' AND u.active
)
SELECT * FROM cand
ORDER BY contacts DESC, foreign_opps = 0 DESC, (timeline >= 50 AND interactions >= 20) DESC,
         open_opps DESC, timeline DESC, id
LIMIT 1
"""

_PICK_W2 = """
SELECT u.id, u.external_id, u.partner_id, count(c.id) AS customers
  FROM app_user u JOIN customer c ON c.partner_id = u.partner_id
 WHERE u.role = 'PARTNER_USER' AND u.active
 GROUP BY u.id ORDER BY customers DESC, u.external_id LIMIT 1
"""

# "Today" for a technician: the day (UTC) on which they had the most open assigned tickets
# updated — the bench world is anchored at 2026-11-01, so that is its last day, 2026-10-31.
_PICK_W3 = """
SELECT u.id, u.external_id, (t.updated_at AT TIME ZONE 'UTC')::date AS day, count(*) AS tickets
  FROM ticket t JOIN app_user u ON u.id = t.assignee_id AND u.role = 'TECHNICIAN' AND u.active
 WHERE t.status::text = ANY($1)
 GROUP BY 1, 2, 3 ORDER BY tickets DESC, u.id LIMIT 1
"""


@dataclass(frozen=True)
class Picks:
    """The bench-world rows the workloads are about, with the facts the README quotes."""

    w1: asyncpg.Record
    w2: asyncpg.Record
    w3: asyncpg.Record
    w4: asyncpg.Record | None = None  # bench/workload_w4.py


async def pick(dsn: str) -> Picks:
    from bench import workload_w4  # it builds on this module's types

    conn = await asyncpg.connect(dsn, server_settings={"timezone": "UTC"})
    try:
        return Picks(
            w1=await conn.fetchrow(_PICK_W1, OPEN_STAGES),
            w2=await conn.fetchrow(_PICK_W2),
            w3=await conn.fetchrow(_PICK_W3, OPEN_TICKETS),
            w4=await conn.fetchrow(workload_w4.PICK_W4),
        )
    finally:
        await conn.close()


def build(p: Picks) -> list[Workload]:
    from bench import workload_w4

    rep, customer = p.w1["owner_id"], p.w1["id"]
    partner_user, partner = p.w2["id"], p.w2["partner_id"]
    tech = p.w3["id"]
    since = datetime.combine(p.w3["day"], datetime.min.time()).isoformat() + "+00:00"
    return [
        Workload(
            key="W1",
            title="360° view",
            viewer=(
                f"SALES_REP `{p.w1['external_id']}`, customer {customer}: "
                f"{p.w1['contacts']} contacts, {p.w1['open_opps']} open opportunities, "
                f"{p.w1['timeline']} timeline entries"
            ),
            prism=Request(
                "/graphql",
                {"query": PRISM_W1, "variables": {"id": encode_id("Customer", customer)}},
                p.w1["external_id"],
            ),
            floor=Request("/w1", {"customer": customer, "viewer": rep}),
            postgraphile=Request(
                "/graphql",
                {
                    "query": POSTGRAPHILE_W1,
                    "variables": {"customer": str(customer), "viewer": str(rep)},
                },
            ),
            from_postgraphile=_w1_from_postgraphile,
        ),
        Workload(
            key="W2",
            title="100-customer page",
            viewer=(
                f"PARTNER_USER `{p.w2['external_id']}` (partner {partner}, "
                f"{p.w2['customers']} customers)"
            ),
            prism=Request("/graphql", {"query": PRISM_W2}, p.w2["external_id"]),
            floor=Request("/w2", {"partner": partner, "viewer": partner_user}),
            postgraphile=Request(
                "/graphql", {"query": POSTGRAPHILE_W2, "variables": {"partner": str(partner)}}
            ),
            from_postgraphile=_w2_from_postgraphile,
            postgraphile_note=(
                "PostGraphile runs without authorization, so it shows each customer's sales "
                "owner, which Prism (and the floor) hide from a partner user"
            ),
            postgraphile_mask=_w2_mask_owner,
        ),
        Workload(
            key="W3",
            title="technician's day",
            viewer=(
                f"TECHNICIAN `{p.w3['external_id']}`, day {p.w3['day']}: "
                f"{p.w3['tickets']} open assigned tickets updated that day"
            ),
            prism=Request(
                "/graphql",
                {"query": PRISM_W3, "variables": {"me": encode_id("User", tech), "since": since}},
                p.w3["external_id"],
            ),
            floor=Request("/w3", {"viewer": tech, "since": since}),
            postgraphile=Request(
                "/graphql",
                {"query": POSTGRAPHILE_W3, "variables": {"me": str(tech), "since": since}},
            ),
            from_postgraphile=_w3_from_postgraphile,
        ),
        *([workload_w4.w4(p.w4)] if p.w4 is not None else []),
    ]


# -- same answer? ----------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def canonical(value: Any) -> Any:
    """Equal data compares equal: timestamps parsed (PostgreSQL trims trailing zeros, Python
    does not), cursors dropped (each server has its own opaque format)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if k != "endCursor"}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return datetime.fromisoformat(value).isoformat()
    return value


def differences(a: Any, b: Any, path: str = "data", limit: int = 5) -> list[str]:
    """Up to `limit` paths where two answers differ."""
    found: list[str] = []

    def walk(x: Any, y: Any, at: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y)):
                if key not in x or key not in y:
                    found.append(f"{at}.{key} only in {'first' if key in x else 'second'}")
                else:
                    walk(x[key], y[key], f"{at}.{key}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                found.append(f"{at}: {len(x)} vs {len(y)} items")
            for i, (xi, yi) in enumerate(zip(x, y, strict=False)):
                walk(xi, yi, f"{at}[{i}]")
        elif x != y:
            found.append(f"{at}: {str(x)[:40]!r} vs {str(y)[:40]!r}")

    walk(canonical(a), canonical(b), path)
    return found
