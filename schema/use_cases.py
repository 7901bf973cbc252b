"""Mutations in GraphQL terms: the input decoded into plain values and references, the use case
run by the application (`resolvers.mutations.run`), and its problems turned into `userErrors`."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from strawberry import ID
from strawberry.types.base import StrawberryOptional, get_object_definition

from domain.errors import BadInput, Problem
from domain.fields import camel
from persistence.writes import Reference, SqlStore
from resolvers import mutations
from schema.errors import ErrorCode, UserError
from schema.ids import decode_id_of, reference_type

T = TypeVar("T")


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
    use_case: Callable[[Any, dict[str, Any]], Awaitable[T]],
    store_type: type[SqlStore] = SqlStore,
) -> tuple[T | None, list[UserError]]:
    """Run `use_case` for the mutation being resolved (see `resolvers.mutations.run`); an input
    that cannot be decoded changes nothing and answers with its `userErrors`."""
    try:
        values, references = values_of(input_)
    except BadInput as bad:
        return None, user_errors([Problem(bad.field, bad.message, "BAD_USER_INPUT")])
    result, problems = await mutations.run(info, values, references, use_case, store_type)
    return result, user_errors(problems)


def target(pk: int | None, global_id: str, type_name: str) -> int | None:
    """The record an update acted on, so a refused update still shows its current state (to a
    viewer who can read it: the payload reads through the viewer's slice like any query)."""
    if pk is not None:
        return pk
    try:
        return decode_id_of(global_id, type_name, "id")
    except ValueError:
        return None
