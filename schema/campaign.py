"""Marketing campaigns: the type, its list, and `createCampaign`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from domain import campaigns
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.enums import CampaignStatus, Channel
from schema.errors import UserError
from schema.ids import decode_id_of
from schema.node import Node
from schema.registry import entity
from schema.use_cases import run


@entity("Campaign")
@strawberry.type(description="A marketing activity that brings leads (`Lead.campaign`).")
class Campaign(Node):
    name: str = strawberry.field(description="What the campaign is called.")
    channel: Channel = strawberry.field(description="The channel it runs on.")
    starts_on: date = strawberry.field(description="First day of the campaign.")
    ends_on: date = strawberry.field(description="Last day of the campaign.")
    cost: Decimal = strawberry.field(description="What it cost (CNY).")
    status: CampaignStatus = strawberry.field(description="Where the campaign is in its life.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="The record's version.")


@strawberry.enum(description="Orderings of campaigns.")
class CampaignOrderField(Enum):
    STARTS_ON = "STARTS_ON"
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort campaigns by one field.")
class CampaignOrder:
    field: CampaignOrderField
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input(description="Narrow a campaign list.")
class CampaignFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the name.")
    status: list[CampaignStatus] | None = None
    channel: list[Channel] | None = None
    updated_since: datetime | None = None


@strawberry.input(description="A new marketing campaign.")
class CreateCampaignInput:
    name: str
    channel: Channel
    starts_on: date
    ends_on: date
    cost: Decimal
    status: CampaignStatus | None = None


@strawberry.type(description="Result of createCampaign.")
class CreateCampaignPayload:
    campaign: Campaign | None
    user_errors: list[UserError]


@strawberry.type
class CampaignQuery:
    @strawberry.field(description="A campaign by ID.")
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign | None:
        return await lists.node(info, "Campaign", decode_id_of(id, "Campaign", "id"))

    @strawberry.field(description="Campaigns you can see.")
    async def campaigns(
        self,
        info: Info,
        filter: CampaignFilter | None = None,
        order_by: CampaignOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Campaign]:
        return await lists.root(info, "Campaign", filter, order_by, first, after, last, before)


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(description="Start a marketing campaign (admins, sales managers).")
    async def create_campaign(
        self, info: Info, input: CreateCampaignInput
    ) -> CreateCampaignPayload:
        pk, errors = await run(info, input, campaigns.create_campaign)
        return CreateCampaignPayload(
            campaign=await lists.node(info, "Campaign", pk), user_errors=errors
        )
