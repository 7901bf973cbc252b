"""GraphQL object types by domain type name, so resolvers can build any node from its row."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from schema.ids import encode_id

T = TypeVar("T")


class Row(Protocol):
    """A fetched row, as persistence returns it: its values by column name."""

    @property
    def _mapping(self) -> Mapping[Any, Any]: ...


BUILDERS: dict[str, Callable[[Row], Any]] = {}
CLASSES: dict[str, type] = {}


def entity(type_name: str) -> Callable[[type[T]], type[T]]:
    """Register a strawberry type whose plain fields are named like its table's columns."""

    def register(cls: type[T]) -> type[T]:
        names = [
            f.name
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.init and f.name not in ("id", "db_id")
        ]

        def build(row: Row) -> T:
            values = row._mapping
            pk = values["id"]
            return cls(  # type: ignore[call-arg]
                id=encode_id(type_name, pk), db_id=pk, **{n: values[n] for n in names}
            )

        BUILDERS[type_name] = build
        CLASSES[type_name] = cls
        return cls

    return register


def build(type_name: str, row: Row | None) -> Any:
    return None if row is None else BUILDERS[type_name](row)
