"""Marketing campaigns: the type, its list, and `createCampaign`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain import campaigns
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.enums import CampaignStatus, Channel
from schema.errors import UserError
from schema.generated import CampaignFilter, CampaignOrder, entity_type
from schema.ids import decode_id_of
from schema.node import Node
from schema.use_cases import run


@entity_type("Campaign")
class Campaign(Node):
    """Its fields are all in the catalogue."""


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
