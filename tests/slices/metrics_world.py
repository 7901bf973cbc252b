"""Random worlds for the KPI oracle: plain rows with the times and states the KPIs read.

Rows refer to each other by index (`DealRow.customer == 2` is the third customer).
`tests/slices/metrics_world_db.py` writes a world to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ROLES = (
    "ADMIN",
    "SALES_MANAGER",
    "SALES_REP",
    "PARTNER_USER",
    "TECHNICIAN",
    "SERVICE_AGENT",
    "ANALYST",
)
REGIONS = ("NORTH", "EAST", "SOUTH")
INDUSTRIES = ("制造", "能源")
TIERS = ("STRATEGIC", "KEY", "STANDARD")
SOURCES = ("WEB_FORM", "EVENT", "PARTNER")
LEAD_STATUSES = ("NEW", "CONTACTED", "CONVERTED", "DISQUALIFIED")
STAGES = (
    "QUALIFICATION",
    "NEEDS_ANALYSIS",
    "PROPOSAL",
    "NEGOTIATION",
    "CLOSED_WON",
    "CLOSED_LOST",
)
PRIORITIES = ("LOW", "HIGH")
CHANNELS = ("PHONE", "WEB")


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass(frozen=True)
class UserRow:
    role: str
    partner: int | None
    manager: int | None


@dataclass(frozen=True)
class CustomerRow:
    owner: int | None
    partner: int | None
    region: str
    industry: str | None
    tier: str
    created: int
    # (hour, from, to) status changes in time order; the status now is the last `to`.
    changes: tuple[tuple[int, str, str], ...]
    first_status: str

    @property
    def status(self) -> str:
        return self.changes[-1][2] if self.changes else self.first_status


@dataclass(frozen=True)
class CampaignRow:
    channel: str
    starts_day: int  # days after T0
    cost: int


@dataclass(frozen=True)
class LeadRow:
    assignee: int | None
    partner: int | None
    region: str | None
    industry: str | None
    source: str
    status: str
    created: int
    campaign: int | None
    converted: int | None  # customer index


@dataclass(frozen=True)
class DealRow:
    customer: int
    owner: int | None
    partner: int | None
    stage: str
    amount: int
    created: int
    closed: int | None
    history: tuple[tuple[str | None, str], ...]  # stage changes (from, to), in order


@dataclass(frozen=True)
class TicketRow:
    customer: int
    assignee: int | None
    priority: str
    channel: str
    created: int
    responded: int | None
    resolved: int | None
    due: int | None
    reopened: bool


@dataclass(frozen=True)
class VisitRow:
    ticket: int
    technician: int | None


@dataclass(frozen=True)
class SurveyRow:
    customer: int
    kind: str
    score: int
    at: int


@dataclass(frozen=True)
class World:
    partners: int
    users: tuple[UserRow, ...]
    customers: tuple[CustomerRow, ...]
    campaigns: tuple[CampaignRow, ...]
    leads: tuple[LeadRow, ...]
    deals: tuple[DealRow, ...]
    tickets: tuple[TicketRow, ...]
    visits: tuple[VisitRow, ...]
    surveys: tuple[SurveyRow, ...]


HOURS = 24 * 120  # the worlds span four months


def _opt(draw: st.DrawFn, n: int) -> int | None:
    return draw(st.none() | st.integers(0, n - 1)) if n else None


def _users(draw: st.DrawFn, partners: int) -> tuple[UserRow, ...]:
    roles = [*ROLES, *draw(st.lists(st.sampled_from(ROLES[1:5]), max_size=4))]
    users: list[UserRow] = []
    for i, role in enumerate(roles):
        partner = draw(st.integers(0, partners - 1)) if role == "PARTNER_USER" else None
        if role == "TECHNICIAN":
            partner = _opt(draw, partners)
        manager = draw(
            st.none() | st.sampled_from([j for j in range(i) if roles[j] in ROLES[1:3]] or [None])
        )
        users.append(UserRow(role, partner, manager))
    return tuple(users)


def _customer(draw: st.DrawFn, users: int, partners: int) -> CustomerRow:
    created = draw(st.integers(0, HOURS // 2))
    first = draw(st.sampled_from(("PROSPECT", "ACTIVE")))
    changes: list[tuple[int, str, str]] = []
    status, hour = first, created
    for _ in range(draw(st.integers(0, 2))):
        target = draw(
            st.sampled_from([s for s in ("PROSPECT", "ACTIVE", "CHURNED") if s != status])
        )
        hour = draw(st.integers(hour + 1, hour + HOURS // 3))
        changes.append((hour, status, target))
        status = target
    return CustomerRow(
        owner=_opt(draw, users),
        partner=_opt(draw, partners),
        region=draw(st.sampled_from(REGIONS)),
        industry=draw(st.none() | st.sampled_from(INDUSTRIES)),
        tier=draw(st.sampled_from(TIERS)),
        created=created,
        changes=tuple(changes),
        first_status=first,
    )


def _deal(draw: st.DrawFn, customers: int, users: int, partners: int) -> DealRow:
    stage = draw(st.sampled_from(STAGES))
    created = draw(st.integers(0, HOURS))
    closed = draw(st.integers(created, created + 24 * 40)) if stage.startswith("CLOSED") else None
    path = [s for s in STAGES[:4] if draw(st.booleans())] + [stage]
    history = tuple(zip([None, *path[:-1]], path, strict=True))
    return DealRow(
        customer=draw(st.integers(0, customers - 1)),
        owner=_opt(draw, users),
        partner=_opt(draw, partners),
        stage=stage,
        amount=draw(st.integers(0, 5_000)),
        created=created,
        closed=closed,
        history=history if draw(st.booleans()) else (),
    )


def _ticket(draw: st.DrawFn, customers: int, technicians: list[int]) -> TicketRow:
    created = draw(st.integers(0, HOURS))
    responded = draw(st.none() | st.integers(created, created + 48))
    resolved = draw(st.none() | st.integers(created, created + 24 * 20))
    return TicketRow(
        customer=draw(st.integers(0, customers - 1)),
        assignee=draw(st.none() | st.sampled_from(technicians)),
        priority=draw(st.sampled_from(PRIORITIES)),
        channel=draw(st.sampled_from(CHANNELS)),
        created=created,
        responded=responded,
        resolved=resolved,
        due=draw(st.none() | st.integers(created, created + 24 * 10)),
        reopened=resolved is not None and draw(st.booleans()),
    )


@st.composite
def worlds(draw: st.DrawFn) -> World:
    partners = draw(st.integers(1, 2))
    users = _users(draw, partners)
    n_users = len(users)
    customers = tuple(_customer(draw, n_users, partners) for _ in range(draw(st.integers(2, 8))))
    n_c = len(customers)
    campaigns = tuple(
        CampaignRow(
            draw(st.sampled_from(CHANNELS)),
            draw(st.integers(0, 110)),
            draw(st.integers(0, 3) | st.integers(100, 20_000)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    leads = []
    for _ in range(draw(st.integers(0, 10))):
        status = draw(st.sampled_from(LEAD_STATUSES))
        leads.append(
            LeadRow(
                assignee=_opt(draw, n_users),
                partner=_opt(draw, partners),
                region=draw(st.none() | st.sampled_from(REGIONS)),
                industry=draw(st.none() | st.sampled_from(INDUSTRIES)),
                source=draw(st.sampled_from(SOURCES)),
                status=status,
                created=draw(st.integers(0, HOURS)),
                campaign=_opt(draw, len(campaigns)),
                converted=draw(st.integers(0, n_c - 1)) if status == "CONVERTED" else None,
            )
        )
    deals = tuple(_deal(draw, n_c, n_users, partners) for _ in range(draw(st.integers(0, 10))))
    technicians = [i for i, u in enumerate(users) if u.role == "TECHNICIAN"]
    tickets = tuple(_ticket(draw, n_c, technicians) for _ in range(draw(st.integers(0, 8))))
    visits = tuple(
        VisitRow(
            draw(st.integers(0, len(tickets) - 1)), draw(st.none() | st.sampled_from(technicians))
        )
        for _ in range(draw(st.integers(0, 6) if tickets else st.just(0)))
    )
    surveys = tuple(
        SurveyRow(
            draw(st.integers(0, n_c - 1)),
            kind := draw(st.sampled_from(("CSAT", "NPS"))),
            draw(st.integers(1, 5) if kind == "CSAT" else st.integers(0, 10)),
            draw(st.integers(0, HOURS)),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    return World(
        partners, users, customers, campaigns, tuple(leads), deals, tickets, visits, surveys
    )
