"""A schema per role, cut from the full schema by the role's compiled policy.

Absent fields and types (CONTRACT §3) are removed from the schema itself, so introspection shows
a role only its slice and asking for an absent field fails validation exactly like asking for a
field that never existed. No field-level permission check runs at resolve time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_object_type,
)
from strawberry.types.base import get_object_definition


def hidden_type_closure(schema: GraphQLSchema, hidden: Iterable[str]) -> set[str]:
    """Types to drop: the hidden ones, their edges and connections, unions left empty, and
    mutation payloads whose main object is hidden."""
    gone = set(hidden)
    gone |= {f"{t}Edge" for t in list(gone)} | {f"{t}Connection" for t in list(gone)}
    changed = True
    while changed:
        changed = False
        for name, type_ in schema.type_map.items():
            if name in gone:
                continue
            if isinstance(type_, GraphQLUnionType) and all(t.name in gone for t in type_.types):
                gone.add(name)
                changed = True
            elif (
                is_object_type(type_)
                and name.endswith("Payload")
                and any(
                    get_named_type(f.type).name in gone
                    for f in cast(GraphQLObjectType, type_).fields.values()
                )
            ):
                gone.add(name)
                changed = True
    return gone


def role_schema(
    full: GraphQLSchema, hidden_types: Iterable[str], hidden_fields: Iterable[str]
) -> GraphQLSchema:
    """Copy `full` without the given types (`Lead`) and fields (`Customer.creditLimit`).

    Output types are rebuilt (lazily, so cycles work); scalars, enums and inputs are shared with
    the full schema, since they never lead to an output type.
    """
    gone_types = hidden_type_closure(full, hidden_types)
    gone_fields = set(hidden_fields)
    rebuilt: dict[str, GraphQLNamedType] = {}
    # `leadId` on any input, when the role has no Lead type at all.
    absent_references = {f"{t[0].lower()}{t[1:]}Id" for t in gone_types}

    def _input_hidden(input_name: str) -> set[str]:
        """Fields of an input that would set or filter a hidden field (`marginPercent`, or
        `managerId` for `manager`). A `search` stays: it only looks in visible columns
        (`ListSpec.search_visible`)."""
        match = _INPUT_NAME.match(input_name)
        subject = match.group(1) if match else None
        names = {f.split(".", 1)[1] for f in gone_fields if f.split(".", 1)[0] == subject}
        return names | {f"{n}Id" for n in names} | absent_references

    def visible(type_name: str, name: str, field: GraphQLField) -> bool:
        return (
            f"{type_name}.{name}" not in gone_fields
            and get_named_type(field.type).name not in gone_types
            and not any(get_named_type(a.type).name in gone_types for a in field.args.values())
        )

    def wrap(type_: Any) -> Any:
        if isinstance(type_, GraphQLNonNull):
            return GraphQLNonNull(wrap(type_.of_type))
        if isinstance(type_, GraphQLList):
            return GraphQLList(wrap(type_.of_type))
        return named(type_)

    def fields_of(type_: GraphQLObjectType | GraphQLInterfaceType) -> Callable[[], dict[str, Any]]:
        def thunk() -> dict[str, Any]:
            return {
                name: GraphQLField(
                    **{
                        **field.to_kwargs(),
                        "type_": wrap(field.type),
                        "args": {
                            arg_name: GraphQLArgument(
                                **{**arg.to_kwargs(), "type_": wrap(arg.type)}
                            )
                            for arg_name, arg in field.args.items()
                        },
                    }
                )
                for name, field in type_.fields.items()
                if visible(type_.name, name, field)
            }

        return thunk

    def named(type_: GraphQLNamedType) -> GraphQLNamedType:
        if type_.name in rebuilt:
            return rebuilt[type_.name]
        new: GraphQLNamedType
        if isinstance(type_, GraphQLObjectType):
            new = GraphQLObjectType(
                **_kwargs(
                    type_,
                    fields=fields_of(type_),
                    interfaces=lambda t=type_: [named(i) for i in t.interfaces],
                )
            )
        elif isinstance(type_, GraphQLInterfaceType):
            new = GraphQLInterfaceType(
                **_kwargs(
                    type_,
                    fields=fields_of(type_),
                    resolve_type=_type_name,
                    interfaces=lambda t=type_: [named(i) for i in t.interfaces],
                )
            )
        elif isinstance(type_, GraphQLUnionType):
            new = GraphQLUnionType(
                **_kwargs(
                    type_,
                    resolve_type=_type_name,
                    types=lambda t=type_: [named(m) for m in t.types if m.name not in gone_types],
                )
            )
        elif isinstance(type_, GraphQLEnumType) and (
            dropped := {v for v in type_.values if f"{type_.name}.{v}" in gone_fields}
        ):
            # An enum value the role may not use (`Kpi.WIN_RATE` without opportunities).
            new = GraphQLEnumType(
                **_kwargs(type_, values={n: v for n, v in type_.values.items() if n not in dropped})
            )
        elif isinstance(type_, GraphQLInputObjectType) and (hidden := _input_hidden(type_.name)):
            new = GraphQLInputObjectType(
                **_kwargs(type_, fields={n: f for n, f in type_.fields.items() if n not in hidden})
            )
        else:
            new = type_
        rebuilt[type_.name] = new
        return new

    mutation = full.mutation_type
    kept_mutation = mutation is not None and any(
        visible(mutation.name, n, f) for n, f in mutation.fields.items()
    )
    node_types = [
        named(t)
        for t in full.type_map.values()
        if t.name not in gone_types and is_object_type(t) and _implements_node(t)
    ]
    schema = GraphQLSchema(
        query=cast(GraphQLObjectType, named(cast(GraphQLObjectType, full.query_type))),
        mutation=cast(GraphQLObjectType, named(mutation)) if kept_mutation and mutation else None,
        types=node_types,
        directives=full.directives,
    )
    schema._strawberry_schema = getattr(full, "_strawberry_schema", None)  # type: ignore[attr-defined]
    return schema


def _kwargs(type_: GraphQLNamedType, **overrides: Any) -> dict[str, Any]:
    """The constructor arguments of `type_`, some replaced.

    graphql-core types `to_kwargs()` with resolved values only, while the constructors also take
    thunks (lazy `fields`, `interfaces`, `types`), hence a plain dict.
    """
    return {**type_.to_kwargs(), **overrides}


def _arg(arg: GraphQLArgument, wrap: Callable[[Any], Any]) -> GraphQLArgument:
    return GraphQLArgument(**{**arg.to_kwargs(), "type_": wrap(arg.type)})


#: Inputs that write or filter a type's fields: CreateCustomerInput, UpdateOpportunityInput,
#: CustomerFilter, RegisterDealInput is about Opportunity.
_INPUT_NAME = re.compile(r"^(?:Create|Update)?([A-Z][A-Za-z]*?)(?:Input|Filter)$")


def _type_name(obj: Any, info: Any, abstract_type: Any) -> str:
    """Resolve an interface or union member by the object's own GraphQL type name.

    Strawberry's resolver compares type objects of the full schema; a role schema has its own.
    """
    return str(get_object_definition(obj, strict=True).name)


def _implements_node(type_: GraphQLNamedType) -> bool:
    return any(i.name == "Node" for i in getattr(type_, "interfaces", ()))
