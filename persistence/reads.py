"""Scoped read queries: every statement carries the viewer's `RowScope` in its WHERE clause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, Row, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.listing import ListSpec
from persistence.pagination import Direction, Page, PageArgs, PageWindow, cut_page
from persistence.scopes import RowScope

Filters = Mapping[str, Any]


def _window(
    spec: ListSpec, order: tuple[str | None, Direction | None], args: PageArgs
) -> PageWindow:
    ordering = spec.ordering(*order)
    return PageWindow(ordering=ordering, kinds=spec.key_kinds(ordering), args=args)


def _key_names(window: PageWindow) -> tuple[str, ...]:
    return tuple(k.name for k in window.ordering.keys)  # type: ignore[attr-defined]


async def list_page(
    conn: AsyncConnection,
    spec: ListSpec,
    scope: RowScope,
    filters: Filters,
    order: tuple[str | None, Direction | None],
    args: PageArgs,
) -> Page:
    window = _window(spec, order, args)
    stmt = window.apply(select(spec.table).where(scope.predicate, *spec.where(filters)))
    rows = list((await conn.execute(stmt)).all())
    return cut_page(rows, args, _key_names(window))


async def count(conn: AsyncConnection, spec: ListSpec, scope: RowScope, filters: Filters) -> int:
    stmt = select(func.count()).select_from(spec.table).where(scope.predicate, *spec.where(filters))
    return int((await conn.execute(stmt)).scalar_one())


async def by_ids(
    conn: AsyncConnection, spec: ListSpec, scope: RowScope, ids: Sequence[int]
) -> dict[int, Row[Any]]:
    stmt = select(spec.table).where(spec.table.c.id.in_(list(ids)), scope.predicate)
    return {row.id: row for row in (await conn.execute(stmt)).all()}


def _parents(parent_ids: Sequence[int]) -> Any:
    ids = bindparam("parent_ids", list(parent_ids), type_=ARRAY(BigInteger))
    return select(func.unnest(ids).label("parent_id")).subquery("parent")


async def child_pages(
    conn: AsyncConnection,
    spec: ListSpec,
    scope: RowScope,
    parent_column: str,
    parent_ids: Sequence[int],
    filters: Filters,
    order: tuple[str | None, Direction | None],
    args: PageArgs,
) -> dict[int, Page]:
    """One page of children for each parent, in one statement (a LATERAL join per parent)."""
    window = _window(spec, order, args)
    parent = _parents(parent_ids)
    children = window.apply(
        select(spec.table).where(
            spec.table.c[parent_column] == parent.c.parent_id,
            scope.predicate,
            *spec.where(filters),
        )
    ).lateral("child")
    stmt = select(parent.c.parent_id.label("_parent_id"), children).select_from(
        parent.join(children, true())
    )
    grouped: dict[int, list[Row[Any]]] = {pid: [] for pid in parent_ids}
    for row in (await conn.execute(stmt)).all():
        grouped[row._parent_id].append(row)
    return {pid: cut_page(rows, args, _key_names(window)) for pid, rows in grouped.items()}


async def child_counts(
    conn: AsyncConnection,
    spec: ListSpec,
    scope: RowScope,
    parent_column: str,
    parent_ids: Sequence[int],
    filters: Filters,
) -> dict[int, int]:
    column = spec.table.c[parent_column]
    stmt = (
        select(column, func.count())
        .where(column.in_(list(parent_ids)), scope.predicate, *spec.where(filters))
        .group_by(column)
    )
    found = {key: int(n) for key, n in (await conn.execute(stmt)).all()}
    return {pid: found.get(pid, 0) for pid in parent_ids}


async def visible(conn: AsyncConnection, spec: ListSpec, scope: RowScope, pk: int) -> bool:
    """Whether the row `pk` is in the scope (for explaining a user's access)."""
    stmt = select(func.count()).where(spec.table.c.id == pk, scope.predicate)
    return bool(await conn.scalar(stmt))
