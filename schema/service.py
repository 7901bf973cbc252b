"""The service side: tickets and their events, visits, assets, contracts, surveys."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.generated import entity_type
from schema.node import Node


@entity_type("Asset")
class Asset(Node):
    """Its fields are all in the catalogue."""


@entity_type("Contract")
class Contract(Node):
    """Its fields are all in the catalogue."""


@entity_type("Ticket")
class Ticket(Node):
    @strawberry.field(description="On-site visits for this ticket, latest first.")
    async def service_visits(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ServiceVisit]:
        return await lists.nested(
            info,
            "ServiceVisit",
            self.db_id,
            None,
            None,
            first,
            after,
            last,
            before,
            parent_column="ticket_id",
        )


@entity_type("TicketEvent")
class TicketEvent(Node):
    """Its fields are all in the catalogue."""


@entity_type("ServiceVisit")
class ServiceVisit(Node):
    """Its fields are all in the catalogue."""


@entity_type("SurveyResponse")
class SurveyResponse(Node):
    """Its fields are all in the catalogue."""
