"""Random worlds for the no-leak property: a blueprint of plain rows, a strategy, and an insert.

Rows refer to each other by index into the blueprint's tuples (`TicketRow.customer == 2` is the
third customer), so the oracle can reason about a world without a database. `insert` writes the
world and returns the database id of every row, by type and index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence import models as m
from persistence.models import TABLES_IN_DELETE_ORDER
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
STAGES = ("QUALIFICATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST")
TASK_SUBJECTS = ("Customer", "Lead", "Opportunity", "Ticket")
T = TypeVar("T")


@dataclass(frozen=True)
class UserRow:
    role: str
    partner: int | None
    manager: int | None


@dataclass(frozen=True)
class CustomerRow:
    owner: int | None
    partner: int | None


@dataclass(frozen=True)
class ChildRow:
    """A contact, asset, contract or survey response: a row that only names its customer."""

    customer: int


@dataclass(frozen=True)
class OpportunityRow:
    customer: int
    owner: int | None
    partner: int | None
    stage: str
    amount: int


@dataclass(frozen=True)
class LeadRow:
    assignee: int | None
    partner: int | None


@dataclass(frozen=True)
class TicketRow:
    customer: int
    contact: int | None
    asset: int | None
    assignee: int | None


@dataclass(frozen=True)
class VisitRow:
    ticket: int
    customer: int  # the ticket's customer (the table keeps it denormalised)
    technician: int | None


@dataclass(frozen=True)
class InteractionRow:
    customer: int | None
    contact: int | None
    lead: int | None
    internal: bool


@dataclass(frozen=True)
class TaskRow:
    assignee: int | None
    about: tuple[str, int] | None  # (type, index) of the record the task is about


@dataclass(frozen=True)
class World:
    """Every row of a world. Each opportunity has one stage change and each ticket one event,
    at the same index, so `OpportunityStageChange` i belongs to opportunity i."""

    partners: int
    users: tuple[UserRow, ...]
    customers: tuple[CustomerRow, ...]
    contacts: tuple[ChildRow, ...]
    assets: tuple[ChildRow, ...]
    contracts: tuple[ChildRow, ...]
    surveys: tuple[ChildRow, ...]
    opportunities: tuple[OpportunityRow, ...]
    leads: tuple[LeadRow, ...]
    tickets: tuple[TicketRow, ...]
    visits: tuple[VisitRow, ...]
    interactions: tuple[InteractionRow, ...]
    tasks: tuple[TaskRow, ...]

    def count(self, type_name: str) -> int:
        return len(self.rows(type_name)) if type_name != "Partner" else self.partners

    def rows(self, type_name: str) -> tuple[Any, ...]:
        return {
            "User": self.users,
            "Customer": self.customers,
            "Contact": self.contacts,
            "Asset": self.assets,
            "Contract": self.contracts,
            "SurveyResponse": self.surveys,
            "Opportunity": self.opportunities,
            "OpportunityStageChange": self.opportunities,
            "Lead": self.leads,
            "Ticket": self.tickets,
            "TicketEvent": self.tickets,
            "ServiceVisit": self.visits,
            "Interaction": self.interactions,
            "Task": self.tasks,
        }[type_name]


TYPES = (
    "Partner",
    "User",
    "Customer",
    "Contact",
    "Asset",
    "Contract",
    "SurveyResponse",
    "Opportunity",
    "OpportunityStageChange",
    "Lead",
    "Ticket",
    "TicketEvent",
    "ServiceVisit",
    "Interaction",
    "Task",
)


def _maybe(draw: st.DrawFn, n: int) -> int | None:
    """None, or an index below n (None when there is nothing to point at)."""
    if n == 0:
        return None
    return draw(st.none() | st.integers(0, n - 1))


def _users(draw: st.DrawFn, partners: int) -> tuple[UserRow, ...]:
    """At least one user of every role, with managers and partners the database accepts."""
    roles = draw(st.permutations([*ROLES, *draw(st.lists(st.sampled_from(ROLES), max_size=5))]))
    users = []
    for i, role in enumerate(roles):
        if role == "PARTNER_USER":
            partner: int | None = draw(st.integers(0, partners - 1))
        elif role == "TECHNICIAN":
            partner = _maybe(draw, partners)
        else:
            partner = None
        users.append(UserRow(role, partner, _maybe(draw, i)))
    return tuple(users)


def _children(draw: st.DrawFn, customers: int, per_customer: int) -> tuple[ChildRow, ...]:
    counts = draw(st.lists(st.integers(0, per_customer), min_size=customers, max_size=customers))
    return tuple(ChildRow(c) for c, n in enumerate(counts) for _ in range(n))


def _of_customer(draw: st.DrawFn, rows: tuple[ChildRow, ...], customer: int) -> int | None:
    mine = [i for i, row in enumerate(rows) if row.customer == customer]
    return draw(st.none() | st.sampled_from(mine)) if mine else None


def _ticket(draw: st.DrawFn, w: dict[str, Any], technicians: list[int]) -> TicketRow:
    customer = draw(st.integers(0, len(w["customers"]) - 1))
    assignee = draw(st.none() | st.sampled_from(technicians))
    return TicketRow(
        customer,
        _of_customer(draw, w["contacts"], customer),
        _of_customer(draw, w["assets"], customer),
        assignee,
    )


def _interaction(draw: st.DrawFn, w: dict[str, Any], leads: int) -> InteractionRow:
    customers = len(w["customers"])
    customer, lead = _maybe(draw, customers), _maybe(draw, leads)
    if customer is None and lead is None:  # the database wants a customer or a lead
        customer = draw(st.integers(0, customers - 1))
    contact = _of_customer(draw, w["contacts"], customer) if customer is not None else None
    return InteractionRow(customer, contact, lead, draw(st.booleans()))


def _task(draw: st.DrawFn, users: int, counts: dict[str, int]) -> TaskRow:
    kinds = [k for k in TASK_SUBJECTS if counts[k]]
    kind = draw(st.none() | st.sampled_from(kinds)) if kinds else None
    about = (kind, draw(st.integers(0, counts[kind] - 1))) if kind else None
    return TaskRow(_maybe(draw, users), about)


def _opportunity(draw: st.DrawFn, customers: int, users: int, partners: int) -> OpportunityRow:
    return OpportunityRow(
        customer=draw(st.integers(0, customers - 1)),
        owner=_maybe(draw, users),
        partner=_maybe(draw, partners),
        stage=draw(st.sampled_from(STAGES)),
        amount=draw(st.integers(0, 10_000)),
    )


def _visits(
    draw: st.DrawFn, tickets: tuple[TicketRow, ...], technicians: list[int]
) -> tuple[VisitRow, ...]:
    if not tickets:
        return ()
    picks = draw(st.lists(st.integers(0, len(tickets) - 1), max_size=10))
    technician = st.none() | st.sampled_from(technicians)
    return tuple(VisitRow(t, tickets[t].customer, draw(technician)) for t in picks)


def _many(draw: st.DrawFn, low: int, high: int, make: Callable[[], T]) -> tuple[T, ...]:
    return tuple(make() for _ in range(draw(st.integers(low, high))))


@st.composite
def worlds(draw: st.DrawFn) -> World:
    partners = draw(st.integers(2, 3))
    users = _users(draw, partners)
    n_users = len(users)
    customers = _many(
        draw, 5, 15, lambda: CustomerRow(_maybe(draw, n_users), _maybe(draw, partners))
    )
    n_customers = len(customers)
    w: dict[str, Any] = {
        "customers": customers,
        "contacts": _children(draw, n_customers, 2),
        "assets": _children(draw, n_customers, 2),
        "contracts": _children(draw, n_customers, 1),
        "surveys": _children(draw, n_customers, 1),
        "opportunities": _many(
            draw, 0, 12, lambda: _opportunity(draw, n_customers, n_users, partners)
        ),
        "leads": _many(draw, 0, 8, lambda: LeadRow(_maybe(draw, n_users), _maybe(draw, partners))),
    }
    technicians = [i for i, u in enumerate(users) if u.role == "TECHNICIAN"]
    w["tickets"] = _many(draw, 0, 15, lambda: _ticket(draw, w, technicians))
    w["visits"] = _visits(draw, w["tickets"], technicians)
    w["interactions"] = _many(draw, 0, 15, lambda: _interaction(draw, w, len(w["leads"])))
    counts = {
        "Customer": n_customers,
        "Lead": len(w["leads"]),
        "Opportunity": len(w["opportunities"]),
        "Ticket": len(w["tickets"]),
    }
    w["tasks"] = _many(draw, 0, 8, lambda: _task(draw, n_users, counts))
    return World(partners=partners, users=users, **w)


# --- database -------------------------------------------------------------------------------

Ids = dict[str, list[int]]
#: Offers in a world stay open whatever the test's clock says.
OFFERS_OPEN_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)


def viewer_sub(index: int) -> str:
    """The token `sub` of the world's user at `index` (unique: a world replaces the last one)."""
    return f"viewer-{index}"


async def clear(engine: AsyncEngine) -> None:
    """Empty every table but the policy; DELETE is far cheaper than TRUNCATE on tiny tables."""
    async with engine.begin() as conn:
        for name in TABLES_IN_DELETE_ORDER:
            if name != "casbin_rule":
                await conn.execute(delete(m.Base.metadata.tables[name]))


async def insert_world(engine: AsyncEngine, world: World) -> Ids:
    async with engine.begin() as conn:
        return await _insert_world(conn, world)


def _pick(ids: list[int], index: int | None) -> int | None:
    return None if index is None else ids[index]


async def _row(conn: AsyncConnection, table: Table, **values: Any) -> int:
    return int(
        (await conn.execute(insert(table).values(**values).returning(table.c.id))).scalar_one()
    )


async def _insert_world(db: AsyncConnection, w: World) -> Ids:
    ids: Ids = {t: [] for t in TYPES}
    for part in (_people, _accounts, _sales, _service, _engagement, _webhooks, _lead_desk):
        await part(db, w, ids)
    return ids


async def _webhooks(db: AsyncConnection, w: World, ids: Ids) -> None:
    """One webhook endpoint (admins' only, CONTRACT §8), so its mutations have a target."""
    endpoint = m.WebhookEndpoint.__table__
    ids["WebhookEndpoint"] = [
        await _row(
            db,
            endpoint,
            url="https://hooks.example.com/world",
            events=["ticket.created"],
            secret="whsec_d29ybGQtc2VjcmV0LWtleS0xMjM0NTY=",
        )
    ]


async def _lead_desk(db: AsyncConnection, w: World, ids: Ids) -> None:
    """What the lead processes act on (issue 11), so their mutations have targets: every lead
    distributed to a partner is an open offer, every deal of its customer's own partner a
    PENDING registration (so no other partner's registration ever competes with it), and one
    campaign, assignment rule and nurture sequence (admins' configuration)."""
    lead, deal = m.Lead.__table__, m.Opportunity.__table__
    await db.execute(
        update(lead)
        .where(lead.c.partner_id.is_not(None))
        .values(offer_status="OFFERED", offer_expires_at=OFFERS_OPEN_UNTIL)
    )
    customer = m.Customer.__table__
    customers_partner = (
        select(customer.c.partner_id).where(customer.c.id == deal.c.customer_id).scalar_subquery()
    )
    await db.execute(
        update(deal)
        .where(deal.c.partner_id.is_not(None), deal.c.partner_id == customers_partner)
        .values(registration_status="PENDING")
    )
    ids["Campaign"] = [await f.campaign(db)]
    rule = dict(name="华东规则", assignee_ids=ids["User"][:1])
    ids["AssignmentRule"] = [await _row(db, m.AssignmentRule.__table__, **rule)]
    sequence = dict(name="白皮书培育", trigger_kind="CONTENT_DOWNLOAD")
    ids["NurtureSequence"] = [await _row(db, m.NurtureSequence.__table__, **sequence)]


async def _people(db: AsyncConnection, w: World, ids: Ids) -> None:
    ids["Partner"] = [await f.partner(db) for _ in range(w.partners)]
    for i, u in enumerate(w.users):
        partner_id, manager_id = _pick(ids["Partner"], u.partner), _pick(ids["User"], u.manager)
        ids["User"].append(
            await f.user(
                db, u.role, external_id=viewer_sub(i), partner_id=partner_id, manager_id=manager_id
            )
        )


async def _accounts(db: AsyncConnection, w: World, ids: Ids) -> None:
    for c in w.customers:
        owner_id, partner_id = _pick(ids["User"], c.owner), _pick(ids["Partner"], c.partner)
        ids["Customer"].append(await f.customer(db, owner_id=owner_id, partner_id=partner_id))
    customer = ids["Customer"]
    ids["Contact"] = [await f.contact(db, customer[r.customer]) for r in w.contacts]
    ids["Asset"] = [await f.asset(db, customer[r.customer]) for r in w.assets]
    ids["Contract"] = [await f.contract(db, customer[r.customer]) for r in w.contracts]
    survey = m.SurveyResponse.__table__
    ids["SurveyResponse"] = [
        await _row(db, survey, customer_id=customer[r.customer], kind="CSAT", score=4)
        for r in w.surveys
    ]


async def _sales(db: AsyncConnection, w: World, ids: Ids) -> None:
    """Deals, each with one stage change (a minute apart, so the feed has an order), and leads."""
    for i, o in enumerate(w.opportunities):
        customer_id = ids["Customer"][o.customer]
        oid = await f.opportunity(
            db,
            customer_id,
            owner_id=_pick(ids["User"], o.owner),
            partner_id=_pick(ids["Partner"], o.partner),
            stage=o.stage,
            amount=Decimal(o.amount),
        )
        ids["Opportunity"].append(oid)
        at = f.NOW - timedelta(minutes=i)
        ids["OpportunityStageChange"].append(
            await f.stage_change(db, oid, customer_id, to_stage=o.stage, occurred_at=at)
        )
    for lead in w.leads:
        assignee_id, partner_id = (
            _pick(ids["User"], lead.assignee),
            _pick(ids["Partner"], lead.partner),
        )
        ids["Lead"].append(await f.lead(db, assignee_id=assignee_id, partner_id=partner_id))


async def _service(db: AsyncConnection, w: World, ids: Ids) -> None:
    """Tickets, each with one event, and the technicians' visits."""
    for i, t in enumerate(w.tickets):
        customer_id = ids["Customer"][t.customer]
        tid = await f.ticket(
            db,
            customer_id,
            contact_id=_pick(ids["Contact"], t.contact),
            asset_id=_pick(ids["Asset"], t.asset),
            assignee_id=_pick(ids["User"], t.assignee),
        )
        ids["Ticket"].append(tid)
        at = f.NOW - timedelta(minutes=i, seconds=30)
        ids["TicketEvent"].append(await f.ticket_event(db, tid, customer_id, occurred_at=at))
    for v in w.visits:
        ticket_id, customer_id = ids["Ticket"][v.ticket], ids["Customer"][v.customer]
        technician_id = _pick(ids["User"], v.technician)
        ids["ServiceVisit"].append(
            await f.service_visit(db, ticket_id, customer_id, technician_id=technician_id)
        )


async def _engagement(db: AsyncConnection, w: World, ids: Ids) -> None:
    interaction, task = m.Interaction.__table__, m.Task.__table__
    for i in w.interactions:
        ids["Interaction"].append(
            await _row(
                db,
                interaction,
                customer_id=_pick(ids["Customer"], i.customer),  # None: about a lead only
                contact_id=_pick(ids["Contact"], i.contact),
                lead_id=_pick(ids["Lead"], i.lead),
                is_internal=i.internal,
                channel="WECHAT_WORK",
                direction="INBOUND",
                summary="问交货期",
                occurred_at=f.NOW,
            )
        )
    for t in w.tasks:
        about = {f"{t.about[0].lower()}_id": ids[t.about[0]][t.about[1]]} if t.about else {}
        assignee_id = _pick(ids["User"], t.assignee)
        ids["Task"].append(
            await _row(db, task, subject="跟进", due_at=f.NOW, assignee_id=assignee_id, **about)
        )
