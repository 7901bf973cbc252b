"""Requests without sign-in: exactly the `submitSurvey` mutation, on a schema of its own.

A request with no `Authorization` header whose operation is a mutation selecting only
`submitSurvey` runs on the anonymous schema (`schema.public`), in one transaction, with no
viewer; every other request without a token stays UNAUTHENTICATED. The cost limits hold as for
any request; the per-user rate limit has no user to charge (the single-use token bounds what a
caller can do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
)
from graphql.pyutils import is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain.clock import Clock
from persistence.session import Database
from prism.errors import field_error
from prism.graphql_request import GraphQLParams
from prism.schemas import RoleSlice
from schema.public import build_public_schema

PUBLIC_FIELDS = frozenset({"submitSurvey", "__typename"})


@dataclass
class PublicContext:
    """What an anonymous resolver can reach: the request's transaction and the clock."""

    db: Database
    clock: Clock
    request_id: str


_slice: RoleSlice | None = None


def public_slice() -> RoleSlice:
    """The anonymous schema as a slice, for the same limits and validation as any request;
    it has no policy (no type of the domain is in it)."""
    global _slice
    if _slice is None:
        _slice = RoleSlice(policy=cast(Any, None), schema=build_public_schema()._schema)
    return _slice


def is_public(params: GraphQLParams, max_tokens: int) -> bool:
    """Whether the request's operation is a mutation of `submitSurvey` only."""
    if "mutation" not in params.query:
        return False  # a query (a mutation is always spelled out): no parse on its way
    from prism.graphql_http import parse_document

    try:
        document = parse_document(params.query, max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if params.operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == params.operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.MUTATION:
        return False
    selections = operations[0].selection_set.selections
    return all(
        isinstance(s, FieldNode) and s.name.value in PUBLIC_FIELDS and not s.directives
        for s in selections
    )


async def respond(state: Any, params: GraphQLParams, request_id: str) -> dict[str, Any]:
    from prism.graphql_http import prepare

    document, _, measure = prepare(params, public_slice(), state.settings)
    async with state.engine.connect() as conn, conn.begin() as tx:
        db = Database(state.engine, shared=conn)
        context = PublicContext(db=db, clock=state.clock, request_id=request_id)
        try:
            outcome = execute(
                build_public_schema()._schema,
                document,
                context_value=context,
                variable_values=params.variables,
                operation_name=params.operation_name,
                executor_class=StrawberryGraphQLCoreExecutionContext,
                hide_suggestions=True,
            )
            result = cast(ExecutionResult, await outcome if is_awaitable(outcome) else outcome)
        finally:
            await db.close()
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [field_error(e, request_id) for e in result.errors]
            await tx.rollback()
        payload["data"] = result.data
        payload["extensions"] = {"cost": {"requested": measure.cost}}
    return payload
