"""The customer's merged timeline and its derived figures, read over the viewer's slice."""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal
from typing import Any

from persistence.pagination import PageArgs
from resolvers.context import context_of
from resolvers.lists import Listing


async def customer_timeline(info: Any, customer_id: int, args: PageArgs) -> Listing:
    """The feed page names (kind, id) pairs; each entry then loads through its type's loader.
    The page's rows are `(kind, row)` pairs."""
    loaders = context_of(info).loaders
    page = await loaders.timeline(args).load(customer_id)
    rows = await asyncio.gather(*(loaders.node(entry.kind).load(entry.id) for entry in page.rows))
    entries = [(entry.kind, row) for entry, row in zip(page.rows, rows, strict=True)]

    async def count_total() -> int:
        return await loaders.timeline_count().load(customer_id)

    return Listing(dataclasses.replace(page, rows=entries), count_total)


async def lifetime_value(info: Any, customer_id: int) -> Decimal:
    return await context_of(info).loaders.lifetime_value().load(customer_id)
