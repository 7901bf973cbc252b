"""Contacts, touchpoints, follow-up tasks and the merged customer timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.generated import entity_type
from schema.node import Node
from schema.sales import Lead, Opportunity, OpportunityStageChange
from schema.service import ServiceVisit, Ticket, TicketEvent

if TYPE_CHECKING:
    from schema.customer import Customer
    from schema.people import User

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"


@entity_type("Contact")
class Contact(Node):
    @strawberry.field(description="The customer this person works at.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity_type("Interaction")
class Interaction(Node):
    @strawberry.field(description="The customer concerned.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The person we talked to.")
    async def contact(self, info: Info) -> Contact | None:
        return await lists.node(info, "Contact", self.contact_id)

    @strawberry.field(description="The lead concerned, before conversion.")
    async def lead(self, info: Info) -> Lead | None:
        return await lists.node(info, "Lead", self.lead_id)

    @strawberry.field(description="Who on our side.")
    async def actor(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.actor_id)


@entity_type("Task")
class Task(Node):
    @strawberry.field(description="Who must do it.")
    async def assignee(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.assignee_id)

    @strawberry.field(description="The record the task is about.")
    async def subject_record(self, info: Info) -> TaskSubject | None:
        for type_name, pk in (
            ("Customer", self.customer_id),
            ("Lead", self.lead_id),
            ("Opportunity", self.opportunity_id),
            ("Ticket", self.ticket_id),
        ):
            if pk is not None:
                return await lists.node(info, type_name, pk)  # type: ignore[no-any-return]
        return None


TaskSubject = Annotated[
    Annotated["Customer", strawberry.lazy(CUSTOMER)] | Lead | Opportunity | Ticket,
    strawberry.union("TaskSubject", description="What a task can be about."),
]

TimelineItem = Annotated[
    Interaction | TicketEvent | OpportunityStageChange | ServiceVisit,
    strawberry.union("TimelineItem", description="One entry of a customer's timeline."),
]
