"""Leads and opportunities: the sales side of the 360° view."""

from __future__ import annotations

from schema.generated import entity_type
from schema.node import Node


@entity_type("Lead")
class Lead(Node):
    """Its fields are all in the catalogue."""


@entity_type("Opportunity")
class Opportunity(Node):
    """Its fields are all in the catalogue."""


@entity_type("OpportunityStageChange")
class OpportunityStageChange(Node):
    """Its fields are all in the catalogue."""
