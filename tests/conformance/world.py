"""A small, fixed world for the conformance runs: one user per role and a few rows of each type.

Every role should find something in its slice, so that fuzzed queries walk real rows and
resolvers, not only empty connections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence import models as m
from schema.ids import encode_id
from tests import factories as f

ROLES = (
    "ADMIN",
    "SALES_MANAGER",
    "SALES_REP",
    "PARTNER_USER",
    "TECHNICIAN",
    "SERVICE_AGENT",
    "ANALYST",
)


@dataclass
class SeededWorld:
    """The token `sub` of each role's user, and the database id of every row by type name."""

    subs: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)

    def add(self, type_name: str, pk: int) -> int:
        self.ids.setdefault(type_name, []).append(pk)
        return pk

    def global_ids(self) -> dict[str, list[str]]:
        """Every row's opaque ID as a client would have read it, by type name."""
        return {t: [encode_id(t, pk) for pk in pks] for t, pks in sorted(self.ids.items())}


def sub_of(role: str) -> str:
    return f"conformance-{role.lower().replace('_', '-')}"


async def seed_world(engine: AsyncEngine) -> SeededWorld:
    async with engine.begin() as conn:
        world = SeededWorld()
        await _people(conn, world)
        for i in range(4):
            await _customer_360(conn, world, i)
        await _leads_and_tasks(conn, world)
        return world


async def _people(conn: AsyncConnection, w: SeededWorld) -> None:
    partners = [w.add("Partner", await f.partner(conn)) for _ in range(2)]
    manager = None
    for role in ROLES:
        w.subs[role] = sub_of(role)
        user = await f.user(
            conn,
            role,
            external_id=sub_of(role),
            region="SOUTH",
            partner_id=partners[0] if role == "PARTNER_USER" else None,
            manager_id=manager if role == "SALES_REP" else None,
        )
        w.add("User", user)
        if role == "SALES_MANAGER":
            manager = user


def _user(w: SeededWorld, role: str) -> int:
    return w.ids["User"][ROLES.index(role)]


async def _customer_360(conn: AsyncConnection, w: SeededWorld, i: int) -> None:
    """Customer i with a child row of every kind; owners and partners vary by i."""
    owner = _user(w, ("SALES_REP", "SALES_MANAGER", "SALES_REP", "ADMIN")[i])
    partner = w.ids["Partner"][i % 2] if i < 3 else None
    technician = _user(w, "TECHNICIAN")
    cid = w.add("Customer", await f.customer(conn, owner_id=owner, partner_id=partner))
    contact = w.add("Contact", await f.contact(conn, cid, is_primary=True))
    asset = w.add("Asset", await f.asset(conn, cid))
    w.add("Contract", await f.contract(conn, cid))
    opp = await f.opportunity(conn, cid, owner_id=owner, partner_id=partner)
    w.add("Opportunity", opp)
    w.add("OpportunityStageChange", await f.stage_change(conn, opp, cid))
    ticket = await f.ticket(
        conn, cid, contact_id=contact, asset_id=asset, assignee_id=technician if i < 2 else None
    )
    w.add("Ticket", ticket)
    w.add("TicketEvent", await f.ticket_event(conn, ticket, cid))
    visit = await f.service_visit(conn, ticket, cid, technician_id=technician)
    w.add("ServiceVisit", visit)
    interaction = await f.interaction(conn, cid, contact_id=contact, is_internal=i == 1)
    w.add("Interaction", interaction)
    survey = await _row(conn, m.SurveyResponse.__table__, customer_id=cid, kind="CSAT", score=4)
    w.add("SurveyResponse", survey)


async def _leads_and_tasks(conn: AsyncConnection, w: SeededWorld) -> None:
    rep, partner = _user(w, "SALES_REP"), w.ids["Partner"][0]
    w.add("Lead", await f.lead(conn, assignee_id=rep))
    w.add("Lead", await f.lead(conn, partner_id=partner))
    task = m.Task.__table__
    for i, about in enumerate(
        ({"customer_id": w.ids["Customer"][0]}, {"lead_id": w.ids["Lead"][0]})
    ):
        due = f.NOW + timedelta(days=i)
        w.add("Task", await _row(conn, task, subject="跟进", due_at=due, assignee_id=rep, **about))


async def _row(conn: AsyncConnection, table: Table, **values: object) -> int:
    stmt = insert(table).values(**values).returning(table.c.id)
    return int((await conn.execute(stmt)).scalar_one())
