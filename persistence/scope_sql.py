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
from persistence.sql_literals import literal

_DIALECT = asyncpg.dialect()
_PLACEHOLDER = re.compile(r"\$(\d+)")
_VIEWER_PARAMS = {"viewer_user_id": "user_id", "viewer_partner_id": "partner_id"}
_CACHE_LIMIT = 4096


class Params:
    """The positional parameters of one statement; `add` returns the text to write: the value
    itself when it is literal-safe (`persistence.sql_literals`), else its placeholder."""

    def __init__(self, *, inline: bool = True) -> None:
        self.values: list[Any] = []
        self.inline = inline

    def add(self, value: Any) -> str:
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

    def render(self, params: Params, viewer: Viewer, more: str = "true") -> str:
        """The text with the viewer's values added to `params`, and `more` conditions."""
        placeholders = [params.add(self._value(name, viewer)) for name in self.names]
        text = _PLACEHOLDER.sub(lambda m: placeholders[int(m.group(1)) - 1], self.text)
        # Named as the table, so `more` (and PostgreSQL, which flattens this) reads it as one.
        return f"SELECT * FROM ({text}) AS {self.table} WHERE {more}"

    def _value(self, name: str, viewer: Viewer) -> Any:
        attribute = _VIEWER_PARAMS.get(name)
        return getattr(viewer, attribute) if attribute else self.constants[name]


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
