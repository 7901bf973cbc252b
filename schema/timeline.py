"""The customer's merged timeline as a connection of its entries' GraphQL objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from persistence.pagination import PageArgs
from resolvers import timeline as reads
from schema.connection import Connection
from schema.lists import connection_of
from schema.registry import build


async def customer_timeline(info: Any, customer_id: int, args: PageArgs) -> Connection[Any]:
    listing = await reads.customer_timeline(info, customer_id, args)
    return connection_of(listing, [build(kind, row) for kind, row in listing.page.rows])


async def lifetime_value(info: Any, customer_id: int) -> Decimal:
    return await reads.lifetime_value(info, customer_id)
