"""Leads and opportunities: the sales side of the 360° view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.generated import NurtureEnrollmentOrder, computed, entity_type
from schema.lead_scoring import LeadScoreContribution, contributions
from schema.node import Node

if TYPE_CHECKING:
    from schema.nurture import NurtureEnrollment

NURTURE = "schema.nurture"


@entity_type("Lead")
class Lead(Node):
    """Its fields are in the catalogue; the explanation of its score is read from its row."""

    @computed("Lead", "score_explanation")
    def score_contributions(self) -> list[LeadScoreContribution]:
        return contributions(self.score_explanation)

    @strawberry.field(description="The nurture sequences this lead is in, with step progress.")
    async def nurture_enrollments(
        self,
        info: Info,
        order_by: NurtureEnrollmentOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[NurtureEnrollment, strawberry.lazy(NURTURE)]]:
        return await lists.nested(
            info, "NurtureEnrollment", self.db_id, None, order_by, first, after, last, before,
            parent_column="lead_id",
        )  # fmt: skip


@entity_type("Opportunity")
class Opportunity(Node):
    """Its fields are all in the catalogue."""


@entity_type("OpportunityStageChange")
class OpportunityStageChange(Node):
    """Its fields are all in the catalogue."""
