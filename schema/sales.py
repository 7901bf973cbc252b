"""Leads and opportunities: the sales side of the 360° view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.generated import entity_type
from schema.node import Node

if TYPE_CHECKING:
    from schema.campaign import Campaign
    from schema.customer import Customer
    from schema.people import Partner, User

CUSTOMER = "schema.customer"
PEOPLE = "schema.people"
CAMPAIGN = "schema.campaign"


@entity_type("Lead")
class Lead(Node):
    @strawberry.field(description="The marketing campaign that brought this lead.")
    async def campaign(self, info: Info) -> Annotated[Campaign, strawberry.lazy(CAMPAIGN)] | None:
        return await lists.node(info, "Campaign", self.campaign_id)

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


@entity_type("Opportunity")
class Opportunity(Node):
    @strawberry.field(description="The customer the deal is with.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(CUSTOMER)] | None:
        return await lists.node(info, "Customer", self.customer_id)

    @strawberry.field(description="The sales owner.")
    async def owner(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.owner_id)

    @strawberry.field(description="The partner who brought or registered the deal.")
    async def partner(self, info: Info) -> Annotated[Partner, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "Partner", self.partner_id)


@entity_type("OpportunityStageChange")
class OpportunityStageChange(Node):
    @strawberry.field(description="The deal that moved.")
    async def opportunity(self, info: Info) -> Opportunity | None:
        return await lists.node(info, "Opportunity", self.opportunity_id)

    @strawberry.field(description="Who moved it.")
    async def actor(self, info: Info) -> Annotated[User, strawberry.lazy(PEOPLE)] | None:
        return await lists.node(info, "User", self.actor_id)
