"""Contacts, touchpoints, follow-up tasks and the merged customer timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeAlias, Union

import strawberry
from strawberry.types import Info

from schema import lists
from schema.generated import entity_type
from schema.node import Node
from schema.sales import Lead, Opportunity, OpportunityStageChange
from schema.service import ServiceVisit, Ticket, TicketEvent

CUSTOMER = "schema.customer"


@entity_type("Contact")
class Contact(Node):
    """Its fields are all in the catalogue."""


@entity_type("Interaction")
class Interaction(Node):
    """Its fields are all in the catalogue."""


@entity_type("Task")
class Task(Node):
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


if TYPE_CHECKING:
    from schema.customer import Customer

    TaskSubject: TypeAlias = Customer | Lead | Opportunity | Ticket
else:
    # `Customer` is named lazily (schema.customer imports this module), and resolved already: a
    # forward reference nested in the union would be looked up here, where it is not.
    TaskSubject = Annotated[
        Union[strawberry.LazyType("Customer", CUSTOMER), Lead, Opportunity, Ticket],  # noqa: UP007
        strawberry.union("TaskSubject", description="What a task can be about."),
    ]

TimelineItem = Annotated[
    Interaction | TicketEvent | OpportunityStageChange | ServiceVisit,
    strawberry.union("TimelineItem", description="One entry of a customer's timeline."),
]
