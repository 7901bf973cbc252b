"""Customer: the centre of the 360° view, with every related list as a connection."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from schema import lists, timeline
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.engagement import (
    Contact,
    ContactOrder,
    Interaction,
    InteractionFilter,
    InteractionOrder,
    Task,
    TimelineItem,
)
from schema.enums import CustomerStatus, CustomerTier, LifecycleStage, Region
from schema.node import Node
from schema.people import Partner, User
from schema.registry import entity
from schema.sales import Opportunity, OpportunityFilter, OpportunityOrder
from schema.service import (
    Asset,
    AssetOrder,
    Contract,
    ContractOrder,
    SurveyResponse,
    Ticket,
    TicketFilter,
    TicketOrder,
)


@strawberry.enum(description="Orderings of customers.")
class CustomerOrderField(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort customers by one field.")
class CustomerOrder:
    field: CustomerOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a customer list; all given conditions must hold.")
class CustomerFilter:
    search: str | None = strawberry.field(
        default=None, description="Substring of the name (华为 finds 华为技术有限公司)."
    )
    region: list[Region] | None = strawberry.field(
        default=None, description="Any of these regions."
    )
    industry: str | None = strawberry.field(default=None, description="Industry, case-insensitive.")
    status: list[CustomerStatus] | None = None
    lifecycle_stage: list[LifecycleStage] | None = None
    tier: list[CustomerTier] | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Owning user.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Partner.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (for sync)."
    )


@entity("Customer")
@strawberry.type(description="A company account: the centre of the 360° view.")
class Customer(Node):
    name: str = strawberry.field(description="Registered company name, Chinese or English.")
    tax_id: str | None = strawberry.field(
        description="Unified Social Credit Code (统一社会信用代码), 18 characters."
    )
    industry: str | None = strawberry.field(description="Industry, free text.")
    region: Region = strawberry.field(description="Sales region.")
    tier: CustomerTier = strawberry.field(description="Account importance.")
    lifecycle_stage: LifecycleStage = strawberry.field(description="Customer journey stage.")
    status: CustomerStatus = strawberry.field(description="Prospect, active or churned.")
    phone: str | None = strawberry.field(description="Switchboard phone number.")
    address: str | None = strawberry.field(description="Postal address.")
    credit_limit: Decimal | None = strawberry.field(description="Credit limit in CNY.")
    internal_notes: str | None = strawberry.field(description="Notes for our staff only.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    owner_id: strawberry.Private[int | None]
    partner_id: strawberry.Private[int | None]

    @strawberry.field(description="The sales owner.")
    async def owner(self, info: Info) -> User | None:
        return await lists.node(info, "User", self.owner_id)

    @strawberry.field(description="The channel partner serving this customer.")
    async def partner(self, info: Info) -> Partner | None:
        return await lists.node(info, "Partner", self.partner_id)

    @strawberry.field(description="Sum of won opportunities (CLOSED_WON amounts) you can see.")
    async def lifetime_value(self, info: Info) -> Decimal:
        return await timeline.lifetime_value(info, self.db_id)

    @strawberry.field(description="People at this customer.")
    async def contacts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: ContactOrder | None = None,
    ) -> Connection[Contact]:
        return await lists.nested(
            info, "Contact", self.db_id, None, order_by, first, after, last, before
        )

    @strawberry.field(description="Deals with this customer.")
    async def opportunities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: OpportunityFilter | None = None,
        order_by: OpportunityOrder | None = None,
    ) -> Connection[Opportunity]:
        return await lists.nested(
            info, "Opportunity", self.db_id, filter, order_by, first, after, last, before
        )

    @strawberry.field(description="Service requests of this customer.")
    async def tickets(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: TicketFilter | None = None,
        order_by: TicketOrder | None = None,
    ) -> Connection[Ticket]:
        return await lists.nested(
            info, "Ticket", self.db_id, filter, order_by, first, after, last, before
        )

    @strawberry.field(description="Installed products at this customer's sites.")
    async def assets(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: AssetOrder | None = None,
    ) -> Connection[Asset]:
        return await lists.nested(
            info, "Asset", self.db_id, None, order_by, first, after, last, before
        )

    @strawberry.field(description="What this customer bought, with its terms.")
    async def contracts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: ContractOrder | None = None,
    ) -> Connection[Contract]:
        return await lists.nested(
            info, "Contract", self.db_id, None, order_by, first, after, last, before
        )

    @strawberry.field(description="Touchpoints on every channel.")
    async def interactions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: InteractionFilter | None = None,
        order_by: InteractionOrder | None = None,
    ) -> Connection[Interaction]:
        return await lists.nested(
            info, "Interaction", self.db_id, filter, order_by, first, after, last, before
        )

    @strawberry.field(description="CSAT and NPS answers of this customer.")
    async def survey_responses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SurveyResponse]:
        return await lists.nested(
            info, "SurveyResponse", self.db_id, None, None, first, after, last, before
        )

    @strawberry.field(description="Follow-ups about this customer.")
    async def tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Task]:
        return await lists.nested(info, "Task", self.db_id, None, None, first, after, last, before)

    @strawberry.field(
        description="Everything that happened with this customer, newest first: interactions, "
        "ticket events, deal stage changes and service visits you may see."
    )
    async def timeline(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TimelineItem]:
        return await timeline.customer_timeline(
            info, self.db_id, lists.page_args(first, after, last, before)
        )
