"""Thin resolvers for nodes and connections: unpack arguments, call the scoped reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from persistence import reads
from persistence.listing import SPECS
from persistence.pagination import Direction, Page, PageArgs
from resolvers.context import context_of
from schema.connection import Connection, Edge, PageInfo
from schema.filters import filters_of
from schema.registry import build


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArgs:
    return PageArgs.parse(first=first, after=after, last=last, before=before)


def order_of(order_by: Any) -> tuple[str | None, Direction | None]:
    if order_by is None:
        return (None, None)
    return (order_by.field.value, order_by.direction.to_persistence())


def to_connection(type_name: str, page: Page, count_total: Any) -> Connection[Any]:
    return connection_of(page, [build(type_name, row) for row in page.rows], count_total)


def connection_of(page: Page, nodes: list[Any], count_total: Any) -> Connection[Any]:
    return Connection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        ),
        count_total=count_total,
    )


async def node(info: Any, type_name: str, pk: int | None) -> Any:
    if pk is None:
        return None
    return build(type_name, await context_of(info).loaders.node(type_name).load(pk))


async def root_connection(
    info: Any,
    type_name: str,
    filters: Mapping[str, Any],
    order_by: Any,
    args: PageArgs,
) -> Connection[Any]:
    ctx = context_of(info)
    spec, scope = SPECS[type_name], ctx.access.read(type_name)
    async with ctx.db.connection() as conn:
        page = await reads.list_page(conn, spec, scope, filters, order_of(order_by), args)

    async def count_total() -> int:
        async with ctx.db.connection() as conn:
            return await reads.count(conn, spec, scope, filters)

    return to_connection(type_name, page, count_total)


async def child_connection(
    info: Any,
    type_name: str,
    parent_column: str,
    parent_id: int,
    filters: Mapping[str, Any],
    order_by: Any,
    args: PageArgs,
) -> Connection[Any]:
    loaders = context_of(info).loaders
    order = order_of(order_by)
    page = await loaders.children(type_name, parent_column, filters, order, args).load(parent_id)

    async def count_total() -> int:
        return await loaders.child_count(type_name, parent_column, filters).load(parent_id)

    return to_connection(type_name, page, count_total)


async def nested(
    info: Any,
    type_name: str,
    parent_id: int,
    filter_input: Any,
    order_by: Any,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    parent_column: str = "customer_id",
) -> Connection[Any]:
    """A connection of `type_name` rows under one parent row, batched across parents."""
    args = page_args(first, after, last, before)
    filters = role_filters(info, type_name, filter_input)
    return await child_connection(
        info, type_name, parent_column, parent_id, filters, order_by, args
    )


async def root(
    info: Any,
    type_name: str,
    filter_input: Any,
    order_by: Any,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    args = page_args(first, after, last, before)
    return await root_connection(
        info, type_name, role_filters(info, type_name, filter_input), order_by, args
    )


def role_filters(info: Any, type_name: str, filter_input: Any) -> dict[str, Any]:
    """Filter values, with `search` limited to the columns the viewer's role may read."""
    filters = filters_of(filter_input)
    if "search" in filters:
        hidden = context_of(info).access.policy.hidden_fields
        filters["search"] = SPECS[type_name].search_visible(filters["search"], hidden)
    return filters
