"""The webhook endpoint use cases as this process runs them: with its outbound-address rules."""

from __future__ import annotations

from functools import partial

from domain import webhooks
from resolvers.mutations import UseCase
from workflows import destinations


def endpoint_creation() -> UseCase[tuple[int, str]]:
    """`create_webhook_endpoint`, its URL checked by the process's SSRF guard; it returns the
    endpoint's key and its secret."""
    return partial(
        webhooks.create_webhook_endpoint, check_destination=destinations.current().problem
    )
