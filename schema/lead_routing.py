"""Assignment rules and web forms (CONTRACT §7, §9): their types, the root list
`assignmentRules`, and the admins' mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain import lead_rules
from domain.errors import Refused, bad_input
from persistence.errors import BadInput
from persistence.lead_desk import LeadStore
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.enums import LeadSource, Region
from schema.errors import UserError
from schema.generated import AssignmentRuleFilter, AssignmentRuleOrder, entity_type
from schema.ids import decode_id_of, encode_id
from schema.lead_enums import AssignmentStrategy, CalendarName
from schema.node import Node
from schema.use_cases import run

if TYPE_CHECKING:
    from schema.people import User

PEOPLE = "schema.people"
ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.type(description="Which leads a rule takes; an empty list matches any value.")
class AssignmentRuleMatch:
    regions: list[Region] = strawberry.field(description="Lead regions the rule takes.")
    industries: list[str] = strawberry.field(description="Lead industries (case-insensitive).")
    sources: list[LeadSource] = strawberry.field(description="Lead sources the rule takes.")


@entity_type("AssignmentRule")
class AssignmentRule(Node):
    @strawberry.field(description="Which leads the rule takes.")
    def match(self) -> AssignmentRuleMatch:
        return AssignmentRuleMatch(
            regions=[Region(r) for r in self.regions],
            industries=list(self.industries),
            sources=[LeadSource(s) for s in self.sources],
        )

    @strawberry.field(name="assigneeIds", description="The rule's people, in rotation order.")
    def assignee_global_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(encode_id("User", pk)) for pk in self.assignee_ids]

    @strawberry.field(description="The rule's people you can see, in rotation order.")
    async def assignees(self, info: Info) -> list[Annotated[User, strawberry.lazy(PEOPLE)]]:
        found = [await lists.node(info, "User", pk) for pk in self.assignee_ids]
        return [user for user in found if user is not None]


@entity_type("WebForm")
class WebForm(Node):
    @strawberry.field(name="campaignId", description="The campaign its leads belong to.")
    def campaign_global_id(self) -> strawberry.ID | None:
        if self.campaign_id is None:
            return None
        return strawberry.ID(encode_id("Campaign", self.campaign_id))


@strawberry.input(description="Which leads a rule takes; an empty or absent list = any.")
class AssignmentRuleMatchInput:
    regions: list[Region] | None = None
    industries: list[str] | None = None
    sources: list[LeadSource] | None = None


@strawberry.input(description="A new lead routing rule.")
class CreateAssignmentRuleInput:
    name: str
    strategy: AssignmentStrategy
    assignee_ids: list[strawberry.ID]
    priority: int | None = None
    active: bool | None = None
    match: AssignmentRuleMatchInput | None = None
    first_contact_minutes: int | None = None
    calendar: CalendarName | None = None


@strawberry.input(description="Change a rule; absent fields stay as they are.")
class UpdateAssignmentRuleInput:
    assignment_rule_id: strawberry.ID
    expected_version: int | None = None
    name: str | None = None
    strategy: AssignmentStrategy | None = None
    assignee_ids: list[strawberry.ID] | None = None
    priority: int | None = None
    active: bool | None = None
    match: AssignmentRuleMatchInput | None = None
    first_contact_minutes: int | None = None
    calendar: CalendarName | None = None


@strawberry.type(description="Result of createAssignmentRule and updateAssignmentRule.")
class AssignmentRulePayload:
    assignment_rule: AssignmentRule | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A new web form for a campaign.")
class CreateWebFormInput:
    name: str
    campaign_id: strawberry.ID


@strawberry.type(description="Result of createWebForm: the form and its `formKey`.")
class CreateWebFormPayload:
    web_form: WebForm | None
    form_key: str | None = strawberry.field(description="The new form's public key.")
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="createWebForm's input as the write path takes it (internal).")
class _WebFormValues:
    """`campaignId` as text: the Campaign type arrives with issue 12, and until then the id is
    decoded and kept as a plain column, not resolved as a reference."""

    name: str
    campaign_id: str


UseCase = Callable[[Any, dict[str, Any]], Awaitable[int]]


def _with_user_ids(use_case: UseCase, global_ids: list[strawberry.ID] | None) -> UseCase:
    """`assigneeIds` decoded here (a list is not a single reference the store resolves); the
    use case checks each is a user the viewer can see."""

    async def wrapped(store: Any, values: dict[str, Any]) -> int:
        if global_ids is not None:
            try:
                values["assignee_ids"] = [
                    decode_id_of(g, "User", "assigneeIds") for g in global_ids
                ]
            except BadInput as bad:
                raise Refused(bad_input("assigneeIds", bad.message)) from None
        return await use_case(store, values)

    return wrapped


async def _create_web_form(store: Any, values: dict[str, Any]) -> int:
    try:
        values["campaign_id"] = decode_id_of(values["campaign_id"], "Campaign", "campaignId")
    except BadInput as bad:
        raise Refused(bad_input("campaignId", bad.message)) from None
    return await lead_rules.create_web_form(store, values)


@strawberry.type
class LeadRoutingQuery:
    @strawberry.field(description="Lead assignment rules (admins manage them; managers read).")
    async def assignment_rules(
        self,
        info: Info,
        filter: AssignmentRuleFilter | None = None,
        order_by: AssignmentRuleOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AssignmentRule]:
        return await lists.root(
            info, "AssignmentRule", filter, order_by, first, after, last, before
        )


@strawberry.type
class LeadRoutingMutation:
    @strawberry.mutation(description="Add a lead assignment rule (admins).")
    async def create_assignment_rule(
        self, info: Info, input: CreateAssignmentRuleInput
    ) -> AssignmentRulePayload:
        use_case = _with_user_ids(lead_rules.create_rule, list(input.assignee_ids))
        pk, errors = await run(info, input, use_case, LeadStore)
        rule = await lists.node(info, "AssignmentRule", pk)
        return AssignmentRulePayload(assignment_rule=rule, user_errors=errors)

    @strawberry.mutation(description="Change a lead assignment rule (admins).")
    async def update_assignment_rule(
        self, info: Info, input: UpdateAssignmentRuleInput
    ) -> AssignmentRulePayload:
        ids = list(input.assignee_ids) if input.assignee_ids is not None else None
        use_case = _with_user_ids(lead_rules.update_rule, ids)
        pk, errors = await run(info, input, use_case, LeadStore)
        target = pk if pk is not None else _decoded(input.assignment_rule_id)
        rule = await lists.node(info, "AssignmentRule", target)
        return AssignmentRulePayload(assignment_rule=rule, user_errors=errors)

    @strawberry.mutation(description="Make a web form for a campaign; returns its `formKey`.")
    async def create_web_form(self, info: Info, input: CreateWebFormInput) -> CreateWebFormPayload:
        values = _WebFormValues(name=input.name, campaign_id=str(input.campaign_id))
        pk, errors = await run(info, values, _create_web_form)
        form = await lists.node(info, "WebForm", pk)
        return CreateWebFormPayload(
            web_form=form, form_key=form.form_key if form else None, user_errors=errors
        )


def _decoded(global_id: str) -> int | None:
    try:
        return decode_id_of(global_id, "AssignmentRule", "assignmentRuleId")
    except BadInput:
        return None
