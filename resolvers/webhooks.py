"""Resolvers behind the webhook endpoint operations; they exist only in an admin's schema."""

from __future__ import annotations

from functools import partial
from typing import Any

from domain import webhooks
from resolvers import lists
from resolvers.mutations import run
from schema.errors import UserError
from schema.ids import decode_id_of, encode_id
from workflows import destinations


async def one(info: Any, global_id: str) -> Any:
    return await lists.node(
        info, "WebhookEndpoint", decode_id_of(global_id, "WebhookEndpoint", "id")
    )


async def create(info: Any, input_: Any) -> tuple[int | None, str | None, list[UserError]]:
    """The endpoint, its secret, and errors; the URL is checked by the process's SSRF guard."""
    use_case = partial(
        webhooks.create_webhook_endpoint, check_destination=destinations.current().problem
    )
    created, errors = await run(info, input_, use_case)
    if created is None:
        return None, None, errors
    pk, secret = created
    return pk, secret, errors


async def delete(info: Any, input_: Any) -> tuple[str | None, list[UserError]]:
    pk, errors = await run(info, input_, webhooks.delete_webhook_endpoint)
    return (encode_id("WebhookEndpoint", pk) if pk is not None else None), errors
