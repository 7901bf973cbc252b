"""Webhooks (CONTRACT §8): endpoints, their delivery log, and the admin mutations.

Every type here is policy-governed (`WebhookEndpoint`, `WebhookDelivery`): by default only an
admin's schema has them, so for any other role they, the root list and the mutations are absent.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain import webhooks
from resolvers import webhooks as resolve
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.errors import UserError
from schema.generated import (
    WebhookEndpointFilter,
    WebhookEndpointOrder,
    entity_type,
)
from schema.ids import decode_id_of, encode_id
from schema.node import Node
from schema.use_cases import run


@entity_type("WebhookDelivery")
class WebhookDelivery(Node):
    """Its fields are all in the catalogue."""


@entity_type("WebhookEndpoint")
class WebhookEndpoint(Node):
    """Its fields are all in the catalogue."""


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Webhook endpoints (admins), newest first.")
    async def webhook_endpoints(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: WebhookEndpointFilter | None = None,
        order_by: WebhookEndpointOrder | None = None,
    ) -> Connection[WebhookEndpoint]:
        return await lists.root(
            info, "WebhookEndpoint", filter, order_by, first, after, last, before
        )

    @strawberry.field(description="A webhook endpoint by ID.")
    async def webhook_endpoint(self, info: Info, id: strawberry.ID) -> WebhookEndpoint | None:
        pk = decode_id_of(id, "WebhookEndpoint", "id")
        return await lists.node(info, "WebhookEndpoint", pk)  # type: ignore[no-any-return]


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="Where to POST; in prod an https URL on a public address."
    )
    events: list[str] = strawberry.field(description="Event types to receive (CONTRACT §8).")
    description: str | None = None


@strawberry.type(description="Result of createWebhookEndpoint.")
class CreateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret (`whsec_…`): shown only here, keep it now."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation changed nothing; empty on success."
    )


@strawberry.input(description="The webhook endpoint to delete.")
class DeleteWebhookEndpointInput:
    webhook_endpoint_id: strawberry.ID


@strawberry.type(description="Result of deleteWebhookEndpoint.")
class DeleteWebhookEndpointPayload:
    deleted_webhook_endpoint_id: strawberry.ID | None = strawberry.field(
        description="The deleted endpoint's ID."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation changed nothing; empty on success."
    )


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Register a webhook endpoint (admins); the payload holds its secret once."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        created, errors = await run(info, input, resolve.endpoint_creation())
        pk, secret = created if created is not None else (None, None)
        return CreateWebhookEndpointPayload(
            webhook_endpoint=await lists.node(info, "WebhookEndpoint", pk),
            secret=secret,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Delete a webhook endpoint (admins): nothing more is delivered to it."
    )
    async def delete_webhook_endpoint(
        self, info: Info, input: DeleteWebhookEndpointInput
    ) -> DeleteWebhookEndpointPayload:
        pk, errors = await run(info, input, webhooks.delete_webhook_endpoint)
        deleted = encode_id("WebhookEndpoint", pk) if pk is not None else None
        return DeleteWebhookEndpointPayload(
            deleted_webhook_endpoint_id=strawberry.ID(deleted) if deleted else None,
            user_errors=errors,
        )
