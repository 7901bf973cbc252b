"""The one way a mutation runs: the input decoded, a store opened for the mutation's act, the
use case in a savepoint, and a payload.

The act comes from the mutation's own name (`authz.policy.MUTATION_ACTIONS`), and every
reference of the input is resolved by the store within the viewer's slice before the use case
sees it, so no resolver asks the policy by hand and no use case can forget to. A use case that
refuses (`Refused`) or an input that cannot be decoded becomes `userErrors`, and its savepoint
rolls back, so a failed mutation changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from strawberry import ID
from strawberry.types.base import StrawberryOptional, get_object_definition

from authz.policy import MUTATION_ACTIONS
from domain.errors import Problem, Refused
from domain.fields import camel
from persistence.errors import BadInput
from persistence.writes import Reference, SqlStore
from resolvers.context import context_of
from schema.errors import ErrorCode, UserError
from schema.ids import decode_id_of, reference_type

T = TypeVar("T")
# A use case takes a `Store` (or a richer protocol its `store_type` implements).
UseCase = Callable[[Any, dict[str, Any]], Awaitable[T]]


def values_of(input_: Any) -> tuple[dict[str, Any], list[Reference]]:
    """The input's given fields as plain values (IDs decoded to primary keys), and the
    references among them: every field of type `ID` is one, and names its type."""
    values: dict[str, Any] = {}
    references: list[Reference] = []
    for name in id_fields(type(input_)):  # type: ignore[arg-type]
        value = getattr(input_, name)
        if value is not None:
            pk = decode_id_of(value, reference_type(name), camel(name))
            references.append(Reference(name, reference_type(name), pk))
            values[name] = pk
    for field in dataclasses.fields(input_):
        value = getattr(input_, field.name)
        if value is None or field.name in values:
            continue
        if isinstance(value, Enum):
            value = value.value
        values[field.name] = value
    return values, references


@cache
def id_fields(input_type: type) -> tuple[str, ...]:
    """The fields of an input type declared as `ID` (optional or not)."""
    definition = get_object_definition(input_type, strict=True)
    return tuple(
        f.python_name
        for f in definition.fields
        if (f.type.of_type if isinstance(f.type, StrawberryOptional) else f.type) is ID
    )


def user_errors(problems: list[Problem]) -> list[UserError]:
    return [UserError(field=p.field, message=p.message, code=ErrorCode(p.code)) for p in problems]


async def run(
    info: Any,
    input_: Any,
    use_case: UseCase[T] | Callable[[Any, dict[str, Any]], Awaitable[T]],
    store_type: type[SqlStore] = SqlStore,
) -> tuple[T | None, list[UserError]]:
    """Run `use_case` for the mutation being resolved, in a savepoint of the request's
    transaction, with a store opened for the mutation's act (`store_type`: a `SqlStore` with
    the queries of a process, such as lead routing)."""
    ctx = context_of(info)
    act = MUTATION_ACTIONS[info.field_name]
    try:
        values, references = values_of(input_)
    except BadInput as bad:
        return None, user_errors([Problem(bad.field, bad.message, "BAD_USER_INPUT")])
    async with ctx.db.connection() as conn:
        savepoint = await conn.begin_nested()
        try:
            store = store_type(conn, ctx.access, act, ctx.clock)
            await store.resolve(references)
            result = await use_case(store, values)
        except Refused as refused:
            await savepoint.rollback()
            return None, user_errors(refused.problems)
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
    return result, []
