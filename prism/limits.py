"""Limits on one GraphQL operation, measured from the parsed document before it is validated.

Depth, aliases, directives, fields and cost are counted with fragments expanded, each fragment
measured once and reused at every spread, so a fragment spread a thousand times costs nothing
to measure. A fragment cycle measures as empty here (it cannot hang) and validation rejects it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from persistence.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from prism.settings import Settings

#: A mutation writes: each mutation field costs this much before what it selects.
MUTATION_FIELD_COST = 10
#: Introspection is bounded by graphql-core's MaxIntrospectionDepthRule, not by our depth.
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


class QueryTooComplex(Exception):
    """The operation is over one of the limits; the message names the limit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    fields: int = 0
    cost: int = 0

    def __add__(self, other: Measure) -> Measure:
        """Siblings: the deeper one sets the depth, everything else adds up."""
        return Measure(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.directives + other.directives,
            self.fields + other.fields,
            self.cost + other.cost,
        )


def measure_operations(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
) -> dict[OperationDefinitionNode, Measure]:
    """Every operation of the document, measured; a document nested past Python's stack fails."""
    try:
        walker = _Walker(schema, document, variables or {})
        return {op: walker.operation(op) for op in _operations(document)}
    except RecursionError:
        raise QueryTooComplex("The document nests selections or fragments too deeply") from None


def check(measure: Measure, settings: Settings) -> None:
    """Raise QueryTooComplex naming the first limit the operation is over."""
    cost_limit = min(settings.max_query_cost, settings.rate_limit_per_minute)
    checks = (
        (measure.depth, settings.max_depth, "levels deep", _DEPTH_NOTE),
        (measure.aliases, settings.max_aliases, "aliases", ""),
        (measure.directives, settings.max_directives, "directives", ""),
        (measure.fields, settings.max_fields, "fields", " (fragments expanded)"),
        (measure.cost, cost_limit, "cost points", _COST_NOTE),
    )
    for value, limit, what, note in checks:
        if value > limit:
            raise QueryTooComplex(f"The query is over the {what} limit: {value} > {limit}{note}")


_DEPTH_NOTE = " (edges, node, nodes and pageInfo are not counted)"
_COST_NOTE = (
    f" (a connection costs its first/last, default {DEFAULT_PAGE_SIZE},"
    " times 1 + the cost of what each node selects)"
)


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema, self.variables = schema, variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.measured: dict[str, Measure] = {}
        self.measuring: set[str] = set()
        self.defaults: dict[str, ValueNode] = {}

    def operation(self, op: OperationDefinitionNode) -> Measure:
        self.defaults = {
            v.variable.name.value: v.default_value
            for v in op.variable_definitions or ()
            if v.default_value is not None
        }
        self.measured.clear()  # page sizes from variable defaults differ per operation
        own = _count(op.directives) + sum(
            _count(v.directives) for v in op.variable_definitions or ()
        )
        root = self.schema.get_root_type(op.operation)
        return self.selections(op.selection_set, root) + Measure(directives=own)

    def selections(self, node: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Measure:
        total = Measure()
        for selection in node.selections if node else ():
            total += Measure(directives=_count(selection.directives))
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner)
        return total

    def fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.measuring:
            return Measure()  # unknown or cyclic: validation rejects the document
        self.measuring.add(name)
        parent = self.schema.get_type(fragment.type_condition.name.value)
        found = self.selections(fragment.selection_set, parent)
        found += Measure(directives=_count(fragment.directives))
        self.measuring.discard(name)
        self.measured[name] = found
        return found

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        name = node.name.value
        definition = (
            self.schema.get_field(parent, name) if is_composite_type(parent) else None  # type: ignore[arg-type]
        )
        named = get_named_type(definition.type) if definition else None
        inner = self.selections(node.selection_set, named)
        wrapper = _is_wrapper(parent, name)
        depth = 0 if name in INTROSPECTION_ROOTS else inner.depth + (0 if wrapper else 1)
        own = Measure(depth=depth, aliases=1 if node.alias else 0, fields=1)
        return own + Measure(
            aliases=inner.aliases,
            directives=inner.directives,
            fields=inner.fields,
            cost=self.cost(node, parent, named, inner.cost),
        )

    def cost(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        named: GraphQLNamedType | None,
        inner: int,
    ) -> int:
        if named is None or not is_composite_type(named):
            return 0
        if _is_wrapper(parent, node.name.value):
            return inner
        writes = MUTATION_FIELD_COST if parent is self.schema.mutation_type else 0
        return writes + self.multiplier(node, named) * (1 + inner)

    def multiplier(self, node: FieldNode, named: GraphQLNamedType) -> int:
        """How many objects the field can return: a page, the IDs asked for, or one."""
        args = {a.name.value: a.value for a in node.arguments or ()}
        if _is_connection(named):
            size = self.int_arg(args.get("first"))
            size = size if size is not None else self.int_arg(args.get("last"))
            return max(1, _page(size if size is not None else DEFAULT_PAGE_SIZE))
        if "ids" in args:
            return max(1, _page(self.list_len(args["ids"])))
        return 1

    def value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            return self.value(self.defaults.get(name))
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return node.values
        return None

    def int_arg(self, node: ValueNode | None) -> int | None:
        found = self.value(node)
        return found if isinstance(found, int) and not isinstance(found, bool) else None

    def list_len(self, node: ValueNode | None) -> int:
        found = self.value(node)
        return len(found) if isinstance(found, list | tuple) else 1


def _count(nodes: Sequence[object] | None) -> int:
    return len(nodes) if nodes else 0


def _page(size: int) -> int:
    """Resolvers refuse sizes outside 0..100, so a larger one never costs more than 100."""
    return min(max(size, 0), MAX_PAGE_SIZE)


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and {"edges", "pageInfo"} <= named.fields.keys()


def _is_edge(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and {"cursor", "node"} <= named.fields.keys()


def _is_wrapper(parent: GraphQLNamedType | GraphQLCompositeType | None, name: str) -> bool:
    """Connection plumbing: a level of the response, not a level of the data."""
    if parent is None:
        return False
    if _is_connection(parent):
        return name in ("edges", "nodes", "pageInfo")
    return _is_edge(parent) and name == "node"
