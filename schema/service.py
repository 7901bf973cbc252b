"""The service side: tickets and their events, visits, assets, contracts, surveys."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.enums import (
    Channel,
    ContractStatus,
    SurveyKind,
    TicketEventKind,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from schema.node import Node
from schema.registry import entity

if TYPE_CHECKING:
    from schema.customer import Customer
    from schema.engagement import Contact
    from schema.people import User
    from schema.sales import Lead

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"
SALES = "schema.sales"
ENGAGEMENT = "schema.engagement"


@entity("Asset")
@strawberry.type(description="An installed product at a customer site.")
class Asset(Node):
    model: str = strawberry.field(description="Product model.")
    serial_number: str = strawberry.field(description="Serial number, unique.")
    installed_at: date | None = strawberry.field(description="Installation date.")
    warranty_ends_at: date | None = strawberry.field(description="Last day of warranty.")
    site_address: str | None = strawberry.field(description="Where it is installed.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    customer_id: strawberry.Private[int]

    @strawberry.field(description="The owning customer.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity("Contract")
@strawberry.type(description="What a customer bought, with its term.")
class Contract(Node):
    number: str = strawberry.field(description="Contract number.")
    starts_on: date = strawberry.field(description="First day of the term.")
    ends_on: date = strawberry.field(description="Last day of the term (renewal date).")
    value: Decimal = strawberry.field(description="Contract value.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    status: ContractStatus = strawberry.field(description="State of the contract.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    customer_id: strawberry.Private[int]

    @strawberry.field(description="The customer.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity("Ticket")
@strawberry.type(description="A service request or work order.")
class Ticket(Node):
    number: str = strawberry.field(description="Human-readable ticket number.")
    subject: str = strawberry.field(description="One-line summary.")
    description: str | None = strawberry.field(description="Details from the customer.")
    kind: TicketKind = strawberry.field(description="What the ticket is about.")
    priority: TicketPriority = strawberry.field(description="How urgent it is.")
    status: TicketStatus = strawberry.field(description="Where it is in 受理→分析→处理→回访.")
    channel: Channel = strawberry.field(description="Channel it came in on.")
    first_response_due_at: datetime | None = strawberry.field(description="First-response SLA.")
    first_responded_at: datetime | None = strawberry.field(description="When first answered.")
    resolution_due_at: datetime | None = strawberry.field(description="Resolution SLA.")
    resolved_at: datetime | None = strawberry.field(description="When resolved.")
    escalation_level: int = strawberry.field(description="0 = not escalated.")
    csat_score: int | None = strawberry.field(description="Customer satisfaction, 1–5.")
    internal_notes: str | None = strawberry.field(description="Notes for our staff only.")
    created_at: datetime = strawberry.field(description="When the ticket was opened.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    customer_id: strawberry.Private[int]
    contact_id: strawberry.Private[int | None]
    asset_id: strawberry.Private[int | None]
    assignee_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The person who reported it.")
    async def contact(self, info: Info) -> Annotated[Contact, strawberry.lazy(ENGAGEMENT)] | None:
        return await lists.node(info, "Contact", self.contact_id)

    @strawberry.field(description="The product concerned.")
    async def asset(self, info: Info) -> Asset | None:
        return await lists.node(info, "Asset", self.asset_id)

    @strawberry.field(description="Who works on it.")
    async def assignee(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.assignee_id)

    @strawberry.field(description="On-site visits for this ticket, latest first.")
    async def service_visits(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ServiceVisit]:
        return await lists.nested(
            info,
            "ServiceVisit",
            self.db_id,
            None,
            None,
            first,
            after,
            last,
            before,
            parent_column="ticket_id",
        )


@entity("TicketEvent")
@strawberry.type(description="Something that happened to a ticket; part of the timeline.")
class TicketEvent(Node):
    kind: TicketEventKind = strawberry.field(description="What happened.")
    from_status: TicketStatus | None = strawberry.field(description="Status before.")
    to_status: TicketStatus | None = strawberry.field(description="Status after.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    ticket_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="The ticket.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)

    @strawberry.field(description="Who did it.")
    async def actor(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.actor_id)


@entity("ServiceVisit")
@strawberry.type(description="A technician's on-site appointment for a ticket.")
class ServiceVisit(Node):
    scheduled_start: datetime = strawberry.field(description="Planned arrival.")
    scheduled_end: datetime = strawberry.field(description="Planned end.")
    check_in_at: datetime | None = strawberry.field(description="Actual arrival.")
    check_out_at: datetime | None = strawberry.field(description="Actual departure.")
    parts_used: JSON = strawberry.field(description="Parts used, free-form list.")
    notes: str | None = strawberry.field(description="Technician's notes.")
    customer_rating: int | None = strawberry.field(description="Customer's rating, 1–5.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    ticket_id: strawberry.Private[int]
    technician_id: strawberry.Private[int | None]
    lead_id: strawberry.Private[int | None]

    @strawberry.field(description="The ticket this visit works on.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)

    @strawberry.field(description="The technician.")
    async def technician(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.technician_id)

    @strawberry.field(description="The sales lead this visit's upsell note raised, if any.")
    async def lead(self, info: Info) -> Annotated[Lead, strawberry.lazy(SALES)] | None:
        return await lists.node(info, "Lead", self.lead_id)


@entity("SurveyResponse")
@strawberry.type(description="A CSAT (1–5) or NPS (0–10) answer.")
class SurveyResponse(Node):
    kind: SurveyKind = strawberry.field(description="CSAT or NPS.")
    score: int = strawberry.field(description="The score given.")
    comment: str | None = strawberry.field(description="Free-text comment.")
    responded_at: datetime = strawberry.field(description="When answered.")
    customer_id: strawberry.Private[int]
    ticket_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer who answered.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The ticket the survey followed, if any.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)


@strawberry.enum(description="Orderings of tickets.")
class TicketOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    NUMBER = "NUMBER"
    ID = "ID"


@strawberry.input(description="Sort tickets by one field.")
class TicketOrder:
    field: TicketOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="Orderings of assets.")
class AssetOrderField(Enum):
    SERIAL_NUMBER = "SERIAL_NUMBER"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort assets by one field.")
class AssetOrder:
    field: AssetOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="Orderings of contracts.")
class ContractOrderField(Enum):
    ENDS_ON = "ENDS_ON"
    NUMBER = "NUMBER"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort contracts by one field.")
class ContractOrder:
    field: ContractOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="Orderings of service visits.")
class ServiceVisitOrderField(Enum):
    SCHEDULED_START = "SCHEDULED_START"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort service visits by one field.")
class ServiceVisitOrder:
    field: ServiceVisitOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a ticket list.")
class TicketFilter:
    search: str | None = strawberry.field(default=None, description="Substring of subject/number.")
    status: list[TicketStatus] | None = None
    priority: list[TicketPriority] | None = None
    kind: list[TicketKind] | None = None
    assignee_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None


@strawberry.input(description="Narrow an asset list.")
class AssetFilter:
    search: str | None = strawberry.field(default=None, description="Substring of model/serial.")
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None


@strawberry.input(description="Narrow a contract list.")
class ContractFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the number.")
    status: list[ContractStatus] | None = None
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None


@strawberry.input(description="Narrow a service visit list.")
class ServiceVisitFilter:
    technician_id: strawberry.ID | None = None
    ticket_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None
