"""Lead scoring (issue 11): the scoring rules, the contributions that explain `Lead.score`, the
root list `scoringRules`, and the admins' mutations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from domain import scoring_rules
from domain.enums import ScoringFitField, ScoringRuleKind
from persistence.errors import BadInput
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.enums import Channel, Direction, InteractionKind
from schema.errors import UserError
from schema.generated import ScoringRuleFilter, ScoringRuleOrder, entity_type
from schema.ids import decode_id_of, encode_id
from schema.node import Node
from schema.use_cases import run

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@entity_type("ScoringRule")
class ScoringRule(Node):
    """Its fields are all in the catalogue."""


@strawberry.type(description="One reason for a lead's score: what happened or what fits.")
class LeadScoreContribution:
    reason: str = strawberry.field(
        description="Why, for a person: `Demo requested via WeChat Work, 3 days ago`."
    )
    points: float = strawberry.field(
        description="Points it gave when scored (decayed by age for BEHAVIOUR), one decimal."
    )
    kind: ScoringRuleKind = strawberry.field(description="BEHAVIOUR or FIT.")
    rule_name: str = strawberry.field(description="The name of the rule that gave the points.")
    scoring_rule_id: strawberry.ID = strawberry.field(description="The ID of that rule.")


def contributions(stored: Sequence[Mapping[str, Any]] | None) -> list[LeadScoreContribution]:
    """The stored explanation (`lead.score_explanation`), largest contribution first."""
    return [
        LeadScoreContribution(
            reason=c["reason"],
            points=float(c["points"]),
            kind=ScoringRuleKind(c["kind"]),
            rule_name=c["ruleName"],
            scoring_rule_id=strawberry.ID(encode_id("ScoringRule", int(c["ruleId"]))),
        )
        for c in stored or ()
    ]


@dataclass(frozen=True)
class JsonListShape:
    """How the read compiler serves a list field kept as a JSON array column: each GraphQL
    field of an element read from a key (`keys`) or encoded as a global ID (`ids`)."""

    column: str
    keys: Mapping[str, str]
    ids: Mapping[str, tuple[str, str]]


#: (type, field) -> its stored shape; the resolver above and the compiler read the same JSON.
JSON_LISTS = {
    ("Lead", "scoreExplanation"): JsonListShape(
        column="score_explanation",
        keys={"reason": "reason", "points": "points", "kind": "kind", "ruleName": "ruleName"},
        ids={"scoringRuleId": ("ruleId", "ScoringRule")},
    )
}


@strawberry.input(
    description="A new scoring rule. BEHAVIOUR needs `channel` or `interactionKind`; FIT needs "
    "`field` and `value`. Every open lead is scored again under the new rules."
)
class CreateScoringRuleInput:
    name: str
    kind: ScoringRuleKind
    points: int
    channel: Channel | None = None
    interaction_kind: InteractionKind | None = None
    direction: Direction | None = None
    half_life_days: int | None = None
    field: ScoringFitField | None = None
    value: str | None = None
    active: bool | None = None


@strawberry.input(
    description="Change a scoring rule; absent fields stay as they are. Every open lead is "
    "scored again under the changed rules."
)
class UpdateScoringRuleInput:
    scoring_rule_id: strawberry.ID
    expected_version: int | None = None
    name: str | None = None
    kind: ScoringRuleKind | None = None
    points: int | None = None
    channel: Channel | None = None
    interaction_kind: InteractionKind | None = None
    direction: Direction | None = None
    half_life_days: int | None = None
    field: ScoringFitField | None = None
    value: str | None = None
    active: bool | None = None


@strawberry.type(description="Result of createScoringRule and updateScoringRule.")
class ScoringRulePayload:
    scoring_rule: ScoringRule | None
    user_errors: list[UserError] = ERRORS


@strawberry.type
class LeadScoringQuery:
    @strawberry.field(description="The weights of the lead score (admins manage; managers read).")
    async def scoring_rules(
        self,
        info: Info,
        filter: ScoringRuleFilter | None = None,
        order_by: ScoringRuleOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ScoringRule]:
        return await lists.root(info, "ScoringRule", filter, order_by, first, after, last, before)


@strawberry.type
class LeadScoringMutation:
    @strawberry.mutation(description="Add a lead scoring rule (admins).")
    async def create_scoring_rule(
        self, info: Info, input: CreateScoringRuleInput
    ) -> ScoringRulePayload:
        pk, errors = await run(info, input, scoring_rules.create_rule)
        rule = await lists.node(info, "ScoringRule", pk)
        return ScoringRulePayload(scoring_rule=rule, user_errors=errors)

    @strawberry.mutation(description="Change a lead scoring rule (admins).")
    async def update_scoring_rule(
        self, info: Info, input: UpdateScoringRuleInput
    ) -> ScoringRulePayload:
        pk, errors = await run(info, input, scoring_rules.update_rule)
        rule = await lists.node(info, "ScoringRule", pk if pk is not None else _pk(input))
        return ScoringRulePayload(scoring_rule=rule, user_errors=errors)


def _pk(input_: UpdateScoringRuleInput) -> int | None:
    try:
        return decode_id_of(str(input_.scoring_rule_id), "ScoringRule", "scoringRuleId")
    except BadInput:  # reported in userErrors already
        return None
