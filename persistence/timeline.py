"""The customer timeline: interactions, ticket events, deal stage changes and service visits
merged into one feed, newest first, each source already cut to the viewer's slice.

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

from persistence import models as m
from persistence.access import Access
from persistence.pagination import (
    Direction,
    Ordering,
    Page,
    PageArgs,
    PageWindow,
    cut_page,
)

# (GraphQL type, table, time column): what the feed is made of.
SOURCES = (
    ("Interaction", m.Interaction.__table__, "occurred_at"),
    ("TicketEvent", m.TicketEvent.__table__, "occurred_at"),
    ("OpportunityStageChange", m.OpportunityStageChange.__table__, "occurred_at"),
    ("ServiceVisit", m.ServiceVisit.__table__, "scheduled_start"),
)
KEY_NAMES = ("occurred_at", "kind", "id")
KEY_KINDS: tuple[type, ...] = (datetime, str, int)


def _branch(
    access: Access, type_name: str, table: Any, time: str, parent: Any, args: PageArgs
) -> Any:
    occurred = table.c[time].label("occurred_at")
    kind = literal(type_name, String).label("kind")
    branch = (
        select(occurred, kind, table.c.id)
        .where(table.c.customer_id == parent.c.parent_id, access.read(type_name).predicate)
        .correlate(parent)
    )
    window = PageWindow(
        Ordering((table.c[time], kind, table.c.id), Direction.DESC), KEY_KINDS, args
    )
    return window.apply(branch)


async def pages(
    conn: AsyncConnection, access: Access, customer_ids: Sequence[int], args: PageArgs
) -> dict[int, Page]:
    """One page of timeline entries (`kind`, `id`, `occurred_at`) for each customer."""
    ids = bindparam("customer_ids", list(customer_ids), type_=ARRAY(BigInteger))
    parent = select(func.unnest(ids).label("parent_id")).subquery("parent")
    branches = [
        _branch(access, name, table, time, parent, args).subquery().select().correlate(parent)
        for name, table, time in SOURCES
        if access.can_read(name)
    ]
    grouped: dict[int, list[Row[Any]]] = {cid: [] for cid in customer_ids}
    if branches:
        merged = union_all(*branches).subquery("merged")
        window = PageWindow(
            Ordering((merged.c.occurred_at, merged.c.kind, merged.c.id), Direction.DESC),
            KEY_KINDS,
            args,
        )
        feed = window.apply(select(merged)).lateral("feed")
        stmt = select(parent.c.parent_id.label("_parent_id"), feed).select_from(
            parent.join(feed, true())
        )
        for row in (await conn.execute(stmt)).all():
            grouped[row._parent_id].append(row)
    return {cid: cut_page(rows, args, KEY_NAMES) for cid, rows in grouped.items()}


async def counts(
    conn: AsyncConnection, access: Access, customer_ids: Sequence[int]
) -> dict[int, int]:
    """How many timeline entries each customer has in the viewer's slice."""
    ids = list(customer_ids)
    branches = [
        select(table.c.customer_id).where(table.c.customer_id.in_(ids), access.read(name).predicate)
        for name, table, _ in SOURCES
        if access.can_read(name)
    ]
    if not branches:
        return {cid: 0 for cid in ids}
    merged = union_all(*branches).subquery("merged")
    stmt = select(merged.c.customer_id, func.count()).group_by(merged.c.customer_id)
    found = {cid: int(n) for cid, n in (await conn.execute(stmt)).all()}
    return {cid: found.get(cid, 0) for cid in ids}
