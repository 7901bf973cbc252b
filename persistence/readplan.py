"""A read as data: what one GraphQL operation asks of the database, with no GraphQL left in it.

The schema layer turns a validated operation into these values (`schema/read_planner.py`);
`persistence/read_sql.py` compiles them into one SQL statement that builds the response JSON.
Every table the plan touches is read under the viewer's row scope there, never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from persistence.pagination import Ordering, PageArgs


class Kind(Enum):
    """How a column becomes JSON: each as the resolver path would have serialised it."""

    PLAIN = "plain"  # text, numbers, booleans, enums, JSON
    DATETIME = "datetime"  # ISO 8601 with offset, as datetime.isoformat()
    DATE = "date"
    DECIMAL = "decimal"  # a string, as str(Decimal)


@dataclass(frozen=True)
class Column:
    key: str  # the response key (alias or field name)
    column: str
    kind: Kind


@dataclass(frozen=True)
class GlobalId:
    key: str
    type_name: str


@dataclass(frozen=True)
class Literal:
    key: str
    value: Any  # a JSON-ready value: `__typename`, the viewer's role


@dataclass(frozen=True)
class Obj:
    """One row of `type_name` as a JSON object with the given fields, in order."""

    type_name: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class ToOne:
    """A reference (`owner`): the row whose id is in this row's `fk`, if the viewer sees it."""

    key: str
    fk: str
    target: Obj


@dataclass(frozen=True)
class Part:
    """One field of a connection, an edge or a page info, under its response key.

    `name` is `totalCount`, `nodes`, `edges`, `pageInfo` (connection); `cursor`, `node` (edge);
    `hasNextPage`, `hasPreviousPage`, `startCursor`, `endCursor` (page info); or `__typename`.
    `value` is the `Obj` of `nodes`/`node`, the sub-parts of `edges`/`pageInfo`, the type name
    of `__typename`."""

    key: str
    name: str
    value: Any = None


@dataclass(frozen=True)
class Connection:
    """A page of `type_name` rows, under a parent row (`parent_column`) or at the root."""

    key: str
    type_name: str
    parent_column: str | None
    filters: dict[str, Any]
    ordering: Ordering
    kinds: tuple[type, ...]
    args: PageArgs
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Feed:
    """The feed `type_name.name` under a row (`Customer.timeline`), as the catalogue defines it
    (`persistence.computed.feed`); its `nodes`/`node` parts hold each entry type's shape."""

    key: str
    type_name: str
    name: str
    args: PageArgs
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Aggregate:
    """The aggregate `type_name.name` of a row (`Customer.lifetime_value`), as the catalogue
    defines it (`persistence.computed.aggregate`), shown as a value of `kind`."""

    key: str
    type_name: str
    name: str
    kind: Kind


@dataclass(frozen=True)
class JsonItem:
    """One field of an element of a `JsonList`: the element's `source` key as it is, or as
    the global ID of a `global_id_of` row; or a `literal` (`__typename`)."""

    key: str
    source: str = ""
    global_id_of: str | None = None
    literal: Any = None


@dataclass(frozen=True)
class JsonList:
    """A list of objects the row keeps as a JSON array in `column` (`Lead.scoreExplanation`),
    each element as an object of `fields`, in stored order."""

    key: str
    column: str
    fields: tuple[JsonItem, ...]


Field = Column | GlobalId | Literal | ToOne | Connection | Feed | Aggregate | JsonList


@dataclass(frozen=True)
class ViewerValue:
    """A value of the signed-in viewer's (`user_id`, `partner_id`), left open in a compiled
    statement and bound per request (`persistence.scope_sql.bind_viewer`): one statement
    serves every viewer of a role."""

    attribute: str


#: The viewer's own user id (`viewer { user }`, the row scopes' "me").
VIEWER_USER_ID = ViewerValue("user_id")
#: The viewer's partner (a partner user's row scopes).
VIEWER_PARTNER_ID = ViewerValue("partner_id")


@dataclass(frozen=True)
class RootOne:
    """`customer(id:)`, `node(id:)`, `viewer { user }`: one row by primary key, or null."""

    key: str
    pk: int | ViewerValue
    target: Obj


@dataclass(frozen=True)
class RootMany:
    """`nodes(ids:)`: a list of rows by primary key, null where not visible."""

    key: str
    items: tuple[RootOne | Literal, ...]


@dataclass(frozen=True)
class RootObject:
    """An object that is not a row (`viewer`), holding literals and rows."""

    key: str
    fields: tuple[Literal | RootOne, ...]


Root = RootOne | RootMany | RootObject | Connection | Literal
