"""Relations to many rows and computed fields defined in SQL are catalogue entries too.

Each `ToMany` joins by a column its target's table holds, and each SQL definition names real
columns; a `to_many` added to an entry is all it takes for its connection field (with its
arguments) and for the read planner's join, which comes from the entry and nowhere else.
"""

import dataclasses
from decimal import Decimal
from typing import Any, cast

import pytest
import strawberry
from graphql import OperationDefinitionNode, parse

from catalogue import CATALOGUE, Aggregate, Computed, Feed
from catalogue.model import to_many
from persistence import computed
from persistence import models as m
from persistence import readplan as rp
from persistence.access import Access
from schema.build import build_full_schema
from schema.generated import INPUTS, object_type
from schema.ids import encode_id
from schema.node import Node
from schema.read_planner import ReadPlanner, Unsupported


def _table(type_name: str) -> Any:
    return m.Base.metadata.tables[CATALOGUE[type_name].table]


def test_every_to_many_joins_by_a_column_of_its_target() -> None:
    found = 0
    for name, entry in CATALOGUE.items():
        for relation in entry.to_many:
            found += 1
            assert relation.target in CATALOGUE, f"{name}.{relation.name}"
            target = _table(relation.target)
            assert entry.join(relation) in target.c, f"{name}.{relation.name}: {relation.via}"
            if relation.filter:
                assert f"{relation.target}Filter" in INPUTS, f"{name}.{relation.name}"
            if relation.order_by:
                assert f"{relation.target}Order" in INPUTS, f"{name}.{relation.name}"
    assert found == 11  # Customer's eight, Lead's, Ticket's and WebhookEndpoint's


def test_every_computed_field_defined_in_sql_names_real_columns() -> None:
    for name, entry in CATALOGUE.items():
        for field in entry.computed:
            if isinstance(field.sql, Aggregate):
                relation = entry.connection(field.sql.relation)
                assert relation is not None, f"{name}.{field.name}"
                target = _table(relation.target)
                for column in (field.sql.column, *(c for c, _ in field.sql.where)):
                    assert not column or column in target.c, f"{name}.{field.name}: {column}"
            elif isinstance(field.sql, Feed):
                for source in field.sql.sources:
                    table = _table(source.type)
                    assert entry.join(source) in table.c, f"{name}.{field.name}: {source}"
                    assert source.time in table.c, f"{name}.{field.name}: {source}"


def test_lifetime_value_and_the_timeline_are_the_catalogues() -> None:
    value = computed.aggregate("Customer", "lifetime_value")
    assert (value.type_name, value.via, value.function, value.column) == (
        "Opportunity",
        "customer_id",
        "sum",
        "amount",
    )
    assert value.where == (("stage", "CLOSED_WON"),)
    assert value.zero == Decimal("0.00")
    feed = computed.feed("Customer", "timeline")
    assert [(s.type_name, s.time, s.via) for s in feed.sources] == [
        ("Interaction", "occurred_at", "customer_id"),
        ("TicketEvent", "occurred_at", "customer_id"),
        ("OpportunityStageChange", "occurred_at", "customer_id"),
        ("ServiceVisit", "scheduled_start", "customer_id"),
    ]


def test_a_to_many_in_the_entry_makes_the_connection_field() -> None:
    """A ticket's tasks, added as one `to_many`: the field has the page arguments, then the
    target's filter and order inputs, and is a connection of the target type."""
    build_full_schema()  # the target types, found by name when the schema is built
    ticket = CATALOGUE["Ticket"]
    tasks = dataclasses.replace(
        to_many("tasks", "Task", "Follow-ups about this ticket."), via="ticket_id"
    )
    entry = dataclasses.replace(ticket, name="TicketWithTasks", to_many=(tasks,))

    @object_type(entry)
    class TicketWithTasks(Node):
        """The ticket entry, one relation more."""

    @strawberry.type
    class Query:
        ticket: TicketWithTasks | None = None

    sdl = strawberry.Schema(Query).as_str().split("type TicketWithTasks implements Node", 1)[1]
    assert '  """Follow-ups about this ticket."""\n  tasks(\n' in sdl
    declared = sdl.split("  tasks(\n", 1)[1].split("): TaskConnection!\n", 1)[0]
    names = [line.split(":")[0].strip() for line in declared.splitlines() if ": " in line]
    assert names == ["first", "after", "last", "before", "filter", "orderBy"]
    assert "filter: TaskFilter = null" in declared
    assert "orderBy: TaskOrder = null" in declared


def test_a_to_many_to_a_type_without_filters_cannot_take_a_filter() -> None:
    entry = dataclasses.replace(
        CATALOGUE["Ticket"],
        name="TicketWithSurveys",
        to_many=(to_many("surveys", "SurveyResponse", "Its survey answers."),),
    )
    with pytest.raises(LookupError, match="SurveyResponse has no filter"):
        object_type(entry)(type("TicketWithSurveys", (Node,), {}))


def _plan(query: str) -> list[rp.Root]:
    schema = build_full_schema()._schema
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return ReadPlanner(schema, document, None, cast(Access, None)).plan(operation)


def _node(type_name: str, selection: str) -> str:
    return f'{{ node(id: "{encode_id(type_name, 1)}") {{ ... on {type_name} {selection} }} }}'


QUERY = _node("Ticket", "{ serviceVisits { totalCount } }")


def test_the_planners_join_comes_from_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    (root,) = _plan(QUERY)
    assert isinstance(root, rp.RootOne)
    (connection,) = root.target.fields
    assert isinstance(connection, rp.Connection)
    assert (connection.type_name, connection.parent_column) == ("ServiceVisit", "ticket_id")

    ticket = CATALOGUE["Ticket"]
    (visits,) = ticket.to_many
    joined_otherwise = dataclasses.replace(visits, via="lead_id")
    monkeypatch.setitem(
        CATALOGUE, "Ticket", dataclasses.replace(ticket, to_many=(joined_otherwise,))
    )
    (root,) = _plan(QUERY)
    assert isinstance(root, rp.RootOne)
    assert root.target.fields[0].parent_column == "lead_id"  # type: ignore[union-attr]

    monkeypatch.setitem(CATALOGUE, "Ticket", dataclasses.replace(ticket, to_many=()))
    with pytest.raises(Unsupported, match="Ticket.serviceVisits"):
        _plan(QUERY)


def test_the_planner_knows_computed_fields_by_their_definition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    query = _node("Customer", "{ lifetimeValue }")
    (root,) = _plan(query)
    assert isinstance(root, rp.RootOne)
    assert root.target.fields == (
        rp.Aggregate("lifetimeValue", "Customer", "lifetime_value", rp.Kind.DECIMAL),
    )
    customer = CATALOGUE["Customer"]
    plain = tuple(
        Computed(c.name, c.description) if c.name == "lifetime_value" else c
        for c in customer.computed
    )
    monkeypatch.setitem(CATALOGUE, "Customer", dataclasses.replace(customer, computed=plain))
    with pytest.raises(Unsupported, match="Customer.lifetimeValue"):
        _plan(query)
