"""Customer: the centre of the 360° view. Its columns, references and connections are the
catalogue's (`catalogue.accounts.CUSTOMER`); its computed fields are here."""

from __future__ import annotations

from decimal import Decimal

from strawberry.types import Info

from schema import lists, timeline
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.engagement import TimelineItem
from schema.generated import computed, entity_type
from schema.node import Node


@entity_type("Customer")
class Customer(Node):
    @computed("Customer")
    async def lifetime_value(self, info: Info) -> Decimal:
        return await timeline.lifetime_value(info, self.db_id)

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
