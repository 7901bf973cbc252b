"""Feeds (`Customer.timeline`) as connections of their entries' GraphQL objects."""

from __future__ import annotations

from typing import Any

from persistence.pagination import PageArgs
from resolvers import computed as reads
from schema.connection import Connection
from schema.lists import connection_of
from schema.registry import build


async def feed(
    info: Any, type_name: str, name: str, parent_id: int, args: PageArgs
) -> Connection[Any]:
    """The page of the feed `type_name.name` under the row `parent_id`."""
    listing = await reads.feed(info, type_name, name, parent_id, args)
    return connection_of(listing, [build(kind, row) for kind, row in listing.page.rows])
