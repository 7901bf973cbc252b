"""Customer: the centre of the 360° view, with every related list as a connection."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema import lists, timeline
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.engagement import Contact, Interaction, Task, TimelineItem
from schema.generated import (
    AssetOrder,
    ContactOrder,
    ContractOrder,
    InteractionFilter,
    InteractionOrder,
    OpportunityFilter,
    OpportunityOrder,
    TicketFilter,
    TicketOrder,
    computed,
    entity_type,
)
from schema.node import Node
from schema.sales import Opportunity
from schema.service import Asset, Contract, SurveyResponse, Ticket


@entity_type("Customer")
class Customer(Node):
    @computed("Customer")
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

    @computed("Customer")
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
