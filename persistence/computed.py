"""Computed fields the catalogue defines in SQL (`catalogue.model.Aggregate`, `Feed`), resolved
to tables and join columns: read by the resolvers' loaders and by the read compiler alike, so
both paths compute a field from the same definition."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from catalogue import CATALOGUE, Aggregate, Feed
from persistence.listing import SPECS
from persistence.scopes import RowScope


@dataclass(frozen=True)
class AggregateSql:
    """`function` (`sum` of `column`, or `count`) over the `type_name` rows whose `via` is the
    parent's id and whose columns equal `where`; `zero` when none."""

    type_name: str
    table: Table
    via: str
    function: str
    column: str
    where: tuple[tuple[str, str], ...]
    zero: Any

    def conditions(self) -> list[ColumnElement[bool]]:
        return [self.table.c[column] == value for column, value in self.where]

    def where_sql(self, parent_id: str, add: Callable[[Any], str]) -> list[str]:
        """The conditions as SQL text: joined to the parent row's id `parent_id`, and the
        `where` values, each written by `add` (`Params.add`)."""
        table = self.table.name
        where = [f"{table}.{column} = {add(value)}" for column, value in self.where]
        return [f"{table}.{self.via} = {parent_id}", *where]

    def value_sql(self, alias: str) -> str:
        """The aggregate over the rows of `alias`, as SQL text."""
        return f"sum({alias}.{self.column})" if self.function == "sum" else "count(*)"


@dataclass(frozen=True)
class FeedSource:
    type_name: str
    table: Table
    time: str
    via: str


@dataclass(frozen=True)
class FeedSql:
    """The sources of a feed, and the names of its keys (time, kind, id)."""

    sources: tuple[FeedSource, ...]
    keys: tuple[str, str, str]

    def source_names(self) -> list[tuple[str, str, str, str]]:
        """(type, table, time column, join column) of each source."""
        return [(s.type_name, s.table.name, s.time, s.via) for s in self.sources]


def _definition(type_name: str, name: str) -> Any:
    entry = CATALOGUE[type_name]
    computed = entry.computed_field(name)
    if computed is None or computed.sql is None:
        raise LookupError(f"{type_name}.{name} is not a computed field defined in SQL")
    return computed.sql


@cache
def aggregate(type_name: str, name: str) -> AggregateSql:
    """The aggregate `type_name.name` (`Customer.lifetime_value`)."""
    sql = _definition(type_name, name)
    if not isinstance(sql, Aggregate):
        raise LookupError(f"{type_name}.{name} is not an aggregate")
    entry = CATALOGUE[type_name]
    relation = entry.connection(sql.relation)
    if relation is None:
        raise LookupError(f"{type_name}.{name}: no to-many relation {sql.relation}")
    table = SPECS[relation.target].table
    via = entry.join(relation)
    return AggregateSql(relation.target, table, via, sql.function, sql.column, sql.where, sql.zero)


@cache
def feed(type_name: str, name: str) -> FeedSql:
    """The feed `type_name.name` (`Customer.timeline`)."""
    sql = _definition(type_name, name)
    if not isinstance(sql, Feed):
        raise LookupError(f"{type_name}.{name} is not a feed")
    entry = CATALOGUE[type_name]
    sources = tuple(
        FeedSource(s.type, SPECS[s.type].table, s.time, entry.join(s)) for s in sql.sources
    )
    return FeedSql(sources, sql.keys)


async def aggregates(
    conn: AsyncConnection, sql: AggregateSql, scope: RowScope, parent_ids: Sequence[int]
) -> dict[int, Any]:
    """The aggregate per parent id, over the rows in the viewer's slice (`scope`); parents
    with no such row are absent."""
    c = sql.table.c
    value = func.sum(c[sql.column]) if sql.function == "sum" else func.count()
    stmt = (
        select(c[sql.via], value)
        .where(c[sql.via].in_(list(parent_ids)), scope.predicate, *sql.conditions())
        .group_by(c[sql.via])
    )
    return {pk: total for pk, total in (await conn.execute(stmt)).all()}
