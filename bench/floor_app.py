"""The floor: each workload's answer from ONE hand-written SQL query, through asyncpg, behind a
bare ASGI endpoint. No framework, no GraphQL, no token check; PostgreSQL builds the JSON
(`json_build_object`/`json_agg`) in the same shape as Prism's response and Python passes the
bytes through. It is what Python can reach at best for these answers.

    PRISM_BENCH_FLOOR_DB=postgresql://... uvicorn bench.floor_app:app --workers 1

`POST /w1|/w2|/w3|/w4` with a JSON object of the workload's parameters (the viewer's ids included,
since the SQL applies the viewer's slice exactly as Prism's policy does); `GET /readyz`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from typing import Any

import asyncpg

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

OPEN_STAGES = "('QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION')"
OPEN_TICKETS = "('NEW', 'ACCEPTED', 'ANALYZING', 'IN_PROGRESS', 'FOLLOW_UP')"


def _gid(type_name: str, column: str) -> str:
    """Prism's opaque global ID, urlsafe base64 of 'Type:pk' without padding, in SQL."""
    return (
        f"translate(rtrim(encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64'), '='),"
        " '+/', '-_')"
    )


# W1: the 360° view of one customer as its SALES_REP owner ($1 customer id, $2 viewer user id).
# Slice: the customer if owned by the viewer; its contacts, tickets, interactions, ticket events
# and visits; only the viewer's own opportunities (and their stage changes).
W1 = f"""
WITH c AS (SELECT * FROM customer WHERE id = $1 AND owner_id = $2)
SELECT json_build_object('data', json_build_object('customer', (
  SELECT json_build_object(
    'id', {_gid("Customer", "c.id")},
    'name', c.name, 'taxId', c.tax_id, 'industry', c.industry, 'region', c.region,
    'tier', c.tier, 'status', c.status, 'phone', c.phone, 'address', c.address,
    'owner', (SELECT json_build_object('displayName', u.display_name)
                FROM app_user u WHERE u.id = c.owner_id),
    'partner', (SELECT json_build_object('name', p.name) FROM partner p WHERE p.id = c.partner_id),
    'contacts', json_build_object(
      'totalCount', (SELECT count(*) FROM contact WHERE customer_id = c.id),
      'nodes', COALESCE((
        SELECT json_agg(json_build_object('name', x.name, 'title', x.title, 'email', x.email,
                                          'phone', x.phone, 'isPrimary', x.is_primary)
                        ORDER BY x.name, x.id)
          FROM (SELECT * FROM contact WHERE customer_id = c.id ORDER BY name, id LIMIT 10) x),
        '[]')),
    'opportunities', json_build_object(
      'totalCount', (SELECT count(*) FROM opportunity
                      WHERE customer_id = c.id AND owner_id = $2 AND stage IN {OPEN_STAGES}),
      'nodes', COALESCE((
        SELECT json_agg(json_build_object('name', o.name, 'amount', o.amount::text,
                                          'currency', o.currency, 'stage', o.stage,
                                          'probability', o.probability,
                                          'expectedCloseDate', o.expected_close_date)
                        ORDER BY o.updated_at DESC, o.id DESC)
          FROM (SELECT * FROM opportunity
                 WHERE customer_id = c.id AND owner_id = $2 AND stage IN {OPEN_STAGES}
                 ORDER BY updated_at DESC, id DESC LIMIT 20) o),
        '[]')),
    'tickets', json_build_object(
      'totalCount', (SELECT count(*) FROM ticket WHERE customer_id = c.id),
      'nodes', COALESCE((
        SELECT json_agg(json_build_object('number', t.number, 'subject', t.subject,
                                          'status', t.status, 'priority', t.priority,
                                          'createdAt', t.created_at)
                        ORDER BY t.created_at DESC, t.id DESC)
          FROM (SELECT * FROM ticket WHERE customer_id = c.id
                 ORDER BY created_at DESC, id DESC LIMIT 20) t),
        '[]')),
    'timeline', json_build_object('nodes', COALESCE((
      SELECT json_agg(f.entry ORDER BY f.at DESC, f.kind DESC, f.id DESC)
        FROM (
          SELECT * FROM (
            (SELECT i.occurred_at AS at, 'Interaction' AS kind, i.id,
                    json_build_object('__typename', 'Interaction', 'channel', i.channel,
                                      'direction', i.direction, 'summary', i.summary,
                                      'occurredAt', i.occurred_at) AS entry
               FROM interaction i WHERE i.customer_id = c.id
              ORDER BY i.occurred_at DESC, i.id DESC LIMIT 50)
            UNION ALL
            (SELECT e.occurred_at, 'TicketEvent', e.id,
                    json_build_object('__typename', 'TicketEvent', 'kind', e.kind,
                                      'fromStatus', e.from_status, 'toStatus', e.to_status,
                                      'occurredAt', e.occurred_at)
               FROM ticket_event e WHERE e.customer_id = c.id
              ORDER BY e.occurred_at DESC, e.id DESC LIMIT 50)
            UNION ALL
            (SELECT s.occurred_at, 'OpportunityStageChange', s.id,
                    json_build_object('__typename', 'OpportunityStageChange',
                                      'fromStage', s.from_stage, 'toStage', s.to_stage,
                                      'occurredAt', s.occurred_at)
               FROM opportunity_stage_change s
              WHERE s.customer_id = c.id
                AND s.opportunity_id IN (SELECT id FROM opportunity WHERE owner_id = $2)
              ORDER BY s.occurred_at DESC, s.id DESC LIMIT 50)
            UNION ALL
            (SELECT v.scheduled_start, 'ServiceVisit', v.id,
                    json_build_object('__typename', 'ServiceVisit',
                                      'scheduledStart', v.scheduled_start, 'notes', v.notes)
               FROM service_visit v WHERE v.customer_id = c.id
              ORDER BY v.scheduled_start DESC, v.id DESC LIMIT 50)
          ) merged ORDER BY at DESC, kind DESC, id DESC LIMIT 50
        ) f), '[]')))
  FROM c)))::text
"""

# W2: a 100-row customer page as a PARTNER_USER ($1 partner id, $2 viewer user id).
# Slice: customers of the partner; users of the partner (or the viewer) — so a sales owner shows
# as null —; the own partner row; open opportunities registered to the partner.
W2 = f"""
WITH page AS (
  SELECT * FROM customer WHERE partner_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 101
), shown AS (SELECT * FROM page ORDER BY updated_at DESC, id DESC LIMIT 100)
SELECT json_build_object('data', json_build_object('customers', json_build_object(
  'totalCount', (SELECT count(*) FROM customer WHERE partner_id = $1),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) > 100 FROM page),
    'endCursor', (SELECT translate(rtrim(encode(convert_to(
                          json_build_array(s.updated_at, s.id)::text, 'UTF8'), 'base64'), '='),
                          E'+/\\n', '-_')
                    FROM shown s ORDER BY s.updated_at, s.id LIMIT 1)),
  'nodes', COALESCE((
    SELECT json_agg(json_build_object(
             'id', {_gid("Customer", "c.id")},
             'name', c.name, 'region', c.region, 'tier', c.tier, 'status', c.status,
             'owner', CASE WHEN u.id IS NOT NULL
                           THEN json_build_object('displayName', u.display_name) END,
             'partner', CASE WHEN p.id IS NOT NULL THEN json_build_object('name', p.name) END,
             'opportunities', json_build_object('totalCount', o.n))
           ORDER BY c.updated_at DESC, c.id DESC)
      FROM shown c
      LEFT JOIN app_user u ON u.id = c.owner_id AND (u.id = $2 OR u.partner_id = $1)
      LEFT JOIN partner p ON p.id = c.partner_id AND p.id = $1
      CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM opportunity
         WHERE customer_id = c.id AND partner_id = $1 AND stage IN {OPEN_STAGES}) o),
    '[]'))))::text
"""

# W3: a technician's day as that TECHNICIAN ($1 viewer user id, $2 start of the day).
# Slice: tickets assigned to the viewer (their customer, asset and contact come with them);
# only the viewer's own service visits.
W3 = f"""
WITH t AS (
  SELECT * FROM ticket
   WHERE assignee_id = $1 AND status IN {OPEN_TICKETS} AND updated_at >= $2
)
SELECT json_build_object('data', json_build_object('tickets', json_build_object(
  'totalCount', (SELECT count(*) FROM t),
  'nodes', COALESCE((
    SELECT json_agg(json_build_object(
             'number', t.number, 'subject', t.subject, 'kind', t.kind,
             'priority', t.priority, 'status', t.status,
             'resolutionDueAt', t.resolution_due_at, 'updatedAt', t.updated_at,
             'customer', (SELECT json_build_object('name', c.name, 'phone', c.phone,
                                                   'address', c.address)
                            FROM customer c WHERE c.id = t.customer_id),
             'asset', (SELECT json_build_object('model', a.model, 'serialNumber', a.serial_number,
                                                'siteAddress', a.site_address,
                                                'warrantyEndsAt', a.warranty_ends_at)
                         FROM asset a WHERE a.id = t.asset_id),
             'contact', (SELECT json_build_object('name', k.name, 'title', k.title,
                                                  'phone', k.phone)
                           FROM contact k WHERE k.id = t.contact_id),
             'serviceVisits', json_build_object('nodes', COALESCE((
                SELECT json_agg(json_build_object('scheduledStart', v.scheduled_start,
                                                  'scheduledEnd', v.scheduled_end,
                                                  'checkInAt', v.check_in_at,
                                                  'checkOutAt', v.check_out_at, 'notes', v.notes)
                                ORDER BY v.scheduled_start DESC, v.id DESC)
                  FROM (SELECT * FROM service_visit
                         WHERE ticket_id = t.id AND technician_id = $1
                         ORDER BY scheduled_start DESC, id DESC LIMIT 3) v), '[]')))
           ORDER BY t.created_at DESC, t.id DESC)
      FROM (SELECT * FROM t ORDER BY created_at DESC, id DESC LIMIT 100) t), '[]'))))::text
"""

# W4: the team's 50 biggest deals as a SALES_MANAGER ($1 viewer user id). Slice: opportunities
# owned by the team (the viewer and their direct reports); a deal's customer only when the team
# owns it (else null); every user.
W4 = f"""
WITH team AS (SELECT id FROM app_user WHERE id = $1 OR manager_id = $1),
page AS (
  SELECT * FROM opportunity WHERE owner_id IN (SELECT id FROM team)
   ORDER BY amount DESC, id DESC LIMIT 51
), shown AS (SELECT * FROM page ORDER BY amount DESC, id DESC LIMIT 50)
SELECT json_build_object('data', json_build_object('opportunities', json_build_object(
  'totalCount', (SELECT count(*) FROM opportunity WHERE owner_id IN (SELECT id FROM team)),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) > 50 FROM page),
    'endCursor', (SELECT translate(rtrim(encode(convert_to(
                          json_build_array(s.amount::text, s.id)::text, 'UTF8'), 'base64'), '='),
                          E'+/\\n', '-_')
                    FROM shown s ORDER BY s.amount, s.id LIMIT 1)),
  'nodes', COALESCE((
    SELECT json_agg(json_build_object(
             'id', {_gid("Opportunity", "o.id")},
             'name', o.name, 'amount', o.amount::text, 'currency', o.currency, 'stage', o.stage,
             'probability', o.probability, 'expectedCloseDate', o.expected_close_date,
             'customer', CASE WHEN c.id IS NOT NULL THEN
                           json_build_object('name', c.name, 'region', c.region, 'tier', c.tier)
                         END,
             'owner', CASE WHEN u.id IS NOT NULL
                           THEN json_build_object('displayName', u.display_name) END)
           ORDER BY o.amount DESC, o.id DESC)
      FROM shown o
      LEFT JOIN customer c ON c.id = o.customer_id AND c.owner_id IN (SELECT id FROM team)
      LEFT JOIN app_user u ON u.id = o.owner_id),
    '[]'))))::text
"""

# path -> (SQL, how to turn the request's JSON into the query's arguments)
ROUTES: dict[str, tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = {
    "/w1": (W1, lambda a: (int(a["customer"]), int(a["viewer"]))),
    "/w2": (W2, lambda a: (int(a["partner"]), int(a["viewer"]))),
    "/w3": (W3, lambda a: (int(a["viewer"]), datetime.fromisoformat(a["since"]))),
    "/w4": (W4, lambda a: (int(a["viewer"]),)),
}


class Floor:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                dsn = os.environ.get(
                    "PRISM_BENCH_FLOOR_DB", "postgresql://postgres@127.0.0.1:5432/prism_bench"
                )
                # Same pool bound as Prism's engine (20 connections, kept once opened).
                # No reset query when a connection goes back: these are single read-only
                # statements that leave no session state behind. Custom plans: a generic plan
                # for W2 probes the opportunities by partner instead of by customer (2× slower).
                self.pool = await asyncpg.create_pool(
                    dsn,
                    min_size=10,
                    max_size=20,
                    server_settings={"timezone": "UTC", "plan_cache_mode": "force_custom_plan"},
                    reset=_no_reset,
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path == "/readyz":
            await _respond(send, 200, b'{"ok":true}')
            return
        route = ROUTES.get(path)
        if route is None or scope["method"] != "POST" or self.pool is None:
            await _respond(send, 404, b'{"errors":[{"message":"not found"}]}')
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        sql, arguments = route
        try:
            args = arguments(json.loads(body))
        except (ValueError, KeyError, TypeError):
            await _respond(send, 400, b'{"errors":[{"message":"bad request"}]}')
            return
        text = await self.pool.fetchval(sql, *args)
        await _respond(send, 200, text.encode())


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


app = Floor()
