"""Assets, contracts, tickets with their event history, service visits and survey answers.

A ticket's status is drawn first and its history laid out to reach exactly that status by now,
so events, visits and surveys all replay one consistent story per ticket.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from domain.enums import (
    ContractStatus,
    CustomerStatus,
    Region,
    Role,
    SurveyKind,
    TicketEventKind,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from persistence.seed import vocab
from persistence.seed.world import (
    DAY,
    HOUR,
    YEAR,
    Row,
    TicketTrace,
    World,
    at,
    day_of,
    tally,
    weighted,
)

ASSET_COLUMNS = (
    "id", "customer_id", "model", "serial_number", "installed_at", "warranty_ends_at",
    "site_address", "version", "created_at", "updated_at",
)  # fmt: skip
CONTRACT_COLUMNS = (
    "id", "customer_id", "number", "starts_on", "ends_on", "value", "currency", "status",
    "version", "created_at", "updated_at",
)  # fmt: skip
TICKET_COLUMNS = (
    "id", "number", "customer_id", "contact_id", "asset_id", "subject", "description", "kind",
    "priority", "status", "channel", "assignee_id", "first_response_due_at",
    "first_responded_at", "resolution_due_at", "resolved_at", "escalation_level", "csat_score",
    "internal_notes", "version", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "ticket_id", "customer_id", "kind", "from_status", "to_status", "actor_id",
    "occurred_at",
)  # fmt: skip
VISIT_COLUMNS = (
    "id", "ticket_id", "customer_id", "technician_id", "scheduled_start", "scheduled_end",
    "check_in_at", "check_out_at", "parts_used", "notes", "customer_rating", "version",
    "created_at", "updated_at",
)  # fmt: skip
SURVEY_COLUMNS = ("id", "customer_id", "ticket_id", "kind", "score", "comment", "responded_at")

ASSET_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.05,
    CustomerStatus.CHURNED: 0.6,
}
CONTRACT_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.0,
    CustomerStatus.CHURNED: 0.7,
}
TICKET_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.1,
    CustomerStatus.CHURNED: 0.5,
}
NPS_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.0,
    CustomerStatus.CHURNED: 0.8,
}

STATUSES = tuple(TicketStatus)
STUCK_SHARE = 0.02
DRAFT_SHARE = 0.05
CONTRACT_YEARS = weighted((1, 2, 3), (12, 5, 3))
KINDS = tuple(TicketKind)
KIND_WEIGHTS = (28, 12, 30, 10, 20)
FIELD_KINDS = (TicketKind.REPAIR, TicketKind.INSTALLATION, TicketKind.MAINTENANCE)
PRIORITIES = tuple(TicketPriority)
PRIORITY_WEIGHTS = (20, 50, 22, 8)
RESPONSE_SLA = dict(zip(PRIORITIES, (24 * HOUR, 8 * HOUR, 4 * HOUR, 1 * HOUR), strict=True))
RESOLUTION_SLA = dict(zip(PRIORITIES, (10 * DAY, 5 * DAY, 2 * DAY, 1 * DAY), strict=True))
TICKET_CHANNELS = ("PHONE", "EMAIL", "WECHAT_WORK", "DINGTALK", "WEB", "SMS")
TICKET_CHANNEL_WEIGHTS = (35, 15, 20, 10, 15, 5)
RESOLVED = STATUSES.index(TicketStatus.RESOLVED)
IN_PROGRESS = STATUSES.index(TicketStatus.IN_PROGRESS)
FOLLOW_UP = STATUSES.index(TicketStatus.FOLLOW_UP)
CSAT_POOL = weighted(range(1, 6), (3, 5, 12, 35, 45))
ESCALATION_POOL = weighted((0, 1, 2), (85, 12, 3))
CSAT_RESPONSE_RATE = 0.3
NPS_POOL = weighted(range(11), (2, 1, 1, 2, 2, 5, 6, 12, 20, 24, 25))


def assets(w: World) -> Iterator[Row]:
    n = len(w.cust_created)
    w.asset_first, w.asset_count = tally(n, w.customer_ids(w.plan.assets, ASSET_ACTIVITY))
    aid = 0
    for c in range(n):
        for _ in range(w.asset_count[c]):
            aid += 1
            model, prefix = w.fake.pick(vocab.PRODUCTS)
            installed = w.uniform(w.cust_created[c], w.now - DAY)
            warranty = day_of(installed + w.uniform(1, 3) * YEAR) if w.chance(0.85) else None
            site = w.cust_address[c] if w.chance(0.7) else w.fake.address(w.cust_city[c])
            yield (
                aid, c + 1, model, f"{prefix}{at(installed).year}{aid:07d}", day_of(installed),
                warranty, site, 1, at(installed), at(w.uniform(installed, w.now)),
            )  # fmt: skip


def contract_status(w: World, starts: float, ends: float) -> ContractStatus:
    if starts > w.now:
        return ContractStatus.DRAFT
    if w.chance(0.04):
        return ContractStatus.TERMINATED
    return ContractStatus.EXPIRED if ends < w.now else ContractStatus.ACTIVE


def contracts(w: World) -> Iterator[Row]:
    picks = w.customer_ids(w.plan.contracts, CONTRACT_ACTIVITY)
    for i, customer in enumerate(picks):
        if w.chance(DRAFT_SHARE):
            signed = w.now - w.uniform(1, 30) * DAY
            starts = w.now + w.uniform(5, 45) * DAY
        else:
            signed = w.uniform(w.cust_created[customer - 1], w.now)
            starts = min(signed + w.uniform(0, 20) * DAY, w.now)
        ends = starts + (365 * w.fake.pick(CONTRACT_YEARS) - 1) * DAY
        status = contract_status(w, starts, ends)
        created = min(signed, w.now - HOUR)
        yield (
            i + 1, customer, f"HT-{at(starts).year}-{i + 1:06d}", day_of(starts),
            day_of(starts) + timedelta(days=round((ends - starts) / DAY)),
            round(w.uniform(20_000, 3_000_000), -2), "CNY", status, 1, at(created),
            at(w.uniform(created, w.now)),
        )  # fmt: skip


def status_steps(w: World, priority: TicketPriority) -> list[float]:
    """Time spent before each next status: response, analysis, work, resolve, follow-up, close."""
    steps = [
        w.uniform(0.05, 1.4) * RESPONSE_SLA[priority],
        w.uniform(0.5, 24) * HOUR,
        w.uniform(1, 48) * HOUR,
        w.uniform(2 * HOUR, 5 * DAY),
        w.uniform(1, 3) * DAY,
        w.uniform(1, 5) * DAY,
    ]
    return steps


def ticket_assignee(w: World, kind: TicketKind, region: Region, reached: int) -> int | None:
    """Field work goes to a technician of the region (own or a service partner's); the rest to
    the service desk. New tickets are not assigned yet."""
    if reached == 0:
        return None
    if kind in FIELD_KINDS:
        return w.pick_id(w.technicians.get(region) or w.users[Role.TECHNICIAN])
    return w.pick_id(w.users[Role.SERVICE_AGENT])


class TicketDraw:
    """Per-ticket categorical draws made in bulk: `random.choices` with k=n is far cheaper."""

    def __init__(self, w: World) -> None:
        n = w.plan.tickets
        self.customers = w.customer_ids(n, TICKET_ACTIVITY)
        self.kinds = w.rng.choices(KINDS, KIND_WEIGHTS, k=n)
        self.priorities = w.rng.choices(PRIORITIES, PRIORITY_WEIGHTS, k=n)
        self.channels = w.rng.choices(TICKET_CHANNELS, TICKET_CHANNEL_WEIGHTS, k=n)
        self.today: list[int | None] = [None] * n
        self.forced: list[int | None] = [None] * n
        self.forced[: len(STATUSES)] = range(len(STATUSES))
        first = len(STATUSES)
        for slot in range(min(w.plan.persona_visits_today, n - first)):
            self.kinds[first + slot] = FIELD_KINDS[slot % len(FIELD_KINDS)]
            self.forced[first + slot] = 1 + slot % 2
            self.today[first + slot] = slot


def ticket_times(
    w: World, customer: int, priority: TicketPriority, forced: int | None
) -> list[float]:
    """When the ticket reached each status. It moves on as fast as its steps allow and is
    wherever that got it by now, so open tickets are the recent ones, except a few stuck ones.
    A `forced` status is reached exactly, a little before now, so every status is on show."""
    steps = status_steps(w, priority)
    if forced is not None:
        return w.place(w.since(customer), steps[:forced], recent=2 * DAY)
    if w.chance(STUCK_SHARE):
        steps = steps[: int(w.rng.random() * len(steps))]
    return w.walk(w.uniform(w.since(customer), w.now), steps)


def draft_ticket(w: World, draw: TicketDraw, i: int) -> tuple[TicketTrace, Row]:
    """The `i`-th drawn ticket without its id: ids are handed out once tickets are in time order."""
    customer, kind = draw.customers[i], draw.kinds[i]
    priority, slot = draw.priorities[i], draw.today[i]
    times = ticket_times(w, customer, priority, draw.forced[i])
    reached = len(times) - 1
    assignee = ticket_assignee(w, kind, w.cust_region[customer - 1], reached)
    if slot is not None:
        assignee = w.personas[Role.TECHNICIAN]
    csat = None
    if reached >= FOLLOW_UP and w.chance(CSAT_RESPONSE_RATE):
        csat = w.fake.pick(CSAT_POOL)
    escalation = w.fake.pick(ESCALATION_POOL)
    asset = w.asset_of(customer) if kind in FIELD_KINDS else None
    trace = TicketTrace(0, customer, kind, tuple(times), assignee, csat, escalation, slot)
    return trace, (
        customer, w.contact_of(customer) if w.chance(0.85) else None, asset,
        w.fake.pick(vocab.TICKET_SUBJECTS[kind.value]), w.fake.pick(vocab.TICKET_DESCRIPTIONS),
        kind, priority, STATUSES[reached], draw.channels[i], assignee,
        at(times[0] + RESPONSE_SLA[priority]), at(times[1]) if reached >= 1 else None,
        at(times[0] + RESOLUTION_SLA[priority]),
        at(times[RESOLVED]) if reached >= RESOLVED else None, escalation, csat,
        w.fake.pick(vocab.TICKET_NOTES) if w.chance(0.15) else None, 1, at(times[0]),
        at(times[-1]),
    )  # fmt: skip


def tickets(w: World) -> Iterator[Row]:
    """Tickets numbered in the order they were opened, as a service desk would number them."""
    draw = TicketDraw(w)
    drafts = [draft_ticket(w, draw, i) for i in range(w.plan.tickets)]
    drafts.sort(key=lambda draft: draft[0].times[0])
    for tid, (trace, rest) in enumerate(drafts, start=1):
        w.tickets.append(trace._replace(id=tid))
        yield (tid, f"TK{day_of(trace.times[0]):%Y%m%d}{tid:06d}", *rest)


def ticket_events(w: World) -> Iterator[Row]:
    eid = 0
    agents = w.users[Role.SERVICE_AGENT]
    created_kind, status_kind = TicketEventKind.CREATED, TicketEventKind.STATUS_CHANGED
    for t in w.tickets:
        times, customer = t.times, t.customer
        eid += 1
        creator = w.pick_id(agents) if w.chance(0.7) else None
        yield (eid, t.id, customer, created_kind, None, TicketStatus.NEW, creator, at(times[0]))
        if len(times) > 1:
            eid += 1
            yield (eid, t.id, customer, TicketEventKind.ASSIGNED, None, None, w.pick_id(agents),
                   at(times[1]))  # fmt: skip
        for s in range(1, len(times)):
            eid += 1
            actor = t.assignee if s <= RESOLVED else w.pick_id(agents)
            yield (eid, t.id, customer, status_kind, STATUSES[s - 1], STATUSES[s], actor,
                   at(times[s]))  # fmt: skip
        if t.escalation:
            eid += 1
            when = w.uniform(times[0], times[-1] if len(times) > 1 else w.now)
            yield (eid, t.id, customer, TicketEventKind.ESCALATED, None, None, w.pick_id(agents),
                   at(when))  # fmt: skip


def on_the_hour(seconds: float) -> float:
    return seconds - seconds % HOUR


def upcoming_start(w: World, t: TicketTrace) -> float:
    """Appointments not yet kept: the persona's land today (09:00–16:00 China time), others soon."""
    if t.visit_today is not None:
        return w.now + (1 + 2 * t.visit_today) * HOUR
    return w.now + (1 + int(w.rng.random() * 5)) * DAY + (1 + int(w.rng.random() * 8)) * HOUR


def visit_row(
    w: World, vid: int, t: TicketTrace, check_in: float, latest: float, final: bool
) -> Row:
    """A kept appointment: checked in at `check_in`, out by `latest` (or still on site)."""
    start = on_the_hour(check_in - w.uniform(-0.5, 1) * HOUR)
    check_out: float | None = min(check_in + w.uniform(0.5, 4) * HOUR, latest)
    if check_out is not None and check_out > w.now:
        check_out = None
    parts = w.fake.pick(vocab.PARTS) if t.kind is not TicketKind.INSTALLATION else "[]"
    rating = w.fake.pick(CSAT_POOL) if final and w.chance(0.5) else None
    return (
        vid, t.id, t.customer, t.assignee, at(start), at(start + 2 * HOUR), at(check_in),
        at(check_out) if check_out is not None else None, parts, w.fake.pick(vocab.VISIT_NOTES),
        rating, 1, at(t.times[1]), at(check_out or check_in),
    )  # fmt: skip


def service_visits(w: World) -> Iterator[Row]:
    vid = 0
    for t in w.tickets:
        reached = len(t.times) - 1
        if t.kind not in FIELD_KINDS or t.assignee is None:
            continue
        if reached < IN_PROGRESS:
            vid += 1
            start = upcoming_start(w, t)
            end = start + (2 + int(w.rng.random() * 3)) * HOUR
            yield (vid, t.id, t.customer, t.assignee, at(start), at(end), None, None, "[]", None,
                   None, 1, at(t.times[1]), at(t.times[-1]))  # fmt: skip
            continue
        if t.kind is TicketKind.REPAIR and reached >= RESOLVED and w.chance(0.15):
            vid += 1
            yield visit_row(w, vid, t, t.times[2], t.times[IN_PROGRESS], final=False)
        latest = t.times[RESOLVED] if reached >= RESOLVED else w.now + DAY
        vid += 1
        yield visit_row(w, vid, t, t.times[IN_PROGRESS], latest, final=reached >= RESOLVED)


def survey_responses(w: World) -> Iterator[Row]:
    sid = 0
    for t in w.tickets:
        if t.csat is None:
            continue
        sid += 1
        responded = min(t.times[FOLLOW_UP] + w.uniform(0, 12) * HOUR, w.now)
        yield (sid, t.customer, t.id, SurveyKind.CSAT, t.csat,
               w.fake.pick(vocab.CSAT_COMMENTS), at(responded))  # fmt: skip
    for customer in w.customer_ids(w.plan.nps_responses, NPS_ACTIVITY):
        sid += 1
        since = w.since(customer, YEAR)
        score = w.fake.pick(NPS_POOL)
        yield (sid, customer, None, SurveyKind.NPS, score, w.fake.pick(vocab.NPS_COMMENTS),
               at(w.uniform(since, w.now)))  # fmt: skip
