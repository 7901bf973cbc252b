"""The service side: tickets and their events, visits, assets, contracts, surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.generated import entity_type
from schema.node import Node

if TYPE_CHECKING:
    from schema.customer import Customer
    from schema.engagement import Contact
    from schema.people import User
    from schema.sales import Lead

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"
SALES = "schema.sales"
ENGAGEMENT = "schema.engagement"


@entity_type("Asset")
class Asset(Node):
    @strawberry.field(description="The owning customer.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity_type("Contract")
class Contract(Node):
    @strawberry.field(description="The customer.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity_type("Ticket")
class Ticket(Node):
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


@entity_type("TicketEvent")
class TicketEvent(Node):
    @strawberry.field(description="The ticket.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)

    @strawberry.field(description="Who did it.")
    async def actor(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.actor_id)


@entity_type("ServiceVisit")
class ServiceVisit(Node):
    @strawberry.field(description="The ticket this visit works on.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)

    @strawberry.field(description="The technician.")
    async def technician(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.technician_id)

    @strawberry.field(description="The sales lead this visit's upsell note raised, if any.")
    async def lead(self, info: Info) -> Annotated[Lead, strawberry.lazy(SALES)] | None:
        return await lists.node(info, "Lead", self.lead_id)


@entity_type("SurveyResponse")
class SurveyResponse(Node):
    @strawberry.field(description="The customer who answered.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The ticket the survey followed, if any.")
    async def ticket(self, info: Info) -> Ticket | None:
        return await lists.node(info, "Ticket", self.ticket_id)
