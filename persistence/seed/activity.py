"""A year of interactions on every channel, and the follow-up tasks people owe.

Interactions are the bulk of the bench data set (a million rows), so the per-row path here uses
bulk `random.choices` and plain indexing rather than the friendlier helpers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from domain.enums import Channel, CustomerStatus, Direction, Role, TaskStatus
from persistence.seed import vocab
from persistence.seed.world import DAY, HOUR, YEAR, Row, World, at

INTERACTION_COLUMNS = (
    "id", "customer_id", "contact_id", "lead_id", "channel", "direction", "summary",
    "is_internal", "occurred_at", "actor_id", "created_at", "updated_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "subject", "due_at", "assignee_id", "status", "customer_id", "lead_id",
    "opportunity_id", "ticket_id", "rule", "version", "created_at", "updated_at",
)  # fmt: skip

CHANNELS = tuple(Channel)
CHANNEL_WEIGHTS = (24, 16, 22, 10, 8, 10, 4, 6)
DIRECTIONS = (Direction.OUTBOUND, Direction.INBOUND)
INTERACTION_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.6,
    CustomerStatus.CHURNED: 0.2,
}
LEAD_SHARE = 0.06
INTERNAL_SHARE = 0.08
TASK_TARGETS = ("customer", "lead", "opportunity", "ticket", "none")
TASK_TARGET_WEIGHTS = (15, 15, 35, 20, 15)


def chronological(w: World, n: int, since: float) -> list[float]:
    """`n` sorted instants after `since`: rows in time order keep the id, `occurred_at` and
    `updated_at` indexes append-only, which makes the million-row COPY markedly faster."""
    span = w.now - since
    return sorted(since + span * w.rng.random() for _ in range(n))


class LeadsByAge:
    """Unconverted leads ordered by creation, so "a lead that existed at t" is one bisection."""

    def __init__(self, w: World) -> None:
        ordered = sorted((w.lead_created[lead - 1], lead) for lead in w.open_leads)
        self.created = [created for created, _ in ordered]
        self.ids = [lead for _, lead in ordered]


def interactions(w: World) -> Iterator[Row]:
    rng = w.rng
    times = chronological(w, w.plan.interactions, w.now - YEAR)
    cum = w.cumulative_weights(INTERACTION_ACTIVITY)
    channels = rng.choices(CHANNELS, CHANNEL_WEIGHTS, k=len(times))
    summaries = {c: vocab.INTERACTION_SUMMARIES[c.value] for c in CHANNELS}
    internal = vocab.INTERNAL_SUMMARIES
    agents = w.users[Role.SERVICE_AGENT]
    leads = LeadsByAge(w)
    created, owners = w.cust_created, w.cust_owner
    first, count, lead_assignee = w.contact_first, w.contact_count, w.lead_assignee
    for i, t in enumerate(times):
        channel = channels[i]
        pool = summaries[channel]
        summary = pool[int(rng.random() * len(pool))]
        is_internal = rng.random() < INTERNAL_SHARE
        if is_internal:
            summary = internal[int(rng.random() * len(internal))]
        direction = DIRECTIONS[rng.random() < 0.4]
        occurred = at(t)
        if rng.random() < LEAD_SHARE:
            known = bisect_right(leads.created, t)
            if known:
                lead = leads.ids[int(rng.random() * known)]
                yield (i + 1, None, None, lead, channel, direction, summary, is_internal, occurred,
                       lead_assignee[lead - 1], occurred, occurred)  # fmt: skip
                continue
        existing = max(1, bisect_right(created, t))
        c = min(bisect_right(cum, rng.random() * cum[existing - 1]), existing - 1)
        contact = first[c] + int(rng.random() * count[c]) if rng.random() < 0.75 else None
        actor = owners[c] if rng.random() < 0.65 else agents[int(rng.random() * len(agents))]
        yield (i + 1, c + 1, contact, None, channel, direction, summary, is_internal, occurred,
               actor, occurred, occurred)  # fmt: skip


def task_target(w: World, target: str) -> tuple[tuple[int | None, ...], int | None]:
    """(customer, lead, opportunity, ticket) a task is about, and who should do it."""
    if target == "customer":
        customer = 1 + int(w.rng.random() * len(w.cust_created))
        return (customer, None, None, None), w.owner_of(customer)
    if target == "lead":
        lead = 1 + int(w.rng.random() * len(w.lead_created))
        assignee = w.lead_assignee[lead - 1]
        return (None, lead, None, None), assignee or w.pick_id(w.users[Role.SALES_REP])
    if target == "opportunity":
        opp = w.opportunities[int(w.rng.random() * len(w.opportunities))]
        return (None, None, opp.id, None), opp.owner
    if target == "ticket":
        ticket = w.tickets[int(w.rng.random() * len(w.tickets))]
        assignee = ticket.assignee or w.pick_id(w.users[Role.SERVICE_AGENT])
        return (None, None, None, ticket.id), assignee
    return (None, None, None, None), w.pick_id(w.users[Role.SALES_REP])


def task_status(w: World, due: float) -> TaskStatus:
    roll = w.rng.random()
    if due >= w.now:
        return TaskStatus.OPEN if roll < 0.9 else TaskStatus.DONE
    if roll < 0.75:
        return TaskStatus.DONE
    return TaskStatus.CANCELLED if roll < 0.85 else TaskStatus.OPEN


def tasks(w: World) -> Iterator[Row]:
    targets = w.rng.choices(TASK_TARGETS, TASK_TARGET_WEIGHTS, k=w.plan.tasks)
    for i, target in enumerate(targets):
        about, assignee = task_target(w, target)
        subject, rule = w.fake.pick(vocab.TASK_SUBJECTS[target])
        due = w.now + w.uniform(-60, 30) * DAY
        created = min(due - w.uniform(1, 14) * DAY, w.now - HOUR)
        status = task_status(w, due)
        updated = created if status is TaskStatus.OPEN else min(due, w.now)
        yield (
            i + 1, subject, at(due), assignee, status, *about, rule, 1, at(created), at(updated),
        )  # fmt: skip
