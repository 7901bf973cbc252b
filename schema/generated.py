"""GraphQL declarations generated from the catalogue (`catalogue.CATALOGUE`).

* `entity_type("Customer")` decorates the class holding a type's resolver-computed fields:
  it adds one field per catalogue column (private columns as `strawberry.Private`), per
  reference (`to_one`), per connection (`to_many`) and per computed field SQL defines as an
  `Aggregate`, then makes it a strawberry type with the catalogue's description and registers
  its builder (`object_type(entry)` does the same for any entry, unregistered). Fields come in
  this order: columns, references, aggregates, the class's own fields, connections, and last
  the class's fields the catalogue defines as a `Feed` (`Customer.timeline`).
* `<Type>Filter`, `<Type>Order` and `<Type>OrderField` are importable from this module
  (`from schema.generated import CustomerFilter`) for every entry with filters or shown
  orderings; `INPUTS` holds them by GraphQL name. To a type checker they are `Any`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.scalars import JSON as JSON_SCALAR
from strawberry.types import Info
from strawberry.types.field import StrawberryField

import schema.enums  # noqa: F401  (registers the domain enumerations as GraphQL enums)
import schema.lead_enums  # noqa: F401
from catalogue import CATALOGUE, Aggregate, Column, Entry, Feed, Filter, Match, ToMany, ToOne
from catalogue.model import JSON, camel
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection, OrderDirection
from schema.registry import entity

T = TypeVar("T")


def value_type(column: Column) -> Any:
    kind = JSON_SCALAR if column.type == JSON else column.type
    return kind | None if column.nullable else kind


def entity_type(type_name: str) -> Callable[[type[T]], type[T]]:
    """The strawberry object type of catalogue entry `type_name`, registered so any node of
    the type can be built from its row (`schema.registry`)."""
    make = object_type(CATALOGUE[type_name])

    def register(cls: type[T]) -> type[T]:
        typed = entity(type_name)(make(cls))
        globals()[type_name] = typed  # where the references to it find it (`_to_one`)
        return typed

    return register


def object_type(entry: Entry) -> Callable[[type[T]], type[T]]:
    """Make the class a strawberry object type: the entry's columns, references and
    aggregates, the class's own fields as they are written, then the entry's connections and
    the class's feeds (the order of the module's docstring)."""

    def make(cls: type[T]) -> type[T]:
        annotated = dict(cls.__dict__.get("__annotations__", {}))
        columns: dict[str, Any] = {}
        for column in entry.columns:
            if column.private:
                columns[column.name] = strawberry.Private[value_type(column)]  # type: ignore[misc]
                continue
            columns[column.name] = value_type(column)
            setattr(cls, column.name, strawberry.field(description=column.description))
        for relation in entry.relations:
            columns[relation.column] = strawberry.Private[int | None]  # type: ignore[misc]
        generated = [(r.name, _to_one(r)) for r in entry.relations]
        generated += [
            (c.name, _aggregate(entry, c.name, c.sql, c.description))
            for c in entry.computed
            if isinstance(c.sql, Aggregate)
        ]
        for name, field in generated:
            setattr(cls, name, field)
            columns[name] = field.type_annotation.annotation  # type: ignore[union-attr]
        # The class's own fields are annotated here, so the connections can follow them.
        feeds = {c.name for c in entry.computed if isinstance(c.sql, Feed)}
        own = {**annotated, **_own_fields(cls, annotated, lambda n: n not in feeds)}
        connections: dict[str, Any] = {}
        for many in entry.to_many:
            field = _to_many(entry, many)
            setattr(cls, many.name, field)
            connections[many.name] = field.type_annotation.annotation  # type: ignore[union-attr]
        last = _own_fields(cls, annotated, lambda n: n in feeds)
        cls.__annotations__ = {**columns, **own, **connections, **last}
        return strawberry.type(cls, description=entry.description)

    return make


def _own_fields(cls: type, annotated: dict[str, Any], chosen: Callable[[str], bool]) -> dict:
    """The annotations of the class's own resolver fields that are `chosen`, in class order."""
    return {
        name: value.base_resolver.type_annotation
        for name, value in cls.__dict__.items()
        if isinstance(value, StrawberryField)
        and value.base_resolver is not None
        and name not in annotated
        and chosen(name)
    }


def computed(type_name: str, name: str | None = None) -> Callable[[Callable[..., Any]], Any]:
    """The field of a computed value the catalogue names for `type_name`, computed by the
    method (a feed's method reads its catalogue definition through `schema.timeline.feed`;
    an aggregate needs no method at all): the method's name finds the entry, and so the
    field's description. `name` names it instead when the method cannot bear it (a private
    column of the row has it)."""

    def make(resolver: Callable[..., Any]) -> Any:
        named = name or resolver.__name__
        found = [c for c in CATALOGUE[type_name].computed if c.name == named]
        if not found:
            raise LookupError(f"{type_name}.{named} is not in the catalogue")
        graphql_name = None if name is None else camel(name)
        return strawberry.field(resolver, name=graphql_name, description=found[0].description)

    return make


def _to_one(relation: ToOne) -> StrawberryField:
    """The field of a reference. Its type is looked up here, by name, when the schema is built:
    the target's class may be made after the class that refers to it."""

    async def resolve(root: Any, info: Info) -> Any:
        return await lists.node(info, relation.target, getattr(root, relation.column))

    field = strawberry.field(resolver=resolve, description=relation.description)
    target = Annotated[relation.target, strawberry.lazy(__name__)]  # type: ignore[misc,name-defined]
    field.type_annotation = StrawberryAnnotation(target | None)
    return field


def _to_many(entry: Entry, relation: ToMany) -> StrawberryField:
    """The connection field of a to-many relation: its arguments, in the relation's order,
    are the page and the target's filter and ordering inputs (`ToMany.arguments`)."""
    via = entry.join(relation)

    async def resolve(root: Any, info: Info, **args: Any) -> Any:
        return await lists.nested(
            info, relation.target, root.db_id, args.get("filter"), args.get("order_by"),
            args.get("first"), args.get("after"), args.get("last"), args.get("before"),
            parent_column=via,
        )  # fmt: skip

    argument_types = {
        "first": First,
        "after": After,
        "last": Last,
        "before": Before,
        "filter": INPUTS.get(f"{relation.target}Filter"),
        "order_by": INPUTS.get(f"{relation.target}Order"),
    }
    parameters = [
        inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info),
    ]
    for name in relation.arguments:
        kind = argument_types[name]
        if kind is None:
            raise LookupError(f"{entry.name}.{relation.name}: {relation.target} has no {name}")
        annotation = kind if name in ("first", "after", "last", "before") else kind | None
        parameters.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
            )
        )
    node = Annotated[relation.target, strawberry.lazy(__name__)]  # type: ignore[misc,name-defined]
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters,
        return_annotation=Connection[node],  # type: ignore[valid-type]
    )
    resolve.__name__ = relation.name
    field = strawberry.field(resolver=resolve, description=relation.description)
    field.type_annotation = StrawberryAnnotation(Connection[node])  # type: ignore[valid-type]
    return field


def _aggregate(entry: Entry, name: str, sql: Aggregate, description: str) -> StrawberryField:
    """The field of a value SQL computes over a to-many relation (`Customer.lifetimeValue`)."""
    type_name = entry.name

    async def resolve(root: Any, info: Info) -> Any:
        return await lists.aggregate(info, type_name, name, root.db_id)

    field = strawberry.field(resolver=resolve, description=description)
    field.type_annotation = StrawberryAnnotation(type(sql.zero))
    return field


def _filter_type(spec: Filter) -> Any:
    match spec.match:
        case Match.ANY:
            return list[spec.type] | None  # type: ignore[name-defined]
        case Match.ID:
            return strawberry.ID | None
        case Match.SINCE | Match.BEFORE:
            return datetime | None
    return spec.type | None


def filter_input(entry: Entry) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for spec in entry.filters:
        annotations[spec.name] = _filter_type(spec)
        namespace[spec.name] = (
            None
            if spec.description is None
            else strawberry.field(default=None, description=spec.description)
        )
    cls = type(f"{entry.name}Filter", (), namespace)
    return strawberry.input(cls, description=entry.filter_description)


def order_inputs(entry: Entry) -> tuple[type, type]:
    """`<Type>OrderField` (the enum) and `<Type>Order` (field and direction)."""
    values = [value for value, _ in entry.ordering.by]
    field_enum = Enum(f"{entry.name}OrderField", {v: v for v in values})  # type: ignore[misc]
    described = entry.ordering.enum_description or f"Orderings of {entry.plural}."
    strawberry.enum(field_enum, description=described)
    namespace = {
        "__annotations__": {"field": field_enum, "direction": OrderDirection},
        "direction": OrderDirection(entry.ordering.input_direction),
    }
    order = type(f"{entry.name}Order", (), namespace)
    return field_enum, strawberry.input(order, description=f"Sort {entry.plural} by one field.")


def _generate() -> dict[str, type]:
    found: dict[str, type] = {}
    for entry in CATALOGUE.values():
        if entry.filters:
            found[f"{entry.name}Filter"] = filter_input(entry)
        if entry.ordering.exposed:
            field_enum, order = order_inputs(entry)
            found[field_enum.__name__] = field_enum
            found[order.__name__] = order
    return found


INPUTS: dict[str, type] = _generate()


def __getattr__(name: str) -> Any:
    try:
        return INPUTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
