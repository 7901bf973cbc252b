"""The write path itself: what no use case can get around, whatever it forgets to ask.

These tests go under the mutations to the store a use case is handed, to show that the rules
hold structurally: a store is only opened for an act the role has, a new record outside the
act's scope is rolled back, a type the act does not declare cannot be written, and every ID
field of every mutation input is resolved as a reference.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, get_named_type
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from authz.policy import MUTATION_ACTIONS, QUERY_ACTIONS, default_lines
from authz.viewer import Viewer
from domain.enums import Role
from domain.errors import Refused
from persistence import models as m
from persistence.access import Access
from persistence.writes import Reference, SqlStore, UndeclaredWrite
from prism.schemas import SchemaRegistry
from schema.build import build_full_schema
from schema.ids import REFERENCES, encode_id
from tests import factories as f
from tests.conftest import Api


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    registry = SchemaRegistry()
    registry.load(default_lines())
    return registry


@pytest.fixture
async def conn(db: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with db.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


def viewer(user_id: int, role: Role, partner_id: int | None = None) -> Viewer:
    return Viewer(user_id, f"user-{user_id}", "someone", role, partner_id, None, None)


def store(
    registry: SchemaRegistry, conn: AsyncConnection, who: Viewer, act: tuple[str, str]
) -> SqlStore:
    return SqlStore(conn, Access(who, registry.slice(who.role).policy), act)


async def rows(conn: AsyncConnection, table: object) -> int:
    return int(await conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_every_mutation_names_its_act() -> None:
    """A mutation without a policy cell could be neither cut from a schema nor run."""
    schema = build_full_schema()._schema
    assert schema.mutation_type is not None
    assert set(schema.mutation_type.fields) == set(MUTATION_ACTIONS)
    assert set(QUERY_ACTIONS) <= set(schema.query_type.fields)  # type: ignore[union-attr]


def test_every_id_input_field_declares_the_type_it_names() -> None:
    """Every `…Id` of every mutation input is resolved in the viewer's slice, which needs its
    type; an ID field without one would fail loudly at the first call, so catch it here."""
    schema = build_full_schema()._schema
    assert schema.mutation_type is not None
    undeclared = []
    for mutation in schema.mutation_type.fields.values():
        input_type = get_named_type(mutation.args["input"].type)
        assert isinstance(input_type, GraphQLInputObjectType)
        for name, field in input_type.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
            if getattr(inner, "name", None) == "ID" and snake not in REFERENCES:
                undeclared.append(f"{input_type.name}.{name}")
    assert undeclared == []


async def test_a_store_opens_only_for_an_act_the_role_has(
    registry: SchemaRegistry, conn: AsyncConnection
) -> None:
    analyst = viewer(await f.user(conn, "ANALYST"), Role.ANALYST)
    with pytest.raises(Refused) as refused:
        store(registry, conn, analyst, ("Interaction", "log"))
    assert [p.code for p in refused.value.problems] == ["FORBIDDEN"]
    rep = viewer(await f.user(conn, "SALES_REP"), Role.SALES_REP)
    for act in (("User", "create"), ("Partner", "create"), ("Ticket", "create")):
        with pytest.raises(Refused):
            store(registry, conn, rep, act)


async def test_a_new_record_outside_the_acts_scope_is_refused(
    registry: SchemaRegistry, conn: AsyncConnection
) -> None:
    """Even a use case that forgot to pin a partner user's customer to its own partner cannot
    write one for another partner: the insert is checked against the act's scope."""
    mine, theirs = await f.partner(conn), await f.partner(conn)
    user = await f.user(conn, "PARTNER_USER", partner_id=mine)
    writes = store(registry, conn, viewer(user, Role.PARTNER_USER, mine), ("Customer", "create"))
    customers = m.Customer.__table__
    before = await rows(conn, customers)
    async with conn.begin_nested() as savepoint:
        with pytest.raises(Refused) as refused:
            await writes.insert(
                "Customer", {"name": "别家客户", "region": "EAST", "partner_id": theirs}
            )
        await savepoint.rollback()
    assert [p.code for p in refused.value.problems] == ["FORBIDDEN"]
    assert await rows(conn, customers) == before
    assert await writes.insert(
        "Customer", {"name": "自家客户", "region": "EAST", "partner_id": mine}
    )


async def test_an_act_writes_no_type_it_does_not_declare(
    registry: SchemaRegistry, conn: AsyncConnection
) -> None:
    admin = viewer(await f.user(conn, "ADMIN"), Role.ADMIN)
    customer = await f.customer(conn)
    writes = store(registry, conn, admin, ("Contact", "create"))
    with pytest.raises(UndeclaredWrite):
        await writes.insert("Ticket", {"customer_id": customer, "subject": "x", "kind": "REPAIR"})
    with pytest.raises(UndeclaredWrite):
        await writes.next_id("Ticket")


async def test_references_outside_the_slice_read_as_missing(
    registry: SchemaRegistry, conn: AsyncConnection
) -> None:
    """A foreign record and a missing one give the same refusal, field and message."""
    mine, theirs = await f.partner(conn), await f.partner(conn)
    user = await f.user(conn, "PARTNER_USER", partner_id=mine)
    foreign = await f.contact(conn, await f.customer(conn, partner_id=theirs))
    me = viewer(user, Role.PARTNER_USER, mine)
    answers = []
    for pk in (foreign, foreign + 1_000_000):
        writes = store(registry, conn, me, ("Ticket", "create"))
        with pytest.raises(Refused) as refused:
            await writes.resolve([Reference("contact_id", "Contact", pk)])
        answers.append(refused.value.problems)
    assert answers[0] == answers[1]
    assert (answers[0][0].field, answers[0][0].code) == ("contactId", "NOT_FOUND")


CREATE_USER = """mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { id } userErrors { code } } }"""


@pytest.mark.parametrize("role", [r.value for r in Role if r is not Role.ADMIN])
async def test_only_an_admin_makes_users(api: Api, role: str) -> None:
    """The hole that let any signed-in user make an admin and sign in as one."""
    partner = await f.partner(api.engine)
    partner_id = partner if role in ("PARTNER_USER", "TECHNICIAN") else None
    await f.user(api.engine, role, external_id="someone", partner_id=partner_id)
    body = await api.query(
        CREATE_USER,
        {"input": {"externalId": "new-admin", "displayName": "Boss", "role": "ADMIN"}},
        sub="someone",
    )
    assert body.get("data") is None
    assert "errors" in body
    response = await api.post("{ viewer { role } }", sub="new-admin")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_admin_makes_a_user_who_signs_in(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    body = await api.query(
        CREATE_USER,
        {"input": {"externalId": "new-rep", "displayName": "新销售", "role": "SALES_REP"}},
        sub="admin",
    )
    assert body["data"]["createUser"]["userErrors"] == []  # type: ignore[index]
    seen = await api.query("{ viewer { role } }", sub="new-rep")
    assert seen["data"] == {"viewer": {"role": "SALES_REP"}}


async def test_a_rep_logs_a_call_on_their_own_lead_but_not_on_anothers(api: Api) -> None:
    rep = await f.user(api.engine, "SALES_REP", external_id="rep")
    other = await f.user(api.engine, "SALES_REP", external_id="other")
    mine, theirs = (
        await f.lead(api.engine, assignee_id=rep),
        await f.lead(api.engine, assignee_id=other),
    )
    log = """mutation($lead: ID!) { logInteraction(input: {leadId: $lead, channel: PHONE,
        direction: OUTBOUND, summary: "首次电话"}) { userErrors { field message code } } }"""
    ok = await api.query(log, {"lead": encode_id("Lead", mine)}, sub="rep")
    assert ok["data"]["logInteraction"]["userErrors"] == []  # type: ignore[index]
    refused = await api.query(log, {"lead": encode_id("Lead", theirs)}, sub="rep")
    missing = await api.query(log, {"lead": encode_id("Lead", theirs + 1_000_000)}, sub="rep")
    errors = refused["data"]["logInteraction"]["userErrors"]  # type: ignore[index]
    assert errors == missing["data"]["logInteraction"]["userErrors"]  # type: ignore[index]
    assert errors[0]["code"] == "NOT_FOUND"
