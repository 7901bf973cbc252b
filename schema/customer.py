"""Customer: the centre of the 360° view. Its columns, references, connections and lifetime
value are the catalogue's (`catalogue.accounts.CUSTOMER`); its merged timeline is typed here."""

from __future__ import annotations

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
    async def timeline(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TimelineItem]:
        return await timeline.feed(
            info, "Customer", "timeline", self.db_id, lists.page_args(first, after, last, before)
        )
