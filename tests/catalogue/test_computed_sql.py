"""A computed field defined in SQL is one catalogue entry, computed alike on both read paths.

A throwaway aggregate, `Customer.open_tickets` (how many of its tickets are NEW), is added to
the customer's entry only; the resolvers' query (`persistence.computed.aggregates`) and the
read compiler (`persistence.read_sql`) then both compute it from that entry, over the rows of
the viewer's slice, and agree.
"""

import dataclasses
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from authz.policy import default_lines
from authz.viewer import Viewer
from catalogue import CATALOGUE, Aggregate, Computed
from domain.enums import Role
from persistence import computed
from persistence import readplan as rp
from persistence.access import Access
from persistence.read_sql import ReadCompiler
from persistence.scope_sql import bind_viewer
from prism.schemas import SchemaRegistry
from tests import factories as f

OPEN_TICKETS = Computed(
    "open_tickets",
    "How many of its tickets are NEW.",
    Aggregate("tickets", "count", where=(("status", "NEW"),)),
)


@pytest.fixture
def open_tickets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    customer = CATALOGUE["Customer"]
    more = dataclasses.replace(customer, computed=(*customer.computed, OPEN_TICKETS))
    monkeypatch.setitem(CATALOGUE, "Customer", more)
    computed.aggregate.cache_clear()
    yield
    computed.aggregate.cache_clear()


async def both_paths(
    db: AsyncEngine, registry: SchemaRegistry, viewer: Viewer, customers: list[int]
) -> tuple[dict[int, int], dict[str, dict[str, int]]]:
    """`Customer.open_tickets` as the resolvers' loader and as the compiled read answer it."""
    policy = registry.slice(viewer.role).policy
    access = Access(viewer, policy)
    sql = computed.aggregate("Customer", "open_tickets")
    async with db.connect() as conn:
        by_resolvers = await computed.aggregates(conn, sql, access.read("Ticket"), customers)
        compiler = ReadCompiler(policy, viewer, access.can_read)
        field = rp.Aggregate("openTickets", "Customer", "open_tickets", rp.Kind.PLAIN)
        roots = [rp.RootOne(str(pk), pk, rp.Obj("Customer", (field,))) for pk in customers]
        statement = bind_viewer(compiler.statement(roots), viewer)  # the role's, for this viewer
        params = tuple(compiler.params.values)
        compiled = json.loads((await conn.exec_driver_sql(statement, params)).scalar_one())
    return by_resolvers, compiled


async def test_a_count_added_to_the_entry_is_computed_alike_on_both_paths(
    db: AsyncEngine, open_tickets: None
) -> None:
    registry = SchemaRegistry()
    registry.load(default_lines())
    async with db.begin() as conn:
        admin = await f.user(conn, "ADMIN")
        technician = await f.user(conn, "TECHNICIAN")
        busy, quiet = await f.customer(conn), await f.customer(conn)
        for status in ("NEW", "NEW", "CLOSED"):
            await f.ticket(conn, busy, status=status)
        await f.ticket(conn, busy, status="NEW", assignee_id=technician)
    sql = computed.aggregate("Customer", "open_tickets")
    assert (sql.type_name, sql.via, sql.function) == ("Ticket", "customer_id", "count")

    everyone = Viewer(admin, "admin", "Admin", Role.ADMIN, None, None, None)
    by_resolvers, compiled = await both_paths(db, registry, everyone, [busy, quiet])
    assert by_resolvers == {busy: 3}  # the loader gives `zero` (0) for a customer not listed
    assert compiled == {str(busy): {"openTickets": 3}, str(quiet): {"openTickets": 0}}

    # A technician sees the customer of their one ticket, and counts only that ticket.
    tech = Viewer(technician, "tech", "Tech", Role.TECHNICIAN, None, None, None)
    by_resolvers, compiled = await both_paths(db, registry, tech, [busy, quiet])
    assert by_resolvers == {busy: 1}
    assert compiled == {str(busy): {"openTickets": 1}, str(quiet): None}
