"""The one way a mutation runs: a store opened for the mutation's act, the input's references
resolved, the use case in a savepoint, and a plain result or the problems that refused it.

The act comes from the mutation's own name (`authz.policy.MUTATION_ACTIONS`), and every
reference of the input is resolved by the store within the viewer's slice before the use case
sees it, so no resolver asks the policy by hand and no use case can forget to. A use case that
refuses (`Refused`) returns its problems, and its savepoint rolls back, so a failed mutation
changes nothing. Decoding the GraphQL input into values is the schema's (`schema.use_cases`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from authz.policy import MUTATION_ACTIONS
from domain.errors import Problem, Refused
from persistence.writes import Reference, SqlStore
from resolvers.context import context_of

T = TypeVar("T")
# A use case takes a `Store` (or a richer protocol its `store_type` implements).
UseCase = Callable[[Any, dict[str, Any]], Awaitable[T]]


async def run(
    info: Any,
    values: dict[str, Any],
    references: list[Reference],
    use_case: UseCase[T],
    store_type: type[SqlStore] = SqlStore,
) -> tuple[T | None, list[Problem]]:
    """Run `use_case` for the mutation being resolved, in a savepoint of the request's
    transaction, with a store opened for the mutation's act (`store_type`: a `SqlStore` with
    the queries of a process, such as lead routing)."""
    ctx = context_of(info)
    act = MUTATION_ACTIONS[info.field_name]
    async with ctx.db.connection() as conn:
        savepoint = await conn.begin_nested()
        try:
            store = store_type(conn, ctx.access, act, ctx.clock)
            await store.resolve(references)
            result = await use_case(store, values)
        except Refused as refused:
            await savepoint.rollback()
            return None, refused.problems
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
    return result, []
