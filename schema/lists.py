"""Nodes and connections in GraphQL terms: arguments unpacked into plain values for the
application's reads (`resolvers.lists`), and the rows they return built into objects."""

from __future__ import annotations

from typing import Any

from persistence.pagination import PageArgs
from resolvers import computed
from resolvers import lists as reads
from schema.connection import Connection, Edge, PageInfo
from schema.filters import filters_of
from schema.registry import build


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArgs:
    return PageArgs.parse(first=first, after=after, last=last, before=before)


def order_of(order_by: Any) -> reads.Order:
    if order_by is None:
        return (None, None)
    return (order_by.field.value, order_by.direction.to_persistence())


def connection_of(listing: reads.Listing, nodes: list[Any]) -> Connection[Any]:
    page = listing.page
    return Connection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        ),
        count_total=listing.count_total,
    )


def to_connection(type_name: str, listing: reads.Listing) -> Connection[Any]:
    return connection_of(listing, [build(type_name, row) for row in listing.page.rows])


async def node(info: Any, type_name: str, pk: int | None) -> Any:
    return build(type_name, await reads.node_row(info, type_name, pk))


def role_filters(info: Any, type_name: str, filter_input: Any) -> dict[str, Any]:
    """Filter values, with `search` limited to the columns the viewer's role may read."""
    return reads.role_filters(info, type_name, filters_of(filter_input))


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
    listing = await reads.child_page(
        info, type_name, parent_column, parent_id, filters, order_of(order_by), args
    )
    return to_connection(type_name, listing)


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
    filters = role_filters(info, type_name, filter_input)
    listing = await reads.root_page(info, type_name, filters, order_of(order_by), args)
    return to_connection(type_name, listing)


async def aggregate(info: Any, type_name: str, name: str, parent_id: int) -> Any:
    """The value of the aggregate `type_name.name` (`Customer.lifetimeValue`) for one row."""
    return await computed.aggregate(info, type_name, name, parent_id)
