"""One `ListSpec` per type: the table, the filters and the orderings its connections offer,
each made from the type's entry in the catalogue (`catalogue.CATALOGUE`).

Every list of a type — root list, nested connection, `totalCount` — is built from its spec and
the viewer's `RowScope`, here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, false, func

from catalogue import CATALOGUE, Entry, Filter, Match
from domain.fields import camel
from persistence import models as m
from persistence.pagination import Direction, Ordering


@dataclass(frozen=True)
class ListSpec:
    type_name: str
    table: Table
    orders: Mapping[str, str]  # order field (GraphQL enum value) -> column name
    default_order: tuple[str, Direction]
    search: tuple[str, ...] = ()
    filters: Mapping[str, Filter] = field(default_factory=dict)  # filter key -> its meaning

    @classmethod
    def of(cls, entry: Entry, table: Table) -> ListSpec:
        """The spec of a catalogue entry, over its table."""
        order = entry.ordering
        return cls(
            entry.name,
            table,
            order.columns,
            (order.default[0], Direction(order.default[1])),
            entry.search,
            {f.name: f for f in entry.filters},
        )

    def rule(self, key: str) -> tuple[Match, str]:
        """What filter `key` means and the column it looks at; a key no filter declares is
        equality on the column of its name."""
        found = self.filters.get(key)
        return (Match.EQUALS, key) if found is None else (found.match, found.column_name)

    def ordering(self, order_field: str | None, direction: Direction | None) -> Ordering:
        name = order_field or self.default_order[0]
        column = self.table.c[self.orders[name]]
        keys = (column, self.table.c.id) if column.name != "id" else (self.table.c.id,)
        return Ordering(keys=keys, direction=direction or self.default_order[1])

    def key_kinds(self, ordering: Ordering) -> tuple[type, ...]:
        return tuple(_python_kind(k) for k in ordering.keys)

    def where(self, filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        """SQL predicates for the non-empty filter values; unknown keys are a programming error."""
        c = self.table.c
        clauses: list[ColumnElement[bool]] = []
        for key, value in filters.items():
            if value is None:
                continue
            match, column_name = self.rule(key)
            if match is Match.SEARCH:
                search = value if isinstance(value, Search) else Search(str(value), self.search)
                clauses.append(self._search(search))
                continue
            column = c[column_name]
            if match is Match.SINCE:
                clauses.append(column >= value)
            elif match is Match.BEFORE:
                clauses.append(column < value)
            elif isinstance(value, list | tuple | set | frozenset):
                clauses.append(column.in_(list(value)))
            elif match is Match.EQUALS_CI:
                clauses.append(func.lower(column) == str(value).lower())
            else:
                clauses.append(column == value)
        return clauses

    def search_visible(self, text: str, hidden_fields: frozenset[str]) -> Search:
        """A search over the columns the role may read: an analyst who may not see phone
        numbers must not find contacts by them either."""
        columns = tuple(
            c for c in self.search if f"{self.type_name}.{camel(c)}" not in hidden_fields
        )
        return Search(text, columns)

    def _search(self, search: Search) -> ColumnElement[bool]:
        """Substring match (华为 finds 华为技术有限公司); LIKE wildcards in the text are literal."""
        text = search.text
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = [self.table.c[n] for n in search.columns]
        if not columns:
            return false()
        clause: ColumnElement[bool] = columns[0].ilike(pattern, escape="\\")
        for column in columns[1:]:
            clause = clause | column.ilike(pattern, escape="\\")
        return clause


@dataclass(frozen=True)
class Search:
    """A substring search and the columns it may look in."""

    text: str
    columns: tuple[str, ...]


def _python_kind(column: ColumnElement[Any]) -> type:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return str
    if kind in (datetime, date, Decimal, int):
        return kind
    return str


SPECS: dict[str, ListSpec] = {
    name: ListSpec.of(entry, m.Base.metadata.tables[entry.table])
    for name, entry in CATALOGUE.items()
}
