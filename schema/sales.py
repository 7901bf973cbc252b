"""Leads and opportunities: the sales side of the 360° view."""

from __future__ import annotations

from schema.generated import computed, entity_type
from schema.lead_scoring import LeadScoreContribution, contributions
from schema.node import Node


@entity_type("Lead")
class Lead(Node):
    """Its fields are in the catalogue; the explanation of its score is read from its row."""

    @computed("Lead", "score_explanation")
    def score_contributions(self) -> list[LeadScoreContribution]:
        return contributions(self.score_explanation)


@entity_type("Opportunity")
class Opportunity(Node):
    """Its fields are all in the catalogue."""


@entity_type("OpportunityStageChange")
class OpportunityStageChange(Node):
    """Its fields are all in the catalogue."""
