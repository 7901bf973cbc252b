"""Relay connections shared by every list: edges with cursors, page info and `totalCount`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Generic, TypeVar

import strawberry

from persistence.pagination import Direction

NodeT = TypeVar("NodeT")


@strawberry.enum(description="Sort direction of a connection.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"

    def to_persistence(self) -> Direction:
        return Direction(self.value)


@strawberry.type(description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More nodes follow this page.")
    has_previous_page: bool = strawberry.field(description="More nodes precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="A node and the cursor to resume after it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque cursor; pass it as `after` or `before`.")
    node: NodeT = strawberry.field(description="The item at the end of the edge.")


@strawberry.type(description="A page of a list, at most 100 nodes, with keyset cursors.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's edges, in order.")
    nodes: list[NodeT] = strawberry.field(description="The page's nodes, without cursors.")
    page_info: PageInfo = strawberry.field(description="Pagination state of this page.")
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes the whole list holds (your slice of it).")
    async def total_count(self) -> int:
        return await self.count_total()
