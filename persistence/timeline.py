"""Feeds (`catalogue.model.Feed`), such as the customer timeline: interactions, ticket events,
deal stage changes and service visits merged into one feed, newest first, each source already
cut to the viewer's slice. The sources are the catalogue's (`persistence.computed.feed`).

Each source contributes at most one page (it is ordered by its own index and limited), and the
feed is the merge of those: the cost is per page, not per customer history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Row, String, bindparam, func, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.access import Access
from persistence.computed import FeedSource, FeedSql
from persistence.pagination import (
    Direction,
    Ordering,
    Page,
    PageArgs,
    PageWindow,
    cut_page,
)

#: The kinds of a feed's keys: its time, its kind (a type's name), its id.
KEY_KINDS: tuple[type, ...] = (datetime, str, int)


def _branch(
    access: Access, source: FeedSource, keys: Sequence[str], parent: Any, args: PageArgs
) -> Any:
    table = source.table
    occurred = table.c[source.time].label(keys[0])
    kind = literal(source.type_name, String).label(keys[1])
    branch = (
        select(occurred, kind, table.c.id.label(keys[2]))
        .where(table.c[source.via] == parent.c.parent_id, access.read(source.type_name).predicate)
        .correlate(parent)
    )
    window = PageWindow(
        Ordering((table.c[source.time], kind, table.c.id), Direction.DESC), KEY_KINDS, args
    )
    return window.apply(branch)


async def pages(
    conn: AsyncConnection, access: Access, feed: FeedSql, parent_ids: Sequence[int], args: PageArgs
) -> dict[int, Page]:
    """One page of feed entries for each parent: rows of the feed's keys (time, kind, id)."""
    ids = bindparam("parent_ids", list(parent_ids), type_=ARRAY(BigInteger))
    parent = select(func.unnest(ids).label("parent_id")).subquery("parent")
    branches = [
        _branch(access, source, feed.keys, parent, args).subquery().select().correlate(parent)
        for source in feed.sources
        if access.can_read(source.type_name)
    ]
    grouped: dict[int, list[Row[Any]]] = {pk: [] for pk in parent_ids}
    if branches:
        merged = union_all(*branches).subquery("merged")
        window = PageWindow(
            Ordering(tuple(merged.c[k] for k in feed.keys), Direction.DESC), KEY_KINDS, args
        )
        lateral = window.apply(select(merged)).lateral("feed")
        stmt = select(parent.c.parent_id.label("_parent_id"), lateral).select_from(
            parent.join(lateral, true())
        )
        for row in (await conn.execute(stmt)).all():
            grouped[row._parent_id].append(row)
    return {pk: cut_page(rows, args, feed.keys) for pk, rows in grouped.items()}


async def counts(
    conn: AsyncConnection, access: Access, feed: FeedSql, parent_ids: Sequence[int]
) -> dict[int, int]:
    """How many feed entries each parent has in the viewer's slice."""
    ids = list(parent_ids)
    branches = [
        select(s.table.c[s.via].label("parent_id")).where(
            s.table.c[s.via].in_(ids), access.read(s.type_name).predicate
        )
        for s in feed.sources
        if access.can_read(s.type_name)
    ]
    if not branches:
        return {pk: 0 for pk in ids}
    merged = union_all(*branches).subquery("merged")
    stmt = select(merged.c.parent_id, func.count()).group_by(merged.c.parent_id)
    found = {pk: int(n) for pk, n in (await conn.execute(stmt)).all()}
    return {pk: found.get(pk, 0) for pk in ids}
