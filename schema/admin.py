"""Administration: explain a role's or a user's slice, and replace the access policy."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import admin
from schema.enums import Role
from schema.errors import UserError
from schema.use_cases import run


@strawberry.type(description="Why a role or user sees what it sees, straight from the policy.")
class AccessExplanation:
    role: Role = strawberry.field(description="The role explained.")
    text: str = strawberry.field(
        description="The slice per type: row scope, fields present and absent, actions allowed."
    )
    rule: str | None = strawberry.field(
        description="The policy line that grants or denies reading `typeName`, if one was asked."
    )
    record_visible: bool | None = strawberry.field(
        description="Whether the user can read the record `recordId`, if one was asked."
    )


@strawberry.type
class AdminQuery:
    @strawberry.field(description="Explain the slice of a role, or of one user (admins only).")
    async def explain_access(
        self,
        info: Info,
        role: Role | None = None,
        user_id: strawberry.ID | None = None,
        type_name: Annotated[
            str | None, strawberry.argument(description="A type such as Customer.")
        ] = None,
        record_id: strawberry.ID | None = None,
    ) -> AccessExplanation:
        found = await admin.explain_access(info, role, user_id, type_name, record_id)
        return AccessExplanation(
            role=found.role, text=found.text, rule=found.rule, record_visible=found.record_visible
        )


@strawberry.input(
    description="A whole new policy in Casbin CSV (`p, ROLE, OBJECT, ACT, SCOPE, EFFECT`)."
)
class UpdatePolicyInput:
    csv: str


@strawberry.type(description="Result of updatePolicy.")
class UpdatePolicyPayload:
    line_count: int | None = strawberry.field(description="Lines now in force.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class AdminMutation:
    @strawberry.mutation(
        description="Replace the access policy; every server applies it within a second."
    )
    async def update_policy(self, info: Info, input: UpdatePolicyInput) -> UpdatePolicyPayload:
        count, errors = await run(info, input, admin.policy_replacement(info))
        return UpdatePolicyPayload(line_count=count, user_errors=errors)
