"""Contacts, touchpoints, follow-up tasks and the merged customer timeline."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.connection import OrderDirection
from schema.enums import Channel, Direction, InteractionKind, TaskKind, TaskStatus
from schema.node import Node
from schema.registry import entity
from schema.sales import Lead, Opportunity, OpportunityStageChange
from schema.service import ServiceVisit, Ticket, TicketEvent

if TYPE_CHECKING:
    from schema.customer import Customer
    from schema.people import User

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"


@entity("Contact")
@strawberry.type(description="A person at a customer.")
class Contact(Node):
    name: str = strawberry.field(description="Full name.")
    title: str | None = strawberry.field(description="Job title.")
    email: str | None = strawberry.field(description="E-mail address.")
    phone: str | None = strawberry.field(description="Phone number.")
    is_primary: bool = strawberry.field(description="The customer's main contact.")
    wecom_user_id: str | None = strawberry.field(
        description="WeChat Work (企业微信) user id; inbound messages are matched by it."
    )
    dingtalk_user_id: str | None = strawberry.field(
        description="DingTalk (钉钉) user id; inbound messages are matched by it."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    customer_id: strawberry.Private[int]

    @strawberry.field(description="The customer this person works at.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)


@entity("Interaction")
@strawberry.type(description="One touchpoint on any channel.")
class Interaction(Node):
    channel: Channel = strawberry.field(description="Where it happened.")
    direction: Direction = strawberry.field(description="Inbound or outbound.")
    kind: InteractionKind = strawberry.field(
        description="What it was: a call, a message, a demo request, a download…"
    )
    summary: str = strawberry.field(description="What was said or done.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    created_at: datetime = strawberry.field(description="When it was logged.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    customer_id: strawberry.Private[int | None]
    contact_id: strawberry.Private[int | None]
    lead_id: strawberry.Private[int | None]
    actor_id: strawberry.Private[int | None]

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


@entity("Task")
@strawberry.type(description="A follow-up someone must do by a time.")
class Task(Node):
    subject: str = strawberry.field(description="What to do.")
    kind: TaskKind = strawberry.field(description="Why the task exists.")
    due_at: datetime = strawberry.field(description="When it is due.")
    status: TaskStatus = strawberry.field(description="Open, done or cancelled.")
    rule: str | None = strawberry.field(description="The rule that created it, if automatic.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    assignee_id: strawberry.Private[int | None]
    customer_id: strawberry.Private[int | None]
    lead_id: strawberry.Private[int | None]
    opportunity_id: strawberry.Private[int | None]
    ticket_id: strawberry.Private[int | None]

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


@strawberry.enum(description="Orderings of contacts.")
class ContactOrderField(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort contacts by one field.")
class ContactOrder:
    field: ContactOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a contact list.")
class ContactFilter:
    search: str | None = strawberry.field(
        default=None, description="Substring of name/e-mail/phone."
    )
    customer_id: strawberry.ID | None = None
    is_primary: bool | None = None
    updated_since: datetime | None = None


@strawberry.enum(description="Orderings of interactions.")
class InteractionOrderField(Enum):
    OCCURRED_AT = "OCCURRED_AT"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort interactions by one field.")
class InteractionOrder:
    field: InteractionOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow an interaction list.")
class InteractionFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the summary.")
    channel: list[Channel] | None = None
    kind: list[InteractionKind] | None = None
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None


@strawberry.enum(description="Orderings of tasks.")
class TaskOrderField(Enum):
    DUE_AT = "DUE_AT"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort tasks by one field.")
class TaskOrder:
    field: TaskOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a task list.")
class TaskFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the subject.")
    status: list[TaskStatus] | None = None
    assignee_id: strawberry.ID | None = None
    due_before: datetime | None = None
    updated_since: datetime | None = None
