"""Row scopes as SQL text with the viewer's values as parameters, compiled once per role.

The predicates are the very ones every other read uses (`persistence.scopes`), built over a symbolic
viewer whose id and partner are bind parameters, then compiled to text once. So one text serves
every viewer of a role, and PostgreSQL can keep one prepared plan for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, ClauseElement, Table, bindparam, select
from sqlalchemy.dialects.postgresql import asyncpg

from authz.viewer import Viewer
from persistence.access import Access, CompiledPolicy
from persistence.readplan import ViewerValue
from persistence.sql_literals import literal

_DIALECT = asyncpg.dialect()
_PLACEHOLDER = re.compile(r"\$(\d+)")
_VIEWER_PARAMS = {"viewer_user_id": "user_id", "viewer_partner_id": "partner_id"}
_CACHE_LIMIT = 4096


class Params:
    """The positional parameters of one statement; `add` returns the text to write: the value
    itself when it is literal-safe (`persistence.sql_literals`), else its placeholder, and for
    a value of the viewer's (`ViewerValue`) a slot that `bind_viewer` fills per request."""

    def __init__(self, *, inline: bool = True) -> None:
        self.values: list[Any] = []
        self.inline = inline

    def add(self, value: Any) -> str:
        if isinstance(value, ViewerValue):
            return _slot(value)
        if self.inline:
            text = literal(value)
            if text is not None:
                return text
        self.values.append(value)
        return f"${len(self.values)}"


@dataclass(frozen=True)
class SqlFragment:
    """A predicate's text with `$1…$n` of its own, and the parameter each stands for."""

    text: str
    names: tuple[str, ...]
    constants: Mapping[str, Any]
    table: str = ""

    def render(self, params: Params, viewer: Viewer | None, more: str = "true") -> str:
        """The text with the viewer's values added to `params`, and `more` conditions. With
        no viewer, the viewer's values are left as slots for `bind_viewer`: the text then
        serves every viewer of the role."""
        placeholders = [params.add(self._value(name, viewer)) for name in self.names]
        text = _PLACEHOLDER.sub(lambda m: placeholders[int(m.group(1)) - 1], self.text)
        # Named as the table, so `more` (and PostgreSQL, which flattens this) reads it as one.
        return f"SELECT * FROM ({text}) AS {self.table} WHERE {more}"

    def _value(self, name: str, viewer: Viewer | None) -> Any:
        attribute = _VIEWER_PARAMS.get(name)
        if attribute is None:
            return self.constants[name]
        return ViewerValue(attribute) if viewer is None else getattr(viewer, attribute)


def _slot(value: ViewerValue) -> str:
    # A comment: a slot left unbound by mistake breaks the statement instead of reading rows.
    return f"/*viewer.{value.attribute}*/"


_SLOTS = tuple((_slot(ViewerValue(a)), a) for a in _VIEWER_PARAMS.values())


def bind_viewer(sql: str, viewer: Viewer) -> str:
    """A statement compiled for the viewer's role, with this viewer's own values written in.

    They go in as literals, not parameters, for the reason `persistence.sql_literals` gives:
    PostgreSQL then keeps the plan made for this viewer's values (a partner with 2,000
    customers and one with 20 want different plans), where a parameter would let it settle on
    one generic plan for all."""
    for slot, attribute in _SLOTS:
        if slot in sql:
            value = getattr(viewer, attribute)
            sql = sql.replace(slot, "NULL" if value is None else literal(value) or "NULL")
    return sql


def compile_fragment(clause: ClauseElement, table: str = "") -> SqlFragment:
    compiled = clause.compile(dialect=_DIALECT)
    names = tuple(getattr(compiled, "positiontup", None) or ())
    return SqlFragment(str(compiled), names, dict(compiled.params), table)


_cache: dict[tuple[int, str, bool], tuple[CompiledPolicy, SqlFragment]] = {}


def scoped_rows(
    policy: CompiledPolicy, viewer: Viewer, type_name: str, table: Table
) -> SqlFragment:
    """`SELECT … FROM table WHERE <read scope>` for viewers of this policy, to which `render`
    adds the caller's conditions.

    Compiled as a whole statement, not the predicate alone: a scope's correlated subquery
    (`EXISTS (… WHERE ticket.customer_id = customer.id)`) correlates to the statement's own
    FROM only then; compiled alone it would cross-join its own copy of the table."""
    key = (id(policy), type_name, viewer.partner_id is not None)
    cached = _cache.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1]
    symbolic = Viewer(
        user_id=cast(int, bindparam("viewer_user_id", type_=BigInteger)),
        external_id="",
        display_name="",
        role=viewer.role,
        partner_id=(
            cast(int, bindparam("viewer_partner_id", type_=BigInteger))
            if viewer.partner_id is not None
            else None
        ),
        manager_id=None,
        region=None,
    )
    predicate = Access(symbolic, policy).read(type_name).predicate
    fragment = compile_fragment(select(table).where(predicate), table.name)
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[key] = (policy, fragment)
    return fragment
