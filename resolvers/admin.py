"""The application behind `explainAccess` and `updatePolicy`; both exist only in an admin's
schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authz.policy import PolicyError, explain, explain_record_rule, parse_csv
from domain.enums import Role
from domain.errors import BadInput, Problem, Refused
from domain.global_ids import decode_id, decode_id_of
from domain.ports import Store
from persistence import reads
from persistence.access import Access
from persistence.listing import SPECS
from persistence.viewers import viewer_by_id
from resolvers.context import context_of
from resolvers.mutations import UseCase


@dataclass(frozen=True)
class Explanation:
    """A role's slice in words, the policy line for a type, and whether a record is visible."""

    role: Role
    text: str
    rule: str | None
    record_visible: bool | None


async def explain_access(
    info: Any, role: Any, user_id: str | None, type_name: str | None, record_id: str | None
) -> Explanation:
    ctx = context_of(info)
    registry = ctx.registry
    viewer = None
    if user_id is not None:
        async with ctx.db.connection() as conn:
            viewer = await viewer_by_id(conn, decode_id_of(user_id, "User", "userId"))
        if viewer is None:
            raise BadInput("`userId` is not a user", "userId")
        role = viewer.role
    if role is None:
        raise BadInput("Pass `role` or `userId`", "role")
    role = Role(role.value if hasattr(role, "value") else role)
    if type_name is not None and type_name not in registry.catalogue:
        raise BadInput(
            f"`typeName` must be one of {', '.join(sorted(registry.catalogue))}", "typeName"
        )
    text = explain(registry.policies, role, type_name)
    rule = explain_record_rule(registry.lines, role, type_name, "read") if type_name else None
    visible = None
    if record_id is not None:
        if viewer is None or type_name is None:
            raise BadInput("`recordId` needs `userId` and `typeName`", "recordId")
        found_type, pk = decode_id(record_id, "recordId")
        if found_type != type_name:
            raise BadInput(f"`recordId` is not a {type_name}", "recordId")
        scope = Access(viewer, registry.slice(role).policy).read(type_name)
        async with ctx.db.connection() as conn:
            visible = await reads.visible(conn, SPECS[type_name], scope, pk)
    return Explanation(role=role, text=text, rule=rule, record_visible=visible)


def policy_replacement(info: Any) -> UseCase[int]:
    """Replace the policy: a write like any other, opened for the act `Policy manage`; it
    returns how many lines are now in force."""
    catalogue = context_of(info).registry.catalogue

    async def replace(store: Store, values: dict[str, Any]) -> int:
        try:
            lines = parse_csv(values["csv"])
            await store.replace_policy(lines, catalogue)
        except PolicyError as exc:
            raise Refused(Problem("csv", str(exc), "BAD_USER_INPUT")) from None
        return len(lines)

    return replace
