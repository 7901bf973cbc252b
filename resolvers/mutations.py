"""Thin mutation resolvers: unpack the input, call the use case in a savepoint, build a payload.

A use case that refuses (`Refused`) or an input that cannot be decoded becomes `userErrors`,
and its savepoint rolls back, so a failed mutation changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from domain.errors import Problem, Refused
from domain.fields import camel
from persistence.errors import BadInput
from persistence.writes import SqlStore
from resolvers.context import context_of
from schema.errors import ErrorCode, UserError
from schema.ids import REFERENCES, decode_id_of


def values_of(input_: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The input's given fields as plain values, IDs decoded to primary keys."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(input_):
        value = getattr(input_, field.name)
        if field.name in skip or value is None:
            continue
        if field.name in REFERENCES:
            value = decode_id_of(value, REFERENCES[field.name], camel(field.name))
        elif isinstance(value, Enum):
            value = value.value
        values[field.name] = value
    return values


def user_errors(problems: list[Problem]) -> list[UserError]:
    return [UserError(field=p.field, message=p.message, code=ErrorCode(p.code)) for p in problems]


async def run(
    info: Any, use_case: Callable[[SqlStore], Awaitable[Any]]
) -> tuple[Any, list[UserError]]:
    """Run `use_case` in a savepoint of the request's transaction."""
    ctx = context_of(info)
    async with ctx.db.connection() as conn:
        savepoint = await conn.begin_nested()
        try:
            result = await use_case(SqlStore(conn, ctx.access))
        except Refused as refused:
            await savepoint.rollback()
            return None, user_errors(refused.problems)
        except BadInput as bad:
            await savepoint.rollback()
            return None, user_errors([Problem(bad.field, bad.message, "BAD_USER_INPUT")])
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
    return result, []
