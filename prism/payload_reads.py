"""A mutation's payload object, read by the read compiler inside the mutation's transaction.

A mutation runs on graphql-core (it writes, in one transaction, through the use cases). What it
returns is a payload whose object (`updateCustomer { customer { … } }`) the resolvers would then
read field by field, connection by connection. Here that object is read like any query: planned
for its selection in the viewer's role schema (`schema.read_planner`), compiled to one statement
(`persistence.read_sql`) and run on the mutation's own connection, so it sees what the mutation
wrote, under the same row scopes. Whatever the compiler does not plan, and an object the viewer
can no longer see after the write, is completed by the resolvers, as before.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from persistence.errors import BadInput
from persistence.listing import SPECS
from persistence.read_pool import fetch_text_in
from persistence.read_sql import ReadCompiler, TooWide
from persistence.scope_sql import bind_viewer
from resolvers.context import context_of
from schema.read_planner import ReadPlanner, Unsupported


class PayloadReads(StrawberryGraphQLCoreExecutionContext):
    """The executor for mutations: payload objects come from one compiled statement each."""

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        statement = _statement(return_type, field_details_list, info, path, result)
        if statement is None:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        resolvers = super().complete_object_value

        async def compiled() -> Any:
            text = await fetch_text_in(context_of(info).db, *statement)
            if text is None:  # out of the viewer's slice since it was loaded: resolvers say
                value = resolvers(
                    return_type, field_details_list, info, path, result, position_context
                )
                return await value if self.is_awaitable(value) else value
            return json.loads(text)

        return compiled()


def _statement(
    return_type: GraphQLObjectType, field_details_list: Any, info: Any, path: Any, result: Any
) -> tuple[str, list[Any]] | None:
    """The statement reading a mutation payload's object, or None to leave it to resolvers."""
    is_payload_field = path.prev is not None and path.prev.prev is None
    pk = getattr(result, "db_id", None)
    if (
        info.operation.operation is not OperationType.MUTATION
        or not is_payload_field
        or return_type.name not in SPECS
        or not isinstance(pk, int)
    ):
        return None
    ctx = context_of(info)
    try:
        nodes = [details.node for details in field_details_list]
        target = ReadPlanner.at_field(info, ctx.access).object_of(return_type.name, nodes)
        compiler = ReadCompiler(ctx.access.policy, ctx.viewer, ctx.access.can_read)
        return bind_viewer(
            compiler.object_statement(target, pk), ctx.viewer
        ), compiler.params.values
    except (Unsupported, TooWide, BadInput, GraphQLError):
        return None
