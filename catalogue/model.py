"""The shapes of catalogue entries: plain frozen data, read by persistence and by the schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

#: The `type` of a column holding free-form JSON (the GraphQL `JSON` scalar).
JSON = "JSON"


_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def snake(name: str) -> str:
    """`serviceVisits` -> `service_visits`, `WebhookEndpoint` -> `webhook_endpoint`."""
    return _UPPER.sub("_", name).lower()


@dataclass(frozen=True)
class Column:
    """One column of the type's table and, unless `private`, the field that shows it.

    `type` is the Python type of a value: str, int, bool, Decimal, datetime, date, a domain
    enum (shown as its GraphQL enum), `list[str]`, or `JSON`. A private column is read with the
    row but not shown: a foreign key behind a relation, the raw data behind a computed field.
    """

    name: str
    type: Any
    description: str | None = None
    nullable: bool = False
    private: bool = False

    @property
    def graphql_name(self) -> str:
        return camel(self.name)


class Match(Enum):
    """What a filter value means for the rows."""

    ANY = "any"  # a list: the column is any of the values
    EQUALS = "equals"  # one value, equal
    EQUALS_CI = "equals_ci"  # one text value, equal ignoring case
    ID = "id"  # a global ID of `target`, equal to the column
    SEARCH = "search"  # a substring of any of the type's `search` columns
    SINCE = "since"  # the column is at or after the value
    BEFORE = "before"  # the column is before the value


@dataclass(frozen=True)
class Filter:
    """One field of the type's `<Type>Filter` input and the condition it puts on the rows."""

    name: str
    match: Match
    type: Any = str  # the value's Python type (of each item, for ANY)
    column: str = ""  # defaults to `name`
    description: str | None = None
    target: str | None = None  # the type an ID filter names

    @property
    def column_name(self) -> str:
        return self.column or self.name


def search(description: str) -> Filter:
    return Filter("search", Match.SEARCH, description=description)


def any_of(name: str, type_: Any, description: str | None = None) -> Filter:
    return Filter(name, Match.ANY, type_, description=description)


def equals(name: str, type_: Any, description: str | None = None) -> Filter:
    return Filter(name, Match.EQUALS, type_, description=description)


def equals_ci(name: str, description: str | None = None) -> Filter:
    return Filter(name, Match.EQUALS_CI, str, description=description)


def ref(name: str, target: str, description: str | None = None) -> Filter:
    return Filter(name, Match.ID, str, description=description, target=target)


def updated_since(description: str | None = None) -> Filter:
    return Filter("updated_since", Match.SINCE, datetime, "updated_at", description)


def due_before(description: str | None = None) -> Filter:
    return Filter("due_before", Match.BEFORE, datetime, "due_at", description)


@dataclass(frozen=True)
class Ordering:
    """The type's orderings: enum value -> column, in the order the enum lists them."""

    by: tuple[tuple[str, str], ...]
    default: tuple[str, str]  # (enum value, "ASC" | "DESC") when the client names none
    exposed: bool = True  # whether `<Type>Order` / `<Type>OrderField` exist in the schema
    input_direction: str = "ASC"  # the default of `<Type>Order.direction`
    enum_description: str = ""  # of `<Type>OrderField`; "Orderings of <plural>." by default

    @property
    def columns(self) -> dict[str, str]:
        return dict(self.by)


TIMES = (("CREATED_AT", "created_at"), ("UPDATED_AT", "updated_at"), ("ID", "id"))


@dataclass(frozen=True)
class ToOne:
    """A reference to one row of `target`, by this type's column `via` (read, never shown).

    The field resolves to the target row if the viewer may see it, else null."""

    name: str
    target: str
    description: str
    via: str = ""  # defaults to `<name>_id`

    @property
    def column(self) -> str:
        return self.via or f"{self.name}_id"


def to_one(name: str, target: str, description: str) -> ToOne:
    return ToOne(name, target, description)


@dataclass(frozen=True)
class ToMany:
    """A connection of the `target` rows whose column `via` holds this row's id
    (`Customer.contacts`: the contacts whose `customer_id` is the customer's).

    Its arguments are the page (`first`, `after`, `last`, `before`), then the target's
    `<Target>Filter` as `filter` if `filter`, then its `<Target>Order` as `orderBy` if
    `order_by` (before the page if `order_first`). Each page holds only rows the viewer may see."""

    name: str
    target: str
    description: str
    via: str = ""  # defaults to `<this type's snake name>_id` (`Entry.join`)
    filter: bool = True
    order_by: bool = True
    order_first: bool = False

    @property
    def arguments(self) -> tuple[str, ...]:
        """The connection's arguments by Python name, in schema order."""
        page = ("first", "after", "last", "before")
        order = ("order_by",) if self.order_by else ()
        if self.order_first:
            return (*order, *page, *(("filter",) if self.filter else ()))
        return (*page, *(("filter",) if self.filter else ()), *order)


def to_many(
    name: str, target: str, description: str, *, filter: bool = True, order_by: bool = True
) -> ToMany:
    return ToMany(name, target, description, filter=filter, order_by=order_by)


@dataclass(frozen=True)
class Aggregate:
    """A value SQL computes over the rows of one of the type's to-many relations that the
    viewer may see: `sum` of `column`, or `count` of rows, over those whose columns equal the
    values of `where`; `zero` when there are none. Its type is `zero`'s (`Decimal("0.00")`)."""

    relation: str  # the `ToMany` of the same entry whose rows it reads
    function: str  # "sum" | "count"
    column: str = ""  # the column `sum` adds up
    where: tuple[tuple[str, str], ...] = ()  # (column, value): only rows with these values
    zero: Any = 0

    def __post_init__(self) -> None:
        if self.function not in ("sum", "count") or (self.function == "sum") != bool(self.column):
            raise ValueError(f"not an aggregate: {self.function}({self.column})")


@dataclass(frozen=True)
class Source:
    """One kind of row in a `Feed`: rows of `type` whose column `via` holds this row's id,
    placed in the feed by their column `time`."""

    type: str
    time: str
    via: str = ""  # defaults to `<this type's snake name>_id` (`Entry.join`)


@dataclass(frozen=True)
class Feed:
    """A connection merging the rows of several types under this row, newest first, each
    source cut to the viewer's slice (`Customer.timeline`). Its rows are ordered, and its
    cursors made, by `keys`: the time, the kind (the type's name), the id, in that order."""

    sources: tuple[Source, ...]
    keys: tuple[str, str, str] = ("occurred_at", "kind", "id")


@dataclass(frozen=True)
class Computed:
    """A field whose value is computed: by SQL from its `sql` definition (an `Aggregate` or
    a `Feed`), or, with none, by the resolver method of the type's class that bears its name."""

    name: str
    description: str
    sql: Aggregate | Feed | None = None


@dataclass(frozen=True)
class Entry:
    """Everything the API says about one type, said once."""

    name: str  # the GraphQL type and the policy object
    table: str
    description: str
    plural: str  # "service visits": in the descriptions of its order inputs
    columns: tuple[Column, ...]
    ordering: Ordering
    relations: tuple[ToOne, ...] = ()
    to_many: tuple[ToMany, ...] = ()
    filters: tuple[Filter, ...] = ()
    filter_description: str = ""
    search: tuple[str, ...] = ()
    computed: tuple[Computed, ...] = ()
    policy_object: str = ""  # defaults to `name`

    @property
    def policy_name(self) -> str:
        return self.policy_object or self.name

    @property
    def fields(self) -> tuple[Column, ...]:
        """The columns shown as fields, in schema order."""
        return tuple(c for c in self.columns if not c.private)

    def to_one(self, name: str) -> ToOne | None:
        return next((r for r in self.relations if r.name == name), None)

    def connection(self, name: str) -> ToMany | None:
        """The to-many relation of that (Python) name."""
        return next((r for r in self.to_many if r.name == name), None)

    def computed_field(self, name: str) -> Computed | None:
        return next((c for c in self.computed if c.name == name), None)

    def join(self, relation: ToMany | Source) -> str:
        """The column of the relation's rows that holds this row's id."""
        return relation.via or f"{snake(self.name)}_id"


def stamps(created: str = "When the record was created.") -> tuple[Column, ...]:
    """`createdAt`, `updatedAt`, `version`, as most types show them."""
    return (
        Column("created_at", datetime, created),
        Column("updated_at", datetime, "When the record last changed."),
        Column("version", int, "Pass as `expectedVersion` when updating."),
    )


def fk(name: str, nullable: bool = True) -> Column:
    """A foreign key read with the row, behind a relation."""
    return Column(name, int, nullable=nullable, private=True)


def catalogue_of(*entries: Entry) -> dict[str, Entry]:
    return {e.name: e for e in entries}
