"""CONTRACT §3 over a KPI world, row by row: which customers, leads, deals, tickets, visits,
surveys, users, partners and campaigns each viewer sees (the KPI oracle counts only those).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tests.slices.metrics_world import World


@dataclass
class Seen:
    customers: set[int]
    leads: set[int]
    deals: set[int]
    tickets: set[int]
    visits: set[int]
    surveys: set[int]
    users: set[int]
    partners: set[int]
    campaigns: set[int]


def _idx(rows: Iterable[Any], keep: Callable[[Any], bool]) -> set[int]:
    return {i for i, r in enumerate(rows) if keep(r)}


def seen(w: World, viewer: int) -> Seen:
    """§3, row by row."""
    me = w.users[viewer]
    every = Seen(
        *(
            set(range(n))
            for n in (
                len(w.customers),
                len(w.leads),
                len(w.deals),
                len(w.tickets),
                len(w.visits),
                len(w.surveys),
                len(w.users),
                w.partners,
                len(w.campaigns),
            )
        )
    )
    if me.role in ("ADMIN", "ANALYST"):
        return every
    if me.role in ("SALES_MANAGER", "SALES_REP"):
        team = {viewer}
        if me.role == "SALES_MANAGER":
            team |= _idx(w.users, lambda u: u.manager == viewer)
        customers = _idx(w.customers, lambda c: c.owner in team)
        tickets = _idx(w.tickets, lambda t: t.customer in customers)
        return Seen(
            customers,
            # §7: "No rule fits: the lead stays NEW, visible to managers" - the unassigned pool.
            _idx(
                w.leads,
                lambda lead: (
                    lead.assignee in team or (me.role == "SALES_MANAGER" and lead.assignee is None)
                ),
            ),
            _idx(w.deals, lambda d: d.owner in team),
            tickets,
            _idx(w.visits, lambda v: v.ticket in tickets),
            _idx(w.surveys, lambda s: s.customer in customers),
            every.users,
            every.partners,
            every.campaigns,
        )
    if me.role == "PARTNER_USER":
        p = me.partner
        customers = _idx(w.customers, lambda c: c.partner == p)
        tickets = _idx(w.tickets, lambda t: t.customer in customers)
        return Seen(
            customers,
            _idx(w.leads, lambda lead: lead.partner == p),
            _idx(w.deals, lambda d: d.partner == p),
            tickets,
            _idx(w.visits, lambda v: v.ticket in tickets),
            _idx(w.surveys, lambda s: s.customer in customers),
            {viewer} | _idx(w.users, lambda u: u.partner == p),
            {p} if p is not None else set(),
            set(),
        )
    if me.role == "TECHNICIAN":
        tickets = _idx(w.tickets, lambda t: t.assignee == viewer)
        return Seen(
            {w.tickets[t].customer for t in tickets},
            set(),
            set(),
            tickets,
            _idx(w.visits, lambda v: v.technician == viewer),
            set(),
            {viewer},
            {me.partner} if me.partner is not None else set(),
            set(),
        )
    # SERVICE_AGENT
    return Seen(
        every.customers,
        set(),
        set(),
        every.tickets,
        every.visits,
        every.surveys,
        every.users,
        every.partners,
        set(),
    )
