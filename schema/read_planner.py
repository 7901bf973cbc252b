"""A validated query, in the viewer's role schema, turned into a read plan (`persistence.readplan`).

The planner walks the operation the way graphql-core's executor would (fields collected through
fragments, aliases kept, arguments coerced by the schema), but instead of calling a resolver per
field it describes the rows and columns each field needs. Whatever it does not know how to plan
raises `Unsupported`, and that operation runs on the resolvers instead, with the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from catalogue import CATALOGUE, Aggregate, Feed
from persistence import readplan as rp
from persistence.access import Access
from persistence.listing import SPECS
from persistence.pagination import PageArgs
from schema.build import build_full_schema
from schema.filters import filters_of
from schema.ids import decode_id, decode_id_of
from schema.lead_scoring import JSON_LISTS, JsonListShape
from schema.lists import order_of
from schema.registry import CLASSES

MAX_NODES = 100
_KINDS = {"DateTime": rp.Kind.DATETIME, "Date": rp.Kind.DATE, "Decimal": rp.Kind.DECIMAL}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class Unsupported(Exception):
    """Something the read compiler does not plan; the resolvers serve the operation."""


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


#: Plain fields of each entity type: those built straight from a column of its row.
COLUMN_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(c.name for c in entry.fields) for name, entry in CATALOGUE.items()
}


def _input_object(type_name: str, value: dict[str, Any]) -> Any:
    definition = build_full_schema().get_type_by_name(type_name)
    if definition is None or not hasattr(definition, "origin"):
        raise Unsupported(f"input {type_name}")
    # A field named apart from its Python name (`from` is `from_`) goes by its Python name.
    names = {f.graphql_name: f.python_name for f in getattr(definition, "fields", ())}
    return definition.origin(  # type: ignore[misc,operator]
        **{names.get(k) or snake(k): v for k, v in value.items()}
    )


class ReadPlanner:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        access: Access,
    ) -> None:
        self.schema = schema
        self.access = access
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.raw_variables = dict(variables or {})
        self.variables: VariableValues | None = None

    @classmethod
    def at_field(cls, info: Any, access: Access) -> ReadPlanner:
        """A planner for the field graphql-core is completing: its document's fragments and the
        variables it coerced for the operation."""
        planner = cls.__new__(cls)
        planner.schema, planner.access = info.schema, access
        planner.fragments, planner.raw_variables = dict(info.fragments), {}
        planner.variables = info.variable_values
        return planner

    def object_of(self, type_name: str, nodes: list[FieldNode]) -> rp.Obj:
        """The plan of one object of `type_name` as the field `nodes` select it."""
        return self._obj(type_name, self._sets(nodes))

    def plan(self, operation: OperationDefinitionNode) -> list[rp.Root]:
        if operation.operation is not OperationType.QUERY:
            raise Unsupported("only queries are compiled")
        coerced = get_variable_values(
            self.schema, operation.variable_definitions or (), self.raw_variables
        )
        if isinstance(coerced, list):
            raise Unsupported("variables do not coerce; the executor reports why")
        self.variables = coerced
        query = self.schema.query_type
        assert query is not None
        return [
            self._root(key, nodes, query)
            for key, nodes in self._collect(query, [operation.selection_set]).items()
        ]

    # --- selections -------------------------------------------------------------------------

    def _collect(
        self, parent: GraphQLObjectType, sets: Iterable[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for selection in selection_set.selections:
                if selection.directives:
                    raise Unsupported("directives")
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    fields.setdefault(key, []).append(selection)
                    continue
                if isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    condition = fragment.type_condition
                    inner = fragment.selection_set
                else:
                    assert isinstance(selection, InlineFragmentNode)
                    condition = selection.type_condition  # type: ignore[assignment]
                    inner = selection.selection_set
                if condition is None or self._applies(condition.name.value, parent):
                    for key, nodes in self._collect(parent, [inner]).items():
                        fields.setdefault(key, []).extend(nodes)
        return fields

    def _applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        if condition == type_.name:
            return True
        named = self.schema.type_map.get(condition)
        return (
            named is not None
            and is_abstract_type(named)
            and self.schema.is_sub_type(
                named,  # type: ignore[arg-type]
                type_,
            )
        )

    def _args(self, parent: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        """Arguments coerced by the schema, input objects as their strawberry classes (what the
        resolvers receive): `CustomerFilter(region=[Region.NORTH], …)`."""
        field = parent.fields[node.name.value]
        values = get_argument_values(field, node, self.variables)
        for name, value in values.items():
            if isinstance(value, dict):
                values[name] = _input_object(get_named_type(field.args[name].type).name, value)
        return values

    @staticmethod
    def _sets(nodes: list[FieldNode]) -> list[SelectionSetNode]:
        return [n.selection_set for n in nodes if n.selection_set is not None]

    # --- roots ------------------------------------------------------------------------------

    def _root(self, key: str, nodes: list[FieldNode], query: GraphQLObjectType) -> rp.Root:
        name = nodes[0].name.value
        if name == "__typename":
            return rp.Literal(key, query.name)
        if name.startswith("__"):
            raise Unsupported("introspection")
        args = self._args(query, nodes[0])
        if name == "viewer":
            return self._viewer(key, nodes)
        if name == "node":
            return self._by_id(key, args["id"], self._sets(nodes))
        if name == "nodes":
            if len(args["ids"]) > MAX_NODES:
                raise Unsupported("too many ids; the resolver reports it")
            sets = self._sets(nodes)
            items = tuple(self._by_id(key, i, sets) for i in args["ids"])
            return rp.RootMany(key, items)
        type_ = get_named_type(query.fields[name].type)
        if type_.name.endswith("Connection"):
            return self._connection(key, type_, None, args, self._sets(nodes))
        if type_.name in CLASSES and set(args) == {"id"}:
            pk = decode_id_of(args["id"], type_.name, "id")
            return rp.RootOne(key, pk, self._obj(type_.name, self._sets(nodes)))
        raise Unsupported(f"root field {name}")

    def _by_id(
        self, key: str, global_id: str, sets: list[SelectionSetNode]
    ) -> rp.RootOne | rp.Literal:
        type_name, pk = decode_id(global_id)
        if type_name not in CLASSES or not isinstance(
            self.schema.type_map.get(type_name), GraphQLObjectType
        ):
            return rp.Literal(key, None)
        return rp.RootOne(key, pk, self._obj(type_name, sets))

    def _viewer(self, key: str, nodes: list[FieldNode]) -> rp.RootObject:
        viewer_type = self.schema.type_map["Viewer"]
        assert isinstance(viewer_type, GraphQLObjectType)
        fields: list[rp.Literal | rp.RootOne] = []
        for sub_key, sub_nodes in self._collect(viewer_type, self._sets(nodes)).items():
            match sub_nodes[0].name.value:
                case "__typename":
                    fields.append(rp.Literal(sub_key, "Viewer"))
                case "role":
                    fields.append(rp.Literal(sub_key, self.access.viewer.role.value))
                case "user":
                    target = self._obj("User", self._sets(sub_nodes))
                    fields.append(rp.RootOne(sub_key, rp.VIEWER_USER_ID, target))
                case other:
                    raise Unsupported(f"Viewer.{other}")
        return rp.RootObject(key, tuple(fields))

    # --- objects ----------------------------------------------------------------------------

    def _obj(self, type_name: str, sets: list[SelectionSetNode]) -> rp.Obj:
        type_ = self.schema.type_map[type_name]
        if not isinstance(type_, GraphQLObjectType) or type_name not in SPECS:
            raise Unsupported(f"type {type_name}")
        columns = SPECS[type_name].table.c
        fields: list[rp.Field] = []
        for key, nodes in self._collect(type_, sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                fields.append(rp.Literal(key, type_name))
                continue
            if name == "id":
                fields.append(rp.GlobalId(key, type_name))
                continue
            target = get_named_type(type_.fields[name].type)
            column = snake(name)
            entry = CATALOGUE[type_name]
            sql = getattr(entry.computed_field(column), "sql", None)
            if is_leaf_type(target):
                kind = _KINDS.get(target.name, rp.Kind.PLAIN)
                if column in COLUMN_FIELDS[type_name] and column in columns:
                    fields.append(rp.Column(key, column, kind))
                elif isinstance(sql, Aggregate):
                    fields.append(rp.Aggregate(key, type_name, column, kind))
                else:
                    raise Unsupported(f"{type_name}.{name}")
            elif target.name.endswith("Connection"):
                args = self._args(type_, nodes[0])
                if isinstance(sql, Feed):
                    fields.append(self._feed(key, type_name, column, target, args, nodes))
                elif (many := entry.connection(column)) is not None:
                    parent = entry.join(many)
                    fields.append(self._connection(key, target, parent, args, self._sets(nodes)))
                else:
                    raise Unsupported(f"{type_name}.{name}")
            elif (relation := entry.to_one(column)) is not None:
                target_obj = self._obj(relation.target, self._sets(nodes))
                fields.append(rp.ToOne(key, relation.column, target_obj))
            elif (type_name, name) in JSON_LISTS:
                fields.append(self._json_list(key, JSON_LISTS[type_name, name], target, nodes))
            else:
                raise Unsupported(f"{type_name}.{name}")
        return rp.Obj(type_name, tuple(fields))

    def _json_list(
        self, key: str, stored: JsonListShape, item_type: Any, nodes: list[FieldNode]
    ) -> rp.JsonList:
        items: list[rp.JsonItem] = []
        for item_key, item_nodes in self._collect(item_type, self._sets(nodes)).items():
            name = item_nodes[0].name.value
            if name == "__typename":
                items.append(rp.JsonItem(item_key, literal=item_type.name))
            elif name in stored.keys:
                items.append(rp.JsonItem(item_key, stored.keys[name]))
            elif name in stored.ids:
                source, type_of = stored.ids[name]
                items.append(rp.JsonItem(item_key, source, global_id_of=type_of))
            else:
                raise Unsupported(f"{item_type.name}.{name}")
        return rp.JsonList(key, stored.column, tuple(items))

    # --- connections ------------------------------------------------------------------------

    def _page_args(self, args: Mapping[str, Any]) -> PageArgs:
        return PageArgs.parse(
            first=args.get("first"),
            after=args.get("after"),
            last=args.get("last"),
            before=args.get("before"),
        )

    def _connection(
        self,
        key: str,
        connection_type: Any,
        parent_column: str | None,
        args: Mapping[str, Any],
        sets: list[SelectionSetNode],
    ) -> rp.Connection:
        node_type = get_named_type(connection_type.fields["nodes"].type)
        type_name = node_type.name
        if type_name not in SPECS:
            raise Unsupported(f"connection of {type_name}")
        spec = SPECS[type_name]
        if parent_column is not None and parent_column not in spec.table.c:
            raise Unsupported(f"{type_name} under {parent_column}")
        filters = filters_of(args.get("filter"))
        if "search" in filters:
            filters["search"] = spec.search_visible(
                filters["search"], self.access.policy.hidden_fields
            )
        ordering = spec.ordering(*order_of(args.get("orderBy")))
        parts = self._parts(connection_type, sets, lambda s: self._obj(type_name, s))
        return rp.Connection(
            key=key,
            type_name=type_name,
            parent_column=parent_column,
            filters=filters,
            ordering=ordering,
            kinds=spec.key_kinds(ordering),
            args=self._page_args(args),
            parts=parts,
        )

    def _feed(
        self,
        key: str,
        type_name: str,
        name: str,
        connection_type: Any,
        args: Mapping[str, Any],
        nodes: list[FieldNode],
    ) -> rp.Feed:
        union = get_named_type(connection_type.fields["nodes"].type)

        def shapes(node_sets: list[SelectionSetNode]) -> dict[str, rp.Obj]:
            return {
                member.name: self._obj(member.name, node_sets)
                for member in self.schema.get_possible_types(union)  # type: ignore[arg-type]
            }

        parts = self._parts(connection_type, self._sets(nodes), shapes)
        return rp.Feed(key, type_name, name, self._page_args(args), parts)

    def _parts(
        self, connection_type: Any, sets: list[SelectionSetNode], node_of: Any
    ) -> tuple[rp.Part, ...]:
        parts = []
        for key, nodes in self._collect(connection_type, sets).items():
            name = nodes[0].name.value
            if name in ("totalCount",):
                parts.append(rp.Part(key, name))
            elif name == "__typename":
                parts.append(rp.Part(key, name, connection_type.name))
            elif name == "nodes":
                parts.append(rp.Part(key, name, node_of(self._sets(nodes))))
            elif name == "edges":
                edge_type = get_named_type(connection_type.fields["edges"].type)
                parts.append(rp.Part(key, name, self._edge(edge_type, nodes, node_of)))
            elif name == "pageInfo":
                info_type = get_named_type(connection_type.fields["pageInfo"].type)
                info = [
                    rp.Part(k, n[0].name.value, info_type.name)
                    for k, n in self._collect(info_type, self._sets(nodes)).items()
                ]
                parts.append(rp.Part(key, name, tuple(info)))
            else:
                raise Unsupported(f"{connection_type.name}.{name}")
        return tuple(parts)

    def _edge(self, edge_type: Any, nodes: list[FieldNode], node_of: Any) -> tuple[rp.Part, ...]:
        parts = []
        for key, sub in self._collect(edge_type, self._sets(nodes)).items():
            name = sub[0].name.value
            if name == "cursor":
                parts.append(rp.Part(key, name))
            elif name == "node":
                parts.append(rp.Part(key, name, node_of(self._sets(sub))))
            else:
                parts.append(rp.Part(key, name, edge_type.name))
        return tuple(parts)
