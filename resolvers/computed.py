"""Computed fields the catalogue defines in SQL: feeds (`Customer.timeline`) and aggregates
(`Customer.lifetimeValue`), read over the viewer's slice."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from persistence import computed
from persistence.pagination import PageArgs
from resolvers.context import context_of
from resolvers.lists import Listing


async def feed(info: Any, type_name: str, name: str, parent_id: int, args: PageArgs) -> Listing:
    """The feed page names (kind, id) pairs; each entry then loads through its type's loader.
    The page's rows are `(kind, row)` pairs."""
    loaders = context_of(info).loaders
    page = await loaders.feed(type_name, name, args).load(parent_id)
    _, kind_key, id_key = computed.feed(type_name, name).keys
    keys = [(entry._mapping[kind_key], entry._mapping[id_key]) for entry in page.rows]
    rows = await asyncio.gather(*(loaders.node(kind).load(pk) for kind, pk in keys))
    entries = [(kind, row) for (kind, _), row in zip(keys, rows, strict=True)]

    async def count_total() -> int:
        return await loaders.feed_count(type_name, name).load(parent_id)

    return Listing(dataclasses.replace(page, rows=entries), count_total)


async def aggregate(info: Any, type_name: str, name: str, parent_id: int) -> Any:
    return await context_of(info).loaders.aggregate(type_name, name).load(parent_id)
