"""What earlier tables left behind for later ones: ids, owners, times, per-customer id ranges.

Rows stream straight to COPY and are never kept; only these compact columns are, so a child row
can point at a parent that exists and happen after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from random import Random
from typing import NamedTuple, TypeVar

from domain.enums import CustomerStatus, OpportunityStage, Region, Role, TicketKind
from persistence.seed.fake import Fake
from persistence.seed.plan import Plan
from persistence.seed.vocab import City, OverseasCity

Row = tuple[object, ...]
T = TypeVar("T")

HOUR = 3600.0
DAY = 86400.0
YEAR = 365 * DAY
HISTORY = 730 * DAY


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_of(seconds: float) -> date:
    return at(seconds).date()


class TicketTrace(NamedTuple):
    """A ticket as its events, visits and survey need it: the time it reached each status."""

    id: int
    customer: int
    kind: TicketKind
    times: tuple[float, ...]
    assignee: int | None
    csat: int | None
    escalation: int
    visit_today: int | None


class OpportunityTrace(NamedTuple):
    """The stages an opportunity went through and when; its stage-change rows replay this."""

    id: int
    customer: int
    owner: int | None
    stages: tuple[OpportunityStage, ...]
    times: tuple[float, ...]


@dataclass
class World:
    """Seeded randomness plus every fact a later table needs about an earlier one."""

    plan: Plan
    rng: Random
    fake: Fake
    now: float
    partner_region: list[Region] = field(default_factory=list)
    partner_domain: list[str] = field(default_factory=list)
    sales_partners: dict[Region, list[int]] = field(default_factory=dict)
    all_sales_partners: list[int] = field(default_factory=list)
    service_partners: list[int] = field(default_factory=list)
    demo_dealer: int = 0
    users: dict[Role, list[int]] = field(default_factory=dict)
    personas: dict[Role, int] = field(default_factory=dict)
    reps: dict[Region, list[int]] = field(default_factory=dict)
    managers: dict[Region, list[int]] = field(default_factory=dict)
    technicians: dict[Region, list[int]] = field(default_factory=dict)
    partner_users: dict[int, list[int]] = field(default_factory=dict)
    cust_name: list[str] = field(default_factory=list)
    cust_created: list[float] = field(default_factory=list)
    cust_owner: list[int | None] = field(default_factory=list)
    cust_partner: list[int | None] = field(default_factory=list)
    cust_region: list[Region] = field(default_factory=list)
    cust_city: list[City | OverseasCity] = field(default_factory=list)
    cust_industry: list[str] = field(default_factory=list)
    cust_status: list[CustomerStatus] = field(default_factory=list)
    cust_domain: list[str] = field(default_factory=list)
    cust_address: list[str] = field(default_factory=list)
    cust_weight: list[float] = field(default_factory=list)
    contact_first: list[int] = field(default_factory=list)
    contact_count: list[int] = field(default_factory=list)
    asset_first: list[int] = field(default_factory=list)
    asset_count: list[int] = field(default_factory=list)
    lead_created: list[float] = field(default_factory=list)
    lead_assignee: list[int | None] = field(default_factory=list)
    open_leads: list[int] = field(default_factory=list)
    opportunities: list[OpportunityTrace] = field(default_factory=list)
    tickets: list[TicketTrace] = field(default_factory=list)

    @classmethod
    def create(cls, plan: Plan, seed: int) -> World:
        rng = Random(seed)
        return cls(plan=plan, rng=rng, fake=Fake(rng), now=plan.now.timestamp())

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.rng.random()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick_id(self, ids: Sequence[int]) -> int:
        return ids[int(self.rng.random() * len(ids))]

    def cumulative_weights(self, weight: dict[CustomerStatus, float]) -> list[float]:
        """Running totals of each customer's activity, for weighted draws by bisection."""
        cum: list[float] = []
        total = 0.0
        for status, base in zip(self.cust_status, self.cust_weight, strict=True):
            total += base * weight[status]
            cum.append(total)
        return cum

    def customer_ids(self, k: int, weight: dict[CustomerStatus, float]) -> list[int]:
        """`k` customer ids (1-based), busier customers drawn more often, in a seeded order."""
        cum = self.cumulative_weights(weight)
        return [i + 1 for i in self.rng.choices(range(len(cum)), cum_weights=cum, k=k)]

    def since(self, customer: int, window: float = HISTORY) -> float:
        """Earliest instant something about `customer` may happen: not before it existed."""
        return max(self.cust_created[customer - 1], self.now - window)

    def rep_for(self, region: Region) -> int:
        return self.pick_id(self.reps.get(region) or self.users[Role.SALES_REP])

    def owner_of(self, customer: int) -> int:
        owner = self.cust_owner[customer - 1]
        return owner if owner is not None else self.rep_for(self.cust_region[customer - 1])

    def contact_of(self, customer: int) -> int | None:
        count = self.contact_count[customer - 1]
        if count == 0:
            return None
        return self.contact_first[customer - 1] + int(self.rng.random() * count)

    def asset_of(self, customer: int) -> int | None:
        count = self.asset_count[customer - 1]
        if count == 0:
            return None
        return self.asset_first[customer - 1] + int(self.rng.random() * count)

    def walk(self, start: float, steps: Sequence[float]) -> list[float]:
        """Times of a history begun at `start`, cut off at now: how far it got is its state."""
        times = [start]
        for step in steps:
            if times[-1] + step > self.now:
                break
            times.append(times[-1] + step)
        return times

    def place(self, lo: float, steps: Sequence[float], recent: float | None = None) -> list[float]:
        """Times of a history that starts after `lo`, lasts `steps` and ends by `now`.

        With `recent`, the history starts at most that long before it must have, which keeps
        unfinished work (open tickets, open deals) from looking abandoned for a year.
        """
        span = sum(steps)
        latest = self.now - span
        if latest <= lo:
            scale = 0.98 * (self.now - lo) / span * self.rng.random() if span else 0.0
            steps = [s * scale for s in steps]
            start = lo + 0.01 * (self.now - lo) * self.rng.random()
        elif recent is not None:
            start = latest - min(recent, latest - lo) * self.rng.random()
        else:
            start = lo + (latest - lo) * self.rng.random()
        times = [start]
        for step in steps:
            times.append(times[-1] + step)
        return times


def weighted(values: Sequence[T], weights: Sequence[int]) -> tuple[T, ...]:
    """A pool holding each value `weight` times: one uniform `pick` from it is a weighted draw,
    several times cheaper per row than `random.choices`."""
    return tuple(v for v, weight in zip(values, weights, strict=True) for _ in range(weight))


def spread(total: int, parents: int, bounds: tuple[int, int], rng: Random) -> list[int]:
    """Children per parent: each between `bounds`, summing to exactly `total`."""
    lo, hi = bounds
    if not lo * parents <= total <= hi * parents:
        raise ValueError(f"cannot spread {total} over {parents} parents within {bounds}")
    counts = [lo] * parents
    remaining = total - lo * parents
    while remaining:
        i = int(rng.random() * parents)
        if counts[i] < hi:
            counts[i] += 1
            remaining -= 1
    return counts


def tally(parents: int, picks: Sequence[int]) -> tuple[list[int], list[int]]:
    """First child id and child count per parent when children are numbered parent by parent."""
    counts = [0] * parents
    for parent in picks:
        counts[parent - 1] += 1
    firsts: list[int] = []
    next_id = 1
    for count in counts:
        firsts.append(next_id)
        next_id += count
    return firsts, counts
