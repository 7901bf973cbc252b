"""CONTRACT §3 as plain Python over a `World`: the rows of each type a viewer may see.

Written from the contract's words, not from `authz` (nothing here imports it), so a scope that
drifts from the contract disagrees with this file. Where the contract is silent, the oracle
follows authz/default_policy.csv and the comment on that line says "policy".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tests.slices.world import TYPES, World

Slice = dict[str, set[int]]  # type -> visible row indices; a type not in it is absent

ABSENT_TYPES: dict[str, frozenset[str]] = {
    # Stage changes are a deal's history: absent wherever the Opportunity type is.
    "TECHNICIAN": frozenset({"Opportunity", "OpportunityStageChange", "Lead", "Contract"}),
    "SERVICE_AGENT": frozenset({"Opportunity", "OpportunityStageChange", "Lead"}),
}

# The absent fields the property test would otherwise ask for.
ABSENT_FIELDS: dict[str, frozenset[str]] = {
    "PARTNER_USER": frozenset({"Customer.lifetimeValue", "User.manager"}),
    "TECHNICIAN": frozenset({"Customer.lifetimeValue"}),
    "SERVICE_AGENT": frozenset({"Customer.lifetimeValue"}),
}


def _where(rows: Iterable[Any], keep: Callable[[Any], bool]) -> set[int]:
    return {i for i, row in enumerate(rows) if keep(row)}


def _all(world: World, type_name: str) -> set[int]:
    return set(range(world.count(type_name)))


def _everything(world: World) -> Slice:
    return {t: _all(world, t) for t in TYPES}


def _customer_side(world: World, customers: set[int], *, external_only: bool) -> Slice:
    """Visible customers and what hangs off them: contacts, assets, contracts, tickets (with
    their events), service visits, survey answers, and interactions."""

    def of(rows: Iterable[Any]) -> set[int]:
        return _where(rows, lambda row: row.customer in customers)

    tickets = of(world.tickets)
    return {
        "Customer": customers,
        "Contact": of(world.contacts),
        "Asset": of(world.assets),
        "Contract": of(world.contracts),
        "Ticket": tickets,
        "TicketEvent": tickets,
        "ServiceVisit": of(world.visits),  # policy, for the sales roles
        "SurveyResponse": of(world.surveys),  # policy
        "Interaction": _where(
            world.interactions,
            lambda i: i.customer in customers and not (external_only and i.internal),
        ),
    }


def _sales(world: World, team: set[int]) -> Slice:
    """Records owned by `team`: their customers, leads assigned to them, deals they own."""
    deals = _where(world.opportunities, lambda o: o.owner in team)
    customers = _where(world.customers, lambda c: c.owner in team)
    return {
        **_customer_side(world, customers, external_only=False),
        "Lead": _where(world.leads, lambda lead: lead.assignee in team),
        "Opportunity": deals,
        "OpportunityStageChange": deals,
        "Partner": _all(world, "Partner"),  # policy
        "User": _all(world, "User"),  # policy
        "Task": _where(world.tasks, lambda t: t.assignee in team),  # policy
    }


def _sales_manager(world: World, me: int) -> Slice:
    reports = _where(world.users, lambda u: u.manager == me)
    rows = _sales(world, {me} | reports)
    # §7: "No rule fits: the lead stays NEW, visible to managers" - the unassigned pool.
    team = {me} | reports
    rows["Lead"] = _where(world.leads, lambda lead: lead.assignee in team or lead.assignee is None)
    return rows


def _sales_rep(world: World, me: int) -> Slice:
    return _sales(world, {me})


def _partner_user(world: World, me: int) -> Slice:
    mine = world.users[me].partner
    deals = _where(world.opportunities, lambda o: o.partner == mine)
    customers = _where(world.customers, lambda c: c.partner == mine)
    return {
        **_customer_side(world, customers, external_only=True),
        "Contract": set(),  # not among the partner's rows, though the type is present
        "Lead": _where(world.leads, lambda lead: lead.partner == mine),
        "Opportunity": deals,
        "OpportunityStageChange": deals,
        "Partner": {mine} if mine is not None else set(),
        "User": {me} | _where(world.users, lambda u: u.partner == mine),  # policy
        "Task": _where(world.tasks, lambda t: t.assignee == me),  # policy
    }


def _technician(world: World, me: int) -> Slice:
    tickets = _where(world.tickets, lambda t: t.assignee == me)
    mine = [world.tickets[i] for i in tickets]
    partner = world.users[me].partner
    return {
        "Ticket": tickets,
        "TicketEvent": tickets,
        "Customer": {t.customer for t in mine},
        "Asset": {t.asset for t in mine if t.asset is not None},
        "Contact": {t.contact for t in mine if t.contact is not None},
        "ServiceVisit": _where(world.visits, lambda v: v.technician == me),
        "Interaction": set(),  # policy
        "SurveyResponse": set(),  # policy
        "Partner": {partner} if partner is not None else set(),  # policy: their own company
        "User": {me},  # policy
        "Task": _where(world.tasks, lambda t: t.assignee == me),  # policy
    }


def _service_agent(world: World, me: int) -> Slice:
    return _everything(world)  # every customer's service side; the sales types are absent


def _everything_of(world: World, me: int) -> Slice:
    return _everything(world)


ORACLES: dict[str, Callable[[World, int], Slice]] = {
    "ADMIN": _everything_of,
    "ANALYST": _everything_of,
    "SERVICE_AGENT": _service_agent,
    "SALES_MANAGER": _sales_manager,
    "SALES_REP": _sales_rep,
    "PARTNER_USER": _partner_user,
    "TECHNICIAN": _technician,
}


def visible(world: World, me: int) -> Slice:
    """What the world's user `me` may see: row indices per present type."""
    role = world.users[me].role
    rows = ORACLES[role](world, me)
    absent = ABSENT_TYPES.get(role, frozenset())
    assert set(rows) | absent >= set(TYPES), f"oracle for {role} forgets a type"
    return {t: rows[t] for t in TYPES if t not in absent}


def field_present(role: str, type_name: str, field: str) -> bool:
    return f"{type_name}.{field}" not in ABSENT_FIELDS.get(role, frozenset())
