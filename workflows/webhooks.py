"""Webhook deliveries (CONTRACT §8): one job per (endpoint, event), retried with growing delays.

An attempt POSTs `{"id", "type", "occurredAt", "data"}` signed as Standard Webhooks
(`webhook-id` is the event id on every attempt, `webhook-timestamp`, `webhook-signature`), and
waits at most 15 s; redirects are not followed. A 2xx answer delivers it; anything else is
recorded on the delivery (status, HTTP status, error, next attempt) and the job runs again at
the next instant of `domain.webhooks.RETRY_DELAYS`, until the last retry fails.

The attempt runs inside the job's transaction, which holds the delivery's row lock: that lock is
what keeps two workers from sending the same attempt, so the transaction (one connection of the
pool per worker process) stays open for up to the 15 s timeout.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
from standardwebhooks import Webhook

from domain.webhooks import ATTEMPT_TIMEOUT_SECONDS, DeliveryStatus, next_attempt
from persistence import webhooks as store
from workflows import destinations

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job

USER_AGENT = "Prism-Webhooks/1"


def body_of(attempt: store.Attempt) -> str:
    return json.dumps(
        {
            "id": attempt.event_id,
            "type": attempt.event_type,
            "occurredAt": attempt.occurred_at.astimezone(UTC).isoformat(),
            "data": dict(attempt.data),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def signed_headers(attempt: store.Attempt, body: str, sent_at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers; the timestamp is the wall-clock moment of sending, which
    is what a receiver compares with its own clock."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": attempt.event_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(attempt.secret).sign(attempt.event_id, sent_at, body),
    }


async def send(attempt: store.Attempt) -> tuple[int | None, str | None]:
    """One attempt: (HTTP status, None) on a 2xx answer, else what went wrong."""
    target = await destinations.current().target(attempt.url)
    if isinstance(target, str):
        return None, f"refused by the destination guard: {target}"
    body = body_of(attempt)
    headers = signed_headers(attempt, body, datetime.now(UTC))
    extensions: dict[str, Any] = {}
    if target.host_header is not None:
        headers["host"] = target.host_header
    if target.sni_hostname is not None:
        extensions["sni_hostname"] = target.sni_hostname
    try:
        async with (
            asyncio.timeout(ATTEMPT_TIMEOUT_SECONDS),
            httpx.AsyncClient(
                timeout=ATTEMPT_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False
            ) as client,
        ):
            response = await client.post(
                target.url, content=body.encode(), headers=headers, extensions=extensions
            )
    except TimeoutError:
        return None, f"no answer within {ATTEMPT_TIMEOUT_SECONDS:.0f} s"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc or 'no detail'}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the receiver answered HTTP {response.status_code}"


async def deliver(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    delivery_id = int(job.payload["deliveryId"])
    attempt = await store.attempt_of(conn, delivery_id)
    if attempt is None or attempt.status != DeliveryStatus.PENDING:
        return None
    if not attempt.endpoint_live:
        await store.record(conn, delivery_id, status=DeliveryStatus.CANCELLED, attempted_at=None)
        return None
    status, error = await send(attempt)
    now = clock.now()
    if error is None:
        await store.record(
            conn,
            delivery_id,
            status=DeliveryStatus.DELIVERED,
            attempted_at=now,
            response_status=status,
        )
        return None
    again = next_attempt(attempt.attempts + 1, now)
    await store.record(
        conn,
        delivery_id,
        status=DeliveryStatus.PENDING if again else DeliveryStatus.FAILED,
        attempted_at=now,
        response_status=status,
        error=error,
        next_attempt_at=again,
    )
    return again


HANDLERS: dict[str, Handler] = {store.DELIVER: deliver}
#: An attempt waits up to 15 s on the receiver: never on every lane of the worker at once.
SLOW = frozenset({store.DELIVER})
