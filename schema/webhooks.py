"""Webhooks (CONTRACT §8): endpoints, their delivery log, and the admin mutations.

Every type here is policy-governed (`WebhookEndpoint`, `WebhookDelivery`): by default only an
admin's schema has them, so for any other role they, the root list and the mutations are absent.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from domain import webhooks
from domain.webhooks import DeliveryStatus
from resolvers import webhooks as resolve
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.errors import UserError
from schema.ids import decode_id_of, encode_id
from schema.node import Node
from schema.registry import entity
from schema.use_cases import run

strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where a delivery stands: PENDING (not yet delivered; see `nextAttemptAt`), "
    "DELIVERED (answered 2xx), FAILED (every attempt failed), CANCELLED (endpoint deleted).",
)


@entity("WebhookDelivery")
@strawberry.type(description="One event sent (or being sent) to one webhook endpoint.")
class WebhookDelivery(Node):
    event_id: str = strawberry.field(
        description="The event's id: the `webhook-id` header and the body's `id`, the same on "
        "every attempt."
    )
    event_type: str = strawberry.field(description="The event type, e.g. `ticket.created`.")
    status: DeliveryStatus = strawberry.field(description="Delivered, pending, failed.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    response_status: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when none came."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed; null after a delivery."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due; null once delivered or failed."
    )
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    delivered_at: datetime | None = strawberry.field(description="When the receiver took it.")
    created_at: datetime = strawberry.field(description="When the event was fanned out.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    webhook_endpoint_id: strawberry.Private[int]

    @strawberry.field(description="The endpoint it goes to.")
    async def webhook_endpoint(self, info: Info) -> WebhookEndpoint | None:
        return await lists.node(info, "WebhookEndpoint", self.webhook_endpoint_id)


@strawberry.input(description="Narrow a delivery log.")
class WebhookDeliveryFilter:
    status: list[DeliveryStatus] | None = None
    event_type: list[str] | None = None


@entity("WebhookEndpoint")
@strawberry.type(description="A URL that receives the events it subscribes to, signed.")
class WebhookEndpoint(Node):
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    description: str | None = strawberry.field(description="What it is for.")
    events: list[str] = strawberry.field(description="The event types it receives.")
    active: bool = strawberry.field(description="Whether new events are delivered to it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="Its deliveries, newest first: the delivery log.")
    async def deliveries(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: WebhookDeliveryFilter | None = None,
    ) -> Connection[WebhookDelivery]:
        return await lists.nested(
            info,
            "WebhookDelivery",
            self.db_id,
            filter,
            None,
            first,
            after,
            last,
            before,
            parent_column="webhook_endpoint_id",
        )


@strawberry.enum(description="Orderings of webhook endpoints.")
class WebhookEndpointOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort webhook endpoints by one field.")
class WebhookEndpointOrder:
    field: WebhookEndpointOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a list of webhook endpoints.")
class WebhookEndpointFilter:
    search: str | None = strawberry.field(default=None, description="Substring of url/description.")


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
