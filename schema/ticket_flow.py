"""Service tickets (受理→分析→处理→回访) and the technicians' visits for them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import service
from persistence.service_store import ServiceStore
from schema import lists
from schema.enums import Channel, TicketKind, TicketPriority, TicketStatus
from schema.errors import UserError
from schema.service import ServiceVisit, Ticket
from schema.use_cases import run, target

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="A new service request.")
class CreateTicketInput:
    customer_id: strawberry.ID
    subject: str
    kind: TicketKind
    description: str | None = None
    priority: TicketPriority | None = None
    channel: Channel | None = None
    contact_id: strawberry.ID | None = None
    asset_id: strawberry.ID | None = None


@strawberry.input(description="Give a ticket to a technician or service agent.")
class AssignTicketInput:
    ticket_id: strawberry.ID
    assignee_id: strawberry.ID


@strawberry.input(description="Move a ticket along 受理→分析→处理→回访.")
class UpdateTicketStatusInput:
    ticket_id: strawberry.ID
    status: TicketStatus
    expected_version: int | None = None


@strawberry.type(description="Result of a ticket mutation.")
class TicketPayload:
    ticket: Ticket | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A technician's visit for a ticket.")
class RecordServiceVisitInput:
    ticket_id: strawberry.ID
    scheduled_start: datetime
    scheduled_end: datetime
    technician_id: strawberry.ID | None = None
    check_in_at: datetime | None = None
    check_out_at: datetime | None = None
    parts_used: JSON | None = None
    notes: str | None = None
    customer_rating: int | None = None
    upsell_note: str | None = strawberry.field(
        default=None, description="A sales opportunity seen on site: becomes a lead (SERVICE)."
    )


@strawberry.type(description="Result of recordServiceVisit.")
class RecordServiceVisitPayload:
    service_visit: ServiceVisit | None
    user_errors: list[UserError] = ERRORS


@strawberry.type
class TicketMutation:
    @strawberry.mutation(description="Open a service ticket; SLA targets follow its priority.")
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> TicketPayload:
        pk, errors = await run(info, input, service.create_ticket, ServiceStore)
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Assign a ticket; a NEW ticket becomes ACCEPTED (受理).")
    async def assign_ticket(self, info: Info, input: AssignTicketInput) -> TicketPayload:
        pk, errors = await run(info, input, service.assign_ticket)
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Move a ticket to its next status; pass `expectedVersion`.")
    async def update_ticket_status(
        self, info: Info, input: UpdateTicketStatusInput
    ) -> TicketPayload:
        pk, errors = await run(info, input, service.update_ticket_status)
        pk = target(pk, input.ticket_id, "Ticket")
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Record a technician's visit for a ticket.")
    async def record_service_visit(
        self, info: Info, input: RecordServiceVisitInput
    ) -> RecordServiceVisitPayload:
        pk, errors = await run(info, input, service.record_service_visit, ServiceStore)
        return RecordServiceVisitPayload(
            service_visit=await lists.node(info, "ServiceVisit", pk), user_errors=errors
        )
