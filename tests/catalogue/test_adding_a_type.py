"""One catalogue entry is all a type needs: its field, its filter, its ordering and its list.

A throwaway type `Gadget` is described only by its entry below; the test shows the GraphQL type,
its `GadgetFilter` / `GadgetOrder` inputs and its `ListSpec` made from that entry, and a query
that filters and sorts gadgets in PostgreSQL through them.
"""

# No `from __future__ import annotations`: strawberry must see the generated classes, which live
# in this module's namespace, not in the resolvers' annotations as strings.

import dataclasses
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from sqlalchemy import BigInteger, DateTime, Identity, MetaData, Numeric, Table, Text, true
from sqlalchemy import Column as SqlColumn
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import Info

from catalogue import CATALOGUE
from catalogue.model import (
    Column,
    Entry,
    Ordering,
    any_of,
    fk,
    search,
    updated_since,
)
from domain.enums import Region
from persistence import models as m
from persistence import reads
from persistence.listing import SPECS, ListSpec
from persistence.pagination import PageArgs
from persistence.scopes import RowScope
from schema.filters import filters_of
from schema.generated import INPUTS, filter_input, object_type, order_inputs
from schema.ids import REFERENCES
from schema.node import Node

GADGET = Entry(
    name="Gadget",
    table="gadget_catalogue_test",
    description="A thing we sell, described only in the catalogue.",
    plural="gadgets",
    columns=(
        Column("name", str, "What it is called."),
        Column("region", Region, "Where it is sold."),
        Column("weight", Decimal, "Weight in kg.", nullable=True),
        Column("updated_at", datetime, "When it last changed."),
        fk("maker_id"),
    ),
    ordering=Ordering((("NAME", "name"), ("WEIGHT", "weight"), ("ID", "id")), ("NAME", "ASC")),
    filter_description="Narrow a gadget list.",
    filters=(search("Substring of the name."), any_of("region", Region), updated_since()),
    search=("name",),
)

TABLE = Table(
    GADGET.table,
    MetaData(),
    SqlColumn("id", BigInteger, Identity(), primary_key=True),
    SqlColumn("name", Text, nullable=False),
    SqlColumn("region", Text, nullable=False),
    SqlColumn("weight", Numeric(8, 2)),
    SqlColumn("updated_at", DateTime(timezone=True), nullable=False),
    SqlColumn("maker_id", BigInteger),
)


@object_type(GADGET)
class Gadget(Node):
    """Nothing but what the entry says."""


def _gadget(values: Mapping[str, Any]) -> Gadget:
    columns = {c.name: values[c.name] for c in GADGET.columns}
    return Gadget(id=str(values["id"]), db_id=values["id"], **columns)  # type: ignore[call-arg]


GadgetFilter = filter_input(GADGET)
GadgetOrderField, GadgetOrder = order_inputs(GADGET)
SPEC = ListSpec.of(GADGET, TABLE)


@strawberry.type
class Query:
    @strawberry.field
    async def gadgets(
        self,
        info: Info,
        filter: GadgetFilter | None = None,  # type: ignore[valid-type]
        order_by: GadgetOrder | None = None,  # type: ignore[valid-type]
    ) -> list[Gadget]:
        order = (
            (None, None)
            if order_by is None
            else (
                order_by.field.value,
                order_by.direction.to_persistence(),
            )
        )
        scope = RowScope("Gadget", "all", true())
        async with info.context["engine"].connect() as conn:
            page = await reads.list_page(
                conn, SPEC, scope, filters_of(filter), order, PageArgs.parse(first=10)
            )
        return [
            Gadget(
                id=str(row.id),
                db_id=row.id,
                **{c.name: row._mapping[c.name] for c in GADGET.columns},
            )  # type: ignore[call-arg]
            for row in page.rows
        ]


SCHEMA = strawberry.Schema(query=Query, types=[Gadget])


@pytest.fixture
async def gadgets(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    async with engine.begin() as conn:
        await conn.run_sync(TABLE.metadata.create_all)
        at = datetime(2026, 3, 1, tzinfo=UTC)
        await conn.execute(
            TABLE.insert(),
            [
                {"name": "Bolt M8", "region": "EAST", "weight": Decimal("0.05"), "updated_at": at},
                {"name": "Bolt M12", "region": "EAST", "weight": Decimal("0.12"), "updated_at": at},
                {
                    "name": "Bolt M10",
                    "region": "NORTH",
                    "weight": Decimal("0.08"),
                    "updated_at": at,
                },
                {"name": "Nut M8", "region": "EAST", "weight": None, "updated_at": at},
            ],
        )
    yield engine
    async with engine.begin() as conn:
        await conn.run_sync(TABLE.metadata.drop_all)


def test_the_entry_alone_makes_the_type_its_filter_and_its_ordering() -> None:
    sdl = SCHEMA.as_str()
    assert (
        '"""A thing we sell, described only in the catalogue."""\ntype Gadget implements Node'
        in sdl
    )
    assert '  """Weight in kg."""\n  weight: Decimal\n' in sdl
    assert '  """Where it is sold."""\n  region: Region!\n' in sdl
    assert "maker" not in sdl.lower()  # a private column is read with the row, not shown
    assert '"""Narrow a gadget list."""\ninput GadgetFilter {' in sdl
    assert "  region: [Region!] = null\n  updatedSince: DateTime = null\n}" in sdl
    assert '"""Orderings of gadgets."""\nenum GadgetOrderField {\n  NAME\n  WEIGHT\n  ID\n}' in sdl
    assert (
        "input GadgetOrder {\n  field: GadgetOrderField!\n  direction: OrderDirection! = ASC\n}"
        in sdl
    )


async def test_a_new_column_filters_and_sorts_in_postgresql(gadgets: AsyncEngine) -> None:
    result = await SCHEMA.execute(
        """{ gadgets(filter: {search: "bolt", region: [EAST]},
                     orderBy: {field: WEIGHT, direction: DESC}) { name region weight } }""",
        context_value={"engine": gadgets},
    )
    assert result.errors is None
    assert result.data == {
        "gadgets": [
            {"name": "Bolt M12", "region": "EAST", "weight": "0.12"},
            {"name": "Bolt M8", "region": "EAST", "weight": "0.05"},
        ]
    }


def test_adding_a_column_entry_is_enough_to_show_it() -> None:
    colour = Column("colour", str, "Paint colour.", nullable=True)
    wider = dataclasses.replace(GADGET, name="WideGadget", columns=(*GADGET.columns, colour))

    @object_type(wider)
    class WideGadget(Node):
        """The same entry, one column more."""

    @strawberry.type
    class WideQuery:
        wide: WideGadget | None = None

    assert '  """Paint colour."""\n  colour: String\n' in strawberry.Schema(WideQuery).as_str()


def test_every_entry_agrees_with_its_table_and_the_id_references() -> None:
    """What the catalogue says a table holds, the table holds; an ID filter names the type the
    schema's ID decoding expects."""
    for name, entry in CATALOGUE.items():
        table = m.Base.metadata.tables[entry.table]
        assert SPECS[name].table is table
        for column in entry.columns:
            assert column.name in table.c, f"{name}.{column.name}"
            assert table.c[column.name].nullable == column.nullable or column.private, (
                f"{name}.{column.name} nullability"
            )
        for relation in entry.relations:
            assert relation.target in CATALOGUE, f"{name}.{relation.name}"
            assert relation.column in table.c, f"{name}.{relation.name}"
        for spec in entry.filters:
            assert spec.match.value == "search" or spec.column_name in table.c, (
                f"{name}.{spec.name}"
            )
            if spec.target is not None:
                assert REFERENCES[spec.name] == spec.target
        for column in entry.search + tuple(c for _, c in entry.ordering.by):
            assert column in table.c, f"{name}: {column}"
        assert (f"{name}Filter" in INPUTS) == bool(entry.filters)
        assert (f"{name}Order" in INPUTS) == entry.ordering.exposed
