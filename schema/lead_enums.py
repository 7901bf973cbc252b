"""GraphQL enums of lead routing (issue 11), kept beside `schema.enums` to ease merging."""

from __future__ import annotations

import strawberry

from domain.enums import (
    AssignmentStrategy,
    CalendarName,
    LeadOfferStatus,
    ScoringFitField,
    ScoringRuleKind,
)

__all__ = [
    "AssignmentStrategy",
    "CalendarName",
    "LeadOfferStatus",
    "ScoringFitField",
    "ScoringRuleKind",
]

strawberry.enum(
    AssignmentStrategy,
    description="ROUND_ROBIN over the rule's assignees, or LEAST_OPEN_LEADS among them.",
)
strawberry.enum(
    CalendarName,
    description="BUSINESS: working hours and holidays (Asia/Shanghai); ALWAYS: 24×7.",
)
strawberry.enum(LeadOfferStatus, description="A partner offer of a lead, or how it ended.")
strawberry.enum(ScoringRuleKind, description="How a scoring rule gives points.")
strawberry.enum(ScoringFitField, description="The lead field a FIT scoring rule looks at.")
