"""A read plan compiled into one SQL statement that builds the whole response as JSON.

PostgreSQL does the work graphql-core did field by field in Python: `json_build_object` per
row, `json_agg` per page, global IDs and cursors encoded in SQL exactly as the resolver path
encodes them, so both paths answer alike. Every table is read as
`(SELECT * FROM table WHERE <the viewer's row scope> AND …) alias`, with the scope from
`persistence.scopes` through `persistence.scope_sql`: a page, its `totalCount` and every nested row
see only the viewer's slice, as on every other read path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from authz.viewer import Viewer
from catalogue import Match
from persistence import computed
from persistence import readplan as rp
from persistence.access import CompiledPolicy
from persistence.listing import SPECS, Search
from persistence.pagination import Direction, PageArgs, decode_cursor
from persistence.scope_sql import Params, scoped_rows
from persistence.sql_json import cursor, global_id, iso
from persistence.timeline import KEY_KINDS

#: json_build_object takes at most 100 arguments.
MAX_PAIRS = 50
_SAFE_LITERAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TooWide(Exception):
    """An object with more fields than one json_build_object holds: served by resolvers."""


class ReadCompiler:
    """Compiles the roots of one operation for the viewer's role; `params` collects the values.

    Only the viewer's role and whether they belong to a partner shape the text: the viewer's
    own values (`readplan.ViewerValue`) are left as slots, which `scope_sql.bind_viewer` fills
    per request, so one compiled statement serves every viewer of the role."""

    def __init__(
        self, policy: CompiledPolicy, viewer: Viewer, can_read: Callable[[str], bool]
    ) -> None:
        self.policy, self.viewer, self.can_read = policy, viewer, can_read
        self.params = Params()
        self._aliases = 0

    def statement(self, roots: Iterable[rp.Root]) -> str:
        return f"SELECT {self._object((r.key, self._root(r)) for r in roots)}::text"

    def object_statement(self, target: rp.Obj, pk: int) -> str:
        """One object by its key, as JSON text (NULL when the viewer may not see it)."""
        return f"SELECT {self._one(target, f'id = {self.params.add(pk)}')}::text"

    # --- helpers ----------------------------------------------------------------------------

    def _alias(self) -> str:
        self._aliases += 1
        return f"_a{self._aliases}"

    def _literal(self, value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and _SAFE_LITERAL.match(value):
            return f"'{value}'::text"
        return f"{self.params.add(str(value))}::text"

    @staticmethod
    def _object(pairs: Iterable[tuple[str, str]]) -> str:
        items = list(pairs)
        if len(items) > MAX_PAIRS:
            raise TooWide(f"{len(items)} fields")
        return "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in items) + ")"

    def _rows(self, type_name: str, conditions: Sequence[str]) -> str:
        """The viewer's rows of a type, as a derived table: `(SELECT * FROM t WHERE …)`."""
        table = SPECS[type_name].table
        rows = scoped_rows(self.policy, self.viewer, type_name, table)
        more = " AND ".join(f"({c})" for c in conditions) or "true"
        return f"({rows.render(self.params, None, more)})"

    # --- roots and objects ------------------------------------------------------------------

    def _root(self, root: rp.Root) -> str:
        if isinstance(root, rp.Literal):
            return self._literal(root.value)
        if isinstance(root, rp.RootOne):
            return self._one(root.target, f"id = {self.params.add(root.pk)}")
        if isinstance(root, rp.RootMany):
            items = [self._root(item) for item in root.items]
            return f"json_build_array({', '.join(items)})"
        if isinstance(root, rp.RootObject):
            return self._object((f.key, self._root(f)) for f in root.fields)
        return self._connection(root, None)

    def _one(self, target: rp.Obj, condition: str) -> str:
        alias = self._alias()
        table = SPECS[target.type_name].table.name
        rows = self._rows(target.type_name, [f"{table}.{condition}"])
        return f"(SELECT {self._obj(target, alias)} FROM {rows} {alias})"

    def _obj(self, obj: rp.Obj, alias: str) -> str:
        return self._object((f.key, self._field(f, obj.type_name, alias)) for f in obj.fields)

    def _field(self, field: rp.Field, type_name: str, alias: str) -> str:
        if isinstance(field, rp.Column):
            return _column(alias, field)
        if isinstance(field, rp.GlobalId):
            return global_id(field.type_name, f"{alias}.id")
        if isinstance(field, rp.Literal):
            return self._literal(field.value)
        if isinstance(field, rp.ToOne):
            return self._one(field.target, f"id = {alias}.{field.fk}")
        if isinstance(field, rp.Connection):
            return self._connection(field, alias)
        if isinstance(field, rp.Feed):
            return self._timeline(field, alias)
        if isinstance(field, rp.JsonList):
            return self._json_list(field, alias)
        return self._aggregate(field, alias)

    def _json_list(self, field: rp.JsonList, alias: str) -> str:
        """Each element of a JSON array column as an object of the asked fields, in order."""

        def item(part: rp.JsonItem) -> str:
            if part.literal is not None:
                return self._literal(part.literal)
            if not _SAFE_LITERAL.match(part.source):
                raise ValueError(f"not a JSON key to compile: {part.source!r}")
            if part.global_id_of is not None:
                return global_id(part.global_id_of, f"(e.value->>'{part.source}')")
            return f"(e.value->'{part.source}')"

        element = self._object((p.key, item(p)) for p in field.fields)
        return (
            f"(SELECT coalesce(json_agg({element} ORDER BY e.ordinality), '[]'::json)"
            f" FROM jsonb_array_elements({alias}.{field.column}) WITH ORDINALITY e)"
        )

    def _aggregate(self, field: rp.Aggregate, alias: str) -> str:
        """An aggregate over the row's children the viewer may see, as `loaders.aggregate`."""
        sql = computed.aggregate(field.type_name, field.name)
        rows = self._rows(sql.type_name, sql.where_sql(f"{alias}.id", self.params.add))
        total = f"coalesce({sql.value_sql('o')}, {self.params.add(sql.zero)})"
        shown = f"({total})::text" if field.kind is rp.Kind.DECIMAL else total
        return f"(SELECT {shown} FROM {rows} o)"

    # --- connections ------------------------------------------------------------------------

    def _connection(self, conn: rp.Connection, parent: str | None) -> str:
        spec = SPECS[conn.type_name]
        table = spec.table.name
        conditions = [f"{table}.{conn.parent_column} = {parent}.id"] if parent else []
        conditions += self._filters(table, conn.filters)
        keys = [k.name for k in conn.ordering.keys]
        ascending = (conn.ordering.direction is Direction.ASC) != conn.args.backward
        # Decoded even when no page is fetched: a bad cursor is refused whatever is selected.
        _check_cursor(conn.args, conn.kinds)

        def page(limit: int) -> str:
            after = self._after(table, keys, conn.kinds, conn.args, ascending)
            rows = self._rows(conn.type_name, [*conditions, *after])
            return _ordered(rows, keys, ascending, limit)

        def count() -> str:
            return f"(SELECT count(*) FROM {self._rows(conn.type_name, conditions)} c)"

        node = lambda obj, alias: self._obj(obj, alias)  # noqa: E731 - read as a table
        return self._page_json(
            conn.parts, conn.args, page, count, node, keys, conn.kinds, ascending
        )

    def _timeline(self, feed: rp.Feed, parent: str) -> str:
        defined = computed.feed(feed.type_name, feed.name).source_names()
        sources = [s for s in defined if self.can_read(s[0])]
        args = feed.args
        ascending = args.backward
        keys = ["_t", "_k", "_id"]
        _check_cursor(args, KEY_KINDS)

        def branch(name: str, table: str, time: str, via: str, limit: int) -> str:
            where = [f"{table}.{via} = {parent}.id"]
            if args.cursor is not None:
                columns = [f"{table}.{time}", f"'{name}'::text", f"{table}.id"]
                where.append(self._after_exprs(columns, KEY_KINDS, args, ascending))
            order = _order(["1", "2", "3"], ascending)
            return (
                f"(SELECT {table}.{time} AS _t, '{name}'::text AS _k, {table}.id AS _id "
                f"FROM {self._rows(name, where)} {table} ORDER BY {order} LIMIT {limit})"
            )

        def page(limit: int) -> str:
            if not sources:
                empty = "SELECT NULL::timestamptz AS _t, NULL::text AS _k, NULL::bigint AS _id"
                return f"(SELECT * FROM ({empty}) e WHERE false)"
            union = " UNION ALL ".join(branch(*s, limit) for s in sources)
            return _ordered(f"({union})", keys, ascending, limit)

        def count() -> str:
            parts = [
                f"(SELECT count(*) FROM {self._rows(n, [f'{t}.{via} = {parent}.id'])} c)"
                for n, t, _, via in sources
            ]
            return "(" + (" + ".join(parts) or "0") + ")"

        def node(members: Mapping[str, rp.Obj], alias: str) -> str:
            whens = [
                f"WHEN '{name}' THEN {self._one(obj, f'id = {alias}._id')}"
                for name, obj in members.items()
                if any(name == s[0] for s in sources)
            ]
            return f"CASE {alias}._k {' '.join(whens)} END" if whens else "NULL"

        return self._page_json(feed.parts, args, page, count, node, keys, KEY_KINDS, ascending)

    def _page_json(
        self,
        parts: Sequence[rp.Part],
        args: PageArgs,
        page: Callable[[int], str],
        count: Callable[[], str],
        node: Callable[[Any, str], str],
        keys: Sequence[str],
        kinds: Sequence[type],
        ascending: bool,
    ) -> str:
        """The connection object: aggregates over one fetched page, and `totalCount`.

        `page(limit)` is the rows in fetch order (`ascending` on `keys`). With `pageInfo` asked
        for, one row more than the page is fetched and the rows are numbered: the extra one
        says whether there is more, and the first and last kept rows make the cursors. Without
        it, exactly the page is fetched and aggregated in the connection's order."""
        alias, grouped = self._alias(), self._alias()
        paged = any(p.name == "pageInfo" for p in parts)
        if paged:
            order = f"ORDER BY {alias}._rn{' DESC' if args.backward else ''}"
            kept = f" FILTER (WHERE {alias}._rn <= {args.size})"
        else:
            shown = ascending != args.backward  # the connection's order, whichever way fetched
            order = "ORDER BY " + _order([f"{alias}.{k}" for k in keys], shown)
            kept = ""
        row_cursor = cursor([f"{alias}.{k}" for k in keys], kinds)
        aggregates = ["count(*) AS n"]
        out: list[tuple[str, str]] = []
        for i, part in enumerate(parts):
            if part.name == "totalCount":
                out.append((part.key, count()))
            elif part.name == "__typename":
                out.append((part.key, self._literal(part.value)))
            elif part.name in ("nodes", "edges"):
                item = (
                    node(part.value, alias)
                    if part.name == "nodes"
                    else self._edge(part.value, alias, row_cursor, node)
                )
                aggregates.append(f"json_agg({item} {order}){kept} AS p{i}")
                out.append((part.key, f"coalesce({grouped}.p{i}, '[]'::json)"))
            else:  # pageInfo
                if any(p.name in ("startCursor", "endCursor") for p in part.value):
                    # The keys of the page's rows; only the first and last become cursors.
                    aggregates += [
                        f"array_agg({alias}.{k} {order}){kept} AS _c{j}" for j, k in enumerate(keys)
                    ]
                info = [(p.key, self._page_info(p, args, grouped, kinds)) for p in part.value]
                out.append((part.key, self._object(info)))
        body = self._object(out)
        if len(aggregates) == 1 and not paged:
            return f"(SELECT {body})"  # only totalCount and __typename: no page to fetch
        if paged:
            rows = _numbered(page(args.size + 1), keys, ascending)
        else:
            aggregates.remove("count(*) AS n")  # no pageInfo: the page's size says nothing
            rows = page(args.size)
        aggs = ", ".join(dict.fromkeys(aggregates))
        return f"(SELECT {body} FROM (SELECT {aggs} FROM {rows} {alias}) {grouped})"

    def _edge(
        self, parts: Sequence[rp.Part], alias: str, row_cursor: str, node: Callable[..., str]
    ) -> str:
        out = []
        for part in parts:
            if part.name == "cursor":
                out.append((part.key, row_cursor))
            elif part.name == "node":
                out.append((part.key, node(part.value, alias)))
            else:
                out.append((part.key, self._literal(part.value)))
        return self._object(out)

    def _page_info(self, part: rp.Part, args: PageArgs, grouped: str, kinds: Sequence[type]) -> str:
        more = f"({grouped}.n > {args.size})"
        had_cursor = "true" if args.cursor is not None else "false"
        match part.name:
            case "hasNextPage":
                return had_cursor if args.backward else more
            case "hasPreviousPage":
                return more if args.backward else had_cursor
            case "startCursor":
                return cursor([f"{grouped}._c{j}[1]" for j in range(len(kinds))], kinds)
            case "endCursor":
                last = f"array_length({grouped}._c0, 1)"
                return cursor([f"{grouped}._c{j}[{last}]" for j in range(len(kinds))], kinds)
        return self._literal(part.value)

    def _after(
        self, table: str, keys: Sequence[str], kinds: Sequence[type], args: PageArgs, asc: bool
    ) -> list[str]:
        if args.cursor is None:
            return []
        return [self._after_exprs([f"{table}.{k}" for k in keys], kinds, args, asc)]

    def _after_exprs(
        self, exprs: Sequence[str], kinds: Sequence[type], args: PageArgs, ascending: bool
    ) -> str:
        field = "before" if args.backward else "after"
        values = decode_cursor(args.cursor or "", tuple(kinds), field)
        placeholders = ", ".join(self.params.add(v) for v in values)
        return f"({', '.join(exprs)}) {'>' if ascending else '<'} ({placeholders})"

    def _filters(self, table: str, filters: Mapping[str, Any]) -> list[str]:
        """The same conditions as `ListSpec.where`, as text with parameters."""
        out = []
        for key, value in filters.items():
            if value is None:
                continue
            match, column = SPECS_BY_TABLE[table].rule(key)
            if match is Match.SEARCH:
                out.append(self._search(table, value))
            elif match in (Match.SINCE, Match.BEFORE):
                op = ">=" if match is Match.SINCE else "<"
                out.append(f"{table}.{column} {op} {self.params.add(value)}")
            elif isinstance(value, list | tuple | set | frozenset):
                out.append(f"{table}.{column} = ANY({self.params.add(list(value))})")
            elif match is Match.EQUALS_CI:
                out.append(f"lower({table}.{column}) = {self.params.add(str(value).lower())}")
            else:
                out.append(f"{table}.{column} = {self.params.add(value)}")
        return out

    def _search(self, table: str, search: Search) -> str:
        if not search.columns:
            return "false"
        text = search.text
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        placeholder = self.params.add(pattern)
        ors = " OR ".join(f"{table}.{c} ILIKE {placeholder} ESCAPE '\\'" for c in search.columns)
        return f"({ors})"


SPECS_BY_TABLE = {spec.table.name: spec for spec in SPECS.values()}


def _check_cursor(args: PageArgs, kinds: Sequence[type]) -> None:
    if args.cursor is not None:
        decode_cursor(args.cursor, tuple(kinds), "before" if args.backward else "after")


def _column(alias: str, field: rp.Column) -> str:
    expr = f"{alias}.{field.column}"
    match field.kind:
        case rp.Kind.DATETIME:
            return iso(expr)
        case rp.Kind.DATE:
            return f"to_char({expr}, 'YYYY-MM-DD')"
        case rp.Kind.DECIMAL:
            return f"({expr})::text"
    return expr


def _order(exprs: Sequence[str], ascending: bool) -> str:
    direction = "ASC" if ascending else "DESC"
    return ", ".join(f"{e} {direction}" for e in exprs)


def _ordered(rows: str, keys: Sequence[str], ascending: bool, limit: int) -> str:
    """The first `limit` rows in fetch order."""
    order = _order([f"r.{k}" for k in keys], ascending)
    return f"(SELECT r.* FROM {rows} r ORDER BY {order} LIMIT {limit})"


def _numbered(ordered: str, keys: Sequence[str], ascending: bool) -> str:
    """Fetched rows numbered in fetch order: the one past the page only says there is more."""
    order = _order([f"s.{k}" for k in keys], ascending)
    return f"(SELECT s.*, row_number() OVER (ORDER BY {order}) AS _rn FROM {ordered} s)"
