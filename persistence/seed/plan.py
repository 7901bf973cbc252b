"""How much of everything a seed size makes, and the instant its data is relative to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from domain.enums import PartnerKind, Role

BENCH_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
"""Bench data must be byte-identical across runs and machines, so it never looks at the clock."""


@dataclass(frozen=True)
class Plan:
    """Row budgets per table; generators derive every other count from these."""

    partners: dict[PartnerKind, int]
    users: dict[Role, int]
    customers: int
    contacts: int
    contacts_per_customer: tuple[int, int]
    leads: int
    opportunities: int
    assets: int
    contracts: int
    tickets: int
    interactions: int
    tasks: int
    nps_responses: int
    persona_visits_today: int
    now: datetime


def demo_plan(today: datetime) -> Plan:
    """A few hundred customers: small enough to read, rich enough that every state shows up."""
    return Plan(
        partners={kind: 10 for kind in PartnerKind},
        users={
            Role.ADMIN: 2,
            Role.SALES_MANAGER: 4,
            Role.SALES_REP: 16,
            Role.PARTNER_USER: 20,
            Role.TECHNICIAN: 12,
            Role.SERVICE_AGENT: 6,
            Role.ANALYST: 3,
        },
        customers=200,
        contacts=800,
        contacts_per_customer=(2, 6),
        leads=240,
        opportunities=360,
        assets=260,
        contracts=220,
        tickets=640,
        interactions=6_000,
        tasks=300,
        nps_responses=120,
        persona_visits_today=4,
        now=datetime.combine(today.date(), time(), tzinfo=UTC),
    )


def bench_plan() -> Plan:
    """The load the benchmarks run against: big enough that a missing index or an N+1 shows."""
    return Plan(
        partners={
            PartnerKind.DEALER: 80,
            PartnerKind.RESELLER: 60,
            PartnerKind.SERVICE_PARTNER: 60,
        },
        users={
            Role.ADMIN: 3,
            Role.SALES_MANAGER: 25,
            Role.SALES_REP: 250,
            Role.PARTNER_USER: 100,
            Role.TECHNICIAN: 60,
            Role.SERVICE_AGENT: 45,
            Role.ANALYST: 17,
        },
        customers=50_000,
        contacts=150_000,
        contacts_per_customer=(2, 4),
        leads=30_000,
        opportunities=100_000,
        assets=60_000,
        contracts=40_000,
        tickets=200_000,
        interactions=1_000_000,
        tasks=50_000,
        nps_responses=20_000,
        persona_visits_today=4,
        now=BENCH_ANCHOR,
    )
