"""Leads and opportunities: the sales side of the 360° view."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.enums import LeadSource, LeadStatus, OpportunityStage, Region, RegistrationStatus
from schema.lead_enums import LeadOfferStatus
from schema.node import Node
from schema.registry import entity

if TYPE_CHECKING:
    from schema.campaign import Campaign
    from schema.customer import Customer
    from schema.nurture import NurtureEnrollment, NurtureEnrollmentOrder
    from schema.people import Partner, User

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"
CAMPAIGN = "schema.campaign"
NURTURE = "schema.nurture"


@entity("Lead")
@strawberry.type(description="An inbound prospect not yet qualified.")
class Lead(Node):
    company_name: str = strawberry.field(description="The prospect's company.")
    contact_name: str | None = strawberry.field(description="Who we talk to.")
    email: str | None = strawberry.field(description="Contact e-mail.")
    phone: str | None = strawberry.field(description="Contact phone.")
    source: LeadSource = strawberry.field(description="Where the lead came from.")
    region: Region | None = strawberry.field(description="Region of the prospect.")
    industry: str | None = strawberry.field(description="Industry, free text.")
    score: int = strawberry.field(description="Qualification score, 0–100.")
    status: LeadStatus = strawberry.field(description="Qualification state.")
    first_contact_due_at: datetime | None = strawberry.field(
        description="When the first contact is due (assignment SLA)."
    )
    first_contacted_at: datetime | None = strawberry.field(description="When first contacted.")
    offer_status: LeadOfferStatus | None = strawberry.field(
        description="The partner offer: OFFERED, ACCEPTED, or how the last one ended."
    )
    offer_expires_at: datetime | None = strawberry.field(
        description="When an open partner offer lapses and the lead returns to the pool."
    )
    offer_rejection_reason: str | None = strawberry.field(
        description="Why the partner declined the last offer (`rejectLead`), for the managers."
    )
    created_at: datetime = strawberry.field(description="When the lead arrived.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    assignee_id: strawberry.Private[int | None]
    partner_id: strawberry.Private[int | None]
    converted_customer_id: strawberry.Private[int | None]
    campaign_id: strawberry.Private[int | None]

    @strawberry.field(description="The marketing campaign that brought this lead.")
    async def campaign(self, info: Info) -> Annotated[Campaign, strawberry.lazy(CAMPAIGN)] | None:
        return await lists.node(info, "Campaign", self.campaign_id)

    @strawberry.field(description="The nurture sequences this lead is in, with step progress.")
    async def nurture_enrollments(
        self,
        info: Info,
        order_by: Annotated[NurtureEnrollmentOrder, strawberry.lazy(NURTURE)] | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[NurtureEnrollment, strawberry.lazy(NURTURE)]]:
        return await lists.nested(
            info, "NurtureEnrollment", self.db_id, None, order_by, first, after, last, before,
            parent_column="lead_id",
        )  # fmt: skip

    @strawberry.field(description="The user working this lead.")
    async def assignee(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.assignee_id)

    @strawberry.field(description="The partner this lead was distributed to.")
    async def partner(self, info: Info) -> Annotated[Partner, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "Partner", self.partner_id)

    @strawberry.field(description="The customer this lead became, once converted.")
    async def converted_customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.converted_customer_id)


@entity("Opportunity")
@strawberry.type(description="A deal with a customer.")
class Opportunity(Node):
    name: str = strawberry.field(description="What the deal is.")
    amount: Decimal = strawberry.field(description="Deal value.")
    currency: str = strawberry.field(description="ISO 4217 code; CNY by default.")
    stage: OpportunityStage = strawberry.field(description="Sales stage.")
    probability: int = strawberry.field(description="Win probability in percent.")
    expected_close_date: date | None = strawberry.field(description="When we expect to close.")
    closed_at: datetime | None = strawberry.field(description="When it was won or lost.")
    registration_status: RegistrationStatus = strawberry.field(
        description="Deal registration by a partner."
    )
    margin_percent: Decimal | None = strawberry.field(description="Our margin, in percent.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    customer_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]
    partner_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer the deal is with.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The sales owner.")
    async def owner(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.owner_id)

    @strawberry.field(description="The partner who brought or registered the deal.")
    async def partner(self, info: Info) -> Annotated[Partner, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "Partner", self.partner_id)


@entity("OpportunityStageChange")
@strawberry.type(description="A deal moving between stages; part of the customer timeline.")
class OpportunityStageChange(Node):
    from_stage: OpportunityStage | None = strawberry.field(description="Stage before.")
    to_stage: OpportunityStage = strawberry.field(description="Stage after.")
    occurred_at: datetime = strawberry.field(description="When the stage changed.")
    opportunity_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="The deal that moved.")
    async def opportunity(self, info: Info) -> Opportunity | None:
        return await lists.node(info, "Opportunity", self.opportunity_id)

    @strawberry.field(description="Who moved it.")
    async def actor(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.actor_id)


@strawberry.enum(description="Orderings of leads.")
class LeadOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    COMPANY_NAME = "COMPANY_NAME"
    SCORE = "SCORE"
    ID = "ID"


@strawberry.input(description="Sort leads by one field.")
class LeadOrder:
    field: LeadOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a lead list.")
class LeadFilter:
    search: str | None = strawberry.field(default=None, description="Substring of company/contact.")
    status: list[LeadStatus] | None = None
    source: list[LeadSource] | None = None
    region: list[Region] | None = None
    industry: str | None = None
    assignee_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    updated_since: datetime | None = None


@strawberry.enum(description="Orderings of opportunities.")
class OpportunityOrderField(Enum):
    UPDATED_AT = "UPDATED_AT"
    CREATED_AT = "CREATED_AT"
    NAME = "NAME"
    AMOUNT = "AMOUNT"
    ID = "ID"


@strawberry.input(description="Sort opportunities by one field.")
class OpportunityOrder:
    field: OpportunityOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow an opportunity list.")
class OpportunityFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the name.")
    stage: list[OpportunityStage] | None = None
    registration_status: list[RegistrationStatus] | None = None
    owner_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    updated_since: datetime | None = None
