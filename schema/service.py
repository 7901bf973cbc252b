"""The service side: tickets and their events, visits, assets, contracts, surveys."""

from __future__ import annotations

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
    """Its fields are all in the catalogue."""


@entity_type("TicketEvent")
class TicketEvent(Node):
    """Its fields are all in the catalogue."""


@entity_type("ServiceVisit")
class ServiceVisit(Node):
    """Its fields are all in the catalogue."""


@entity_type("SurveyResponse")
class SurveyResponse(Node):
    """Its fields are all in the catalogue."""
