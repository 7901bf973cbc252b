"""Webhook endpoints (CONTRACT §8): what an admin may register, and when a delivery is retried.

Pure rules: the URL's shape, the event types, the secret's form and the retry schedule. Whether
a URL's host may be reached (the SSRF guard) needs DNS, so the caller passes that check in.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from domain.errors import Refused, bad_input
from domain.events import EVENT_TYPES
from domain.fields import clean, optional_text, require
from domain.ports import Store

MAX_URL_LENGTH = 2000
SECRET_PREFIX = "whsec_"
#: After the first attempt: the delay before each retry. The first retry comes within a minute;
#: after the last one the delivery is FAILED (1 attempt + 5 retries over about 7 hours).
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
#: How long a receiver has to answer one attempt.
ATTEMPT_TIMEOUT_SECONDS = 15.0

#: An async check of a URL's destination: a reason to refuse it, or None.
DestinationCheck = Callable[[str], Awaitable[str | None]]


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # not yet delivered; `nextAttemptAt` says when it is tried
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # every attempt failed; no more are made
    CANCELLED = "CANCELLED"  # the endpoint was deleted or disabled before delivery


def new_secret() -> str:
    """`whsec_` + base64 of 24 random bytes: the Standard Webhooks form of a signing key."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def next_attempt(attempts_made: int, now: datetime) -> datetime | None:
    """When to try again after `attempts_made` failed attempts, or None: give up."""
    if attempts_made < 1 or attempts_made > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts_made - 1]


def url_shape_problem(url: str) -> str | None:
    """What is wrong with the URL itself (before any DNS): scheme, host, credentials."""
    if len(url) > MAX_URL_LENGTH:
        return f"url is longer than {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError:
        return "url is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "url must be an http or https URL"
    if not parts.hostname:
        return "url must name a host"
    if parts.username is not None or parts.password is not None:
        return "url must not carry credentials"
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "url must not contain whitespace or control characters"
    return None


def event_types(values: Sequence[Any]) -> list[str]:
    """The subscribed event types, each of CONTRACT §8, without repeats (order kept)."""
    if not values:
        raise Refused(bad_input("events", "events must name at least one event type"))
    unknown = sorted({str(v) for v in values} - EVENT_TYPES)
    if unknown:
        raise Refused(
            bad_input(
                "events",
                f"unknown event type(s): {', '.join(unknown)}; "
                f"use any of {', '.join(sorted(EVENT_TYPES))}",
            )
        )
    return list(dict.fromkeys(str(v) for v in values))


async def create_webhook_endpoint(
    store: Store, values: dict[str, Any], *, check_destination: DestinationCheck
) -> tuple[int, str]:
    """Register an endpoint; its id and its secret (shown to the admin this once)."""
    require(values, "url", "events")
    url = str(values["url"]).strip()
    problem = url_shape_problem(url) or await check_destination(url)
    if problem is not None:
        raise Refused(bad_input("url", problem))
    data = clean({"description": values.get("description")}, {"description": optional_text(500)})
    secret = new_secret()
    pk = await store.insert(
        "WebhookEndpoint",
        {
            "url": url,
            "events": event_types(values["events"]),
            "description": data["description"],
            "secret": secret,
        },
    )
    return pk, secret


async def delete_webhook_endpoint(store: Store, values: dict[str, Any]) -> int:
    """Delete an endpoint: nothing more is delivered to it; pending deliveries are cancelled
    when their turn comes. Its id."""
    endpoint = await store.target("webhook_endpoint_id")
    await store.update(endpoint["id"], {"deleted_at": store.now(), "active": False}, None)
    return int(endpoint["id"])
