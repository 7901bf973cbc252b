"""The outbox (CONTRACT §8): an event row in the transaction of the change it reports.

`emit` writes the event and, in the same statement, its fan-out: one `webhook_delivery` per live
endpoint subscribed to the event's type, each with a delivery job of its own
(`workflows.webhooks`), so an event and its deliveries exist exactly when its change committed,
and one slow receiver never holds up another. With no endpoint subscribed, an event costs its
row and nothing else: no job, no wake-up.

Events written before the fan-out moved here still carry an `event.fanout` job; its handler
(`workflows.events`) stays for them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import EVENT_TYPES
from persistence.webhooks import DELIVER

__all__ = ["EVENT_TYPES", "FANOUT", "emit", "new_event_id"]

FANOUT = "event.fanout"

#: The event, its deliveries, their jobs and the workers' wake-up, in one round trip on the hot
#: path of every write that reports something. The deliveries' foreign key to the event is
#: checked at the end of the statement, when the event row is there.
_EMIT = text(
    "WITH event AS ("
    "  INSERT INTO outbox_event (id, type, occurred_at, data)"
    "  VALUES (:id, :type, :at, CAST(:data AS jsonb)) RETURNING id, type),"
    " delivery AS ("
    "  INSERT INTO webhook_delivery (webhook_endpoint_id, event_id, event_type, next_attempt_at)"
    "  SELECT w.id, event.id, event.type, :at FROM event"
    "  JOIN webhook_endpoint w ON event.type = ANY (w.events)"
    "  WHERE w.active AND w.deleted_at IS NULL"
    "  ON CONFLICT (webhook_endpoint_id, event_id) DO NOTHING RETURNING id),"
    " job AS ("
    "  INSERT INTO job (kind, key, run_at, payload)"
    "  SELECT CAST(:deliver AS text), CAST(:deliver AS text) || ':' || id, :at,"
    "  jsonb_build_object('deliveryId', id)"
    "  FROM delivery ON CONFLICT (key) DO NOTHING RETURNING id)"
    " SELECT pg_notify('prism_job', '') FROM job LIMIT 1"
)


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


async def emit(
    conn: AsyncConnection, event_type: str, data: Mapping[str, Any], occurred_at: datetime
) -> str:
    """Record an event of `event_type` (thin `data`: the record's global `id` and the fields the
    event is about) and its deliveries; its id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if occurred_at.tzinfo is None:
        raise ValueError("an event's time must be timezone-aware")
    event_id = new_event_id()
    await conn.execute(
        _EMIT,
        {
            "id": event_id,
            "type": event_type,
            "at": occurred_at,
            "data": json.dumps(dict(data), ensure_ascii=False, default=str),
            "deliver": DELIVER,
        },
    )
    return event_id
