"""The outbox (CONTRACT §8): an event row in the transaction of the change it reports.

`emit` writes the event and enqueues its fan-out job (`event.fanout`) in the caller's
transaction, so an event exists exactly when its change committed. The fan-out job creates one
delivery per subscribed webhook endpoint; each delivery is a job of its own.
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
from persistence.jobs import ENQUEUED, NOTIFY_ENQUEUED, job_values

__all__ = ["EVENT_TYPES", "FANOUT", "emit", "new_event_id"]

FANOUT = "event.fanout"

#: The event, its fan-out job and the workers' wake-up: one round trip, on the hot path of every
#: write that reports something.
_EMIT = text(
    "WITH event AS (INSERT INTO outbox_event (id, type, occurred_at, data)"
    " VALUES (:id, :type, :at, CAST(:data AS jsonb))),"
    f" {ENQUEUED} {NOTIFY_ENQUEUED}"
)


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


async def emit(
    conn: AsyncConnection, event_type: str, data: Mapping[str, Any], occurred_at: datetime
) -> str:
    """Record an event of `event_type` (thin `data`: the record's global `id` and the fields the
    event is about) and schedule its delivery; its id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event_id = new_event_id()
    await conn.execute(
        _EMIT,
        {
            "id": event_id,
            "type": event_type,
            "at": occurred_at,
            "data": json.dumps(dict(data), ensure_ascii=False, default=str),
            **job_values(FANOUT, f"{FANOUT}:{event_id}", occurred_at, {"eventId": event_id}),
        },
    )
    return event_id
