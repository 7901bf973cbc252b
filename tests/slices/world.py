"""Random worlds for the no-leak property: a blueprint of plain rows, and a strategy.

Rows refer to each other by index into the blueprint's tuples (`TicketRow.customer == 2` is the
third customer), so the oracle can reason about a world without a database.
`tests/slices/world_db.py` writes a world to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st

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
