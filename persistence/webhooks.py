"""Webhook deliveries in SQL: the fan-out of an event and each delivery's attempts.

The delivery row is the truth: the job that tries it re-reads (and locks) it, does nothing when
it is no longer PENDING, and records every attempt on it, so the log an admin reads is the log
the worker keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.jobs import enqueue

DELIVER = "webhook.deliver"

_FAN_OUT = text(
    "INSERT INTO webhook_delivery (webhook_endpoint_id, event_id, event_type, next_attempt_at)"
    " SELECT w.id, e.id, e.type, :now FROM outbox_event e"
    " JOIN webhook_endpoint w ON e.type = ANY (w.events)"
    " WHERE e.id = :event_id AND w.active AND w.deleted_at IS NULL"
    " ON CONFLICT (webhook_endpoint_id, event_id) DO NOTHING RETURNING id"
)


async def fan_out(conn: AsyncConnection, event_id: str, now: datetime) -> list[int]:
    """One delivery, and its job, per live endpoint subscribed to the event's type."""
    ids = [int(pk) for pk in (await conn.scalars(_FAN_OUT, {"event_id": event_id, "now": now}))]
    for pk in ids:
        await enqueue(conn, DELIVER, f"{DELIVER}:{pk}", now, {"deliveryId": pk})
    return ids


@dataclass(frozen=True)
class Attempt:
    """What one attempt of a delivery needs: where, with which key, and what."""

    delivery_id: int
    status: str
    attempts: int
    endpoint_live: bool
    url: str
    secret: str
    event_id: str
    event_type: str
    occurred_at: datetime
    data: Mapping[str, Any]


_ATTEMPT = text(
    "SELECT d.id AS delivery_id, d.status, d.attempts,"
    " (w.active AND w.deleted_at IS NULL) AS endpoint_live, w.url, w.secret,"
    " e.id AS event_id, e.type AS event_type, e.occurred_at, e.data"
    " FROM webhook_delivery d"
    " JOIN webhook_endpoint w ON w.id = d.webhook_endpoint_id"
    " JOIN outbox_event e ON e.id = d.event_id"
    " WHERE d.id = :id FOR UPDATE OF d"
)


async def attempt_of(conn: AsyncConnection, delivery_id: int) -> Attempt | None:
    """The delivery, locked for this transaction, with its endpoint and event."""
    row = (await conn.execute(_ATTEMPT, {"id": delivery_id})).mappings().first()
    return Attempt(**row) if row is not None else None


async def record(
    conn: AsyncConnection,
    delivery_id: int,
    *,
    status: str,
    attempted_at: datetime | None,
    response_status: int | None = None,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Record the outcome of an attempt (or a cancellation, `attempted_at` None)."""
    await conn.execute(
        text(
            "UPDATE webhook_delivery SET status = CAST(:status AS varchar),"
            " attempts = attempts + CASE WHEN CAST(:at AS timestamptz) IS NULL THEN 0 ELSE 1 END,"
            " last_attempt_at = COALESCE(CAST(:at AS timestamptz), last_attempt_at),"
            " response_status = COALESCE(CAST(:response AS integer), response_status),"
            " last_error = CAST(:error AS text), next_attempt_at = :next,"
            " delivered_at = CASE WHEN CAST(:status AS varchar) = 'DELIVERED'"
            " THEN CAST(:at AS timestamptz) END,"
            " updated_at = now() WHERE id = :id"
        ),
        {
            "id": delivery_id,
            "status": str(status),
            "at": attempted_at,
            "response": response_status,
            "error": error[:2000] if error else None,
            "next": next_attempt_at,
        },
    )
