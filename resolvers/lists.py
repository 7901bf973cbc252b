"""The application's reads of nodes and lists: the viewer's scope applied, plain rows returned.

The GraphQL layer (`schema.lists`) turns what these return into objects and connections; nothing
here knows a GraphQL type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from persistence import reads
from persistence.listing import SPECS
from persistence.pagination import Direction, Page, PageArgs
from resolvers.context import context_of

#: A list's order: the field to sort by and its direction (each None for the default).
Order = tuple[str | None, Direction | None]


@dataclass(frozen=True)
class Listing:
    """One page of a list (rows in order, their cursors, Relay's page info), and a way to count
    the whole list, run only if the client asks for `totalCount`."""

    page: Page
    count_total: Callable[[], Awaitable[int]]


async def node_row(info: Any, type_name: str, pk: int | None) -> Any:
    """The row of `type_name` with key `pk`, or None when it is outside the viewer's slice."""
    if pk is None:
        return None
    return await context_of(info).loaders.node(type_name).load(pk)


async def root_page(
    info: Any, type_name: str, filters: Mapping[str, Any], order: Order, args: PageArgs
) -> Listing:
    ctx = context_of(info)
    spec, scope = SPECS[type_name], ctx.access.read(type_name)
    async with ctx.db.connection() as conn:
        page = await reads.list_page(conn, spec, scope, filters, order, args)

    async def count_total() -> int:
        async with ctx.db.connection() as conn:
            return await reads.count(conn, spec, scope, filters)

    return Listing(page, count_total)


async def child_page(
    info: Any,
    type_name: str,
    parent_column: str,
    parent_id: int,
    filters: Mapping[str, Any],
    order: Order,
    args: PageArgs,
) -> Listing:
    """A page of `type_name` rows under one parent row, batched across parents."""
    loaders = context_of(info).loaders
    page = await loaders.children(type_name, parent_column, filters, order, args).load(parent_id)

    async def count_total() -> int:
        return await loaders.child_count(type_name, parent_column, filters).load(parent_id)

    return Listing(page, count_total)


def role_filters(info: Any, type_name: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The filter values, with `search` limited to the columns the viewer's role may read."""
    if "search" in filters:
        hidden = context_of(info).access.policy.hidden_fields
        filters["search"] = SPECS[type_name].search_visible(filters["search"], hidden)
    return filters
