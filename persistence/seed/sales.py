"""Leads, opportunities and their stage history: the pipeline the sales dashboards read.

Statuses and stages are drawn first and time is laid out to fit them, so an open deal is recent,
a closed one has a `closedAt`, and every stage change lies between creation and now.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.enums import (
    CustomerStatus,
    LeadSource,
    LeadStatus,
    OpportunityStage,
    Region,
    RegistrationStatus,
    Role,
)
from persistence.seed import vocab
from persistence.seed.accounts import SALES_REGIONS, city_in
from persistence.seed.marketing import campaign_of
from persistence.seed.world import (
    DAY,
    HISTORY,
    HOUR,
    OpportunityTrace,
    Row,
    World,
    at,
    day_of,
    weighted,
)

LEAD_COLUMNS = (
    "id", "company_name", "contact_name", "email", "phone", "source", "region", "industry",
    "score", "status", "assignee_id", "partner_id", "first_contact_due_at", "first_contacted_at",
    "converted_customer_id", "version", "created_at", "updated_at", "campaign_id",
)  # fmt: skip
OPPORTUNITY_COLUMNS = (
    "id", "customer_id", "name", "amount", "currency", "stage", "probability",
    "expected_close_date", "closed_at", "owner_id", "partner_id", "registration_status",
    "margin_percent", "version", "created_at", "updated_at",
)  # fmt: skip
STAGE_CHANGE_COLUMNS = (
    "id", "opportunity_id", "customer_id", "from_stage", "to_stage", "actor_id", "occurred_at",
)  # fmt: skip

LEAD_STATUSES = tuple(LeadStatus)
# Service leads come from visits (recordServiceVisit), not from the seeded inbound mix.
LEAD_SOURCES = tuple(s for s in LeadSource if s is not LeadSource.SERVICE)
LEAD_SOURCE_WEIGHTS = (25, 12, 10, 12, 12, 12, 8, 9)
LEAD_PATH = (LeadStatus.NEW, LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)
LEAD_ENDS = weighted(
    (LeadStatus.DISQUALIFIED, LeadStatus.QUALIFIED, LeadStatus.CONTACTED, LeadStatus.ASSIGNED),
    (11, 5, 3, 1),
)
CONVERTED_SHARE = 0.22
FORCED_LEADS = 2 * len(LEAD_STATUSES)
"""Leads this early in the list reach a given status just before now, so every inbox has some."""
CONTACTED = LEAD_PATH.index(LeadStatus.CONTACTED)
LEAD_SCORE = {
    LeadStatus.QUALIFIED: (55, 100),
    LeadStatus.CONVERTED: (60, 100),
    LeadStatus.DISQUALIFIED: (0, 40),
}

OPEN_STAGES = (
    OpportunityStage.QUALIFICATION,
    OpportunityStage.NEEDS_ANALYSIS,
    OpportunityStage.PROPOSAL,
    OpportunityStage.NEGOTIATION,
)
STAGES = tuple(OpportunityStage)
OUTCOMES = weighted((OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST), (11, 9))
STALLED_SHARE = 0.06
PROBABILITY = dict(zip(STAGES, (10, 25, 50, 75, 100, 0), strict=True))
DEAL_SIZES = (50_000, 120_000, 300_000, 800_000, 2_000_000)
REGISTRATIONS = weighted(
    (RegistrationStatus.APPROVED, RegistrationStatus.PENDING, RegistrationStatus.REJECTED),
    (12, 5, 3),
)
OPPORTUNITY_ACTIVITY = {
    CustomerStatus.ACTIVE: 1.0,
    CustomerStatus.PROSPECT: 0.8,
    CustomerStatus.CHURNED: 0.3,
}


def lead_partner(w: World, source: LeadSource) -> int | None:
    """Partner-sourced leads belong to a partner; a few others are distributed to one."""
    if source is LeadSource.PARTNER or w.chance(0.08):
        return w.pick_id(w.all_sales_partners)
    return None


def lead_assignee(w: World, status: LeadStatus, partner: int | None, region: Region) -> int | None:
    if status is LeadStatus.NEW:
        return None
    if partner is not None:
        staff = w.partner_users.get(partner)
        return w.pick_id(staff) if staff and w.chance(0.7) else None
    return w.rep_for(region)


def lead_path(w: World, end: LeadStatus) -> tuple[LeadStatus, ...]:
    """Statuses a lead passes on its way to `end`; dropped leads go from contacted or qualified."""
    if end is LeadStatus.CONVERTED:
        return (*LEAD_PATH, end)
    if end is LeadStatus.DISQUALIFIED:
        return (*LEAD_PATH[: 3 + (w.rng.random() < 0.4)], end)
    return LEAD_PATH[: LEAD_PATH.index(end) + 1]


def lead_history(
    w: World, end: LeadStatus, forced: bool, converted_by: float | None
) -> tuple[tuple[LeadStatus, ...], list[float]]:
    """Statuses reached and when: assignment within hours, first contact within a day or so
    (sometimes late, which the SLA views should show), a verdict weeks later. A converted lead's
    history ends when its customer was created; the others are wherever they got to by now."""
    path = lead_path(w, end)
    waits = (
        w.uniform(0.5, 12) * HOUR,
        w.uniform(0.2, 36) * HOUR,
        w.uniform(3, 20) * DAY,
        w.uniform(5, 40) * DAY,
    )
    steps = waits[: len(path) - 1]
    if converted_by is not None:
        room = max(0.0, converted_by - (w.now - HISTORY))
        scale = min(1.0, room / sum(steps))
        times = [converted_by - scale * sum(steps)]
        steps = tuple(step * scale for step in steps)
        for step in steps:
            times.append(times[-1] + step)
        return path, times
    if forced:
        recent = None if end is LeadStatus.DISQUALIFIED else 3 * DAY
        return path, w.place(w.now - HISTORY, steps, recent)
    times = w.walk(w.uniform(w.now - HISTORY, w.now), steps)
    return path[: len(times)], times


def leads(w: World) -> Iterator[Row]:
    n = w.plan.leads
    sources: list[LeadSource] = w.rng.choices(LEAD_SOURCES, LEAD_SOURCE_WEIGHTS, k=n)
    sources[: len(LEAD_SOURCES)] = LEAD_SOURCES
    sources[len(LEAD_SOURCES)] = LeadSource.SERVICE  # one raised on a service visit
    for i in range(n):
        lid, source, forced = i + 1, sources[i], i < FORCED_LEADS
        if forced:
            end = LEAD_STATUSES[i % len(LEAD_STATUSES)]
        else:
            end = LeadStatus.CONVERTED if w.chance(CONVERTED_SHARE) else w.fake.pick(LEAD_ENDS)
        converted: int | None = None
        converted_by: float | None = None
        if end is LeadStatus.CONVERTED:
            converted = 1 + int(w.rng.random() * len(w.cust_created))
            region = w.cust_region[converted - 1]
            industry = w.cust_industry[converted - 1]
            company, domain = w.cust_name[converted - 1], w.cust_domain[converted - 1]
            converted_by = w.cust_created[converted - 1] - HOUR
        else:
            region = w.fake.pick(SALES_REGIONS)
            industry = w.fake.pick(vocab.INDUSTRIES).zh
            made = w.fake.company(w.fake.pick(vocab.INDUSTRIES), city_in(w, region))
            company, domain = made.name, w.fake.domain(made.slug)
        path, times = lead_history(w, end, forced, converted_by)
        status, created = path[-1], times[0]
        lo, hi = LEAD_SCORE.get(status, (0, 100))
        score = lo + int(w.rng.random() * (hi - lo + 1))
        partner = lead_partner(w, source)
        assignee = lead_assignee(w, status, partner, region)
        due = created + (4 * HOUR if score >= 70 else 24 * HOUR)
        contacted = times[CONTACTED] if len(times) > CONTACTED else None
        person = w.fake.person()
        w.lead_created.append(created)
        w.lead_assignee.append(assignee)
        if converted is None:
            w.open_leads.append(lid)
        yield (
            lid, company, person.name, w.fake.email(person.local, domain),
            w.fake.mobile() if w.chance(0.8) else None, source, region, industry, score, status,
            assignee, partner, at(due), at(contacted) if contacted else None, converted, 1,
            at(created), at(times[-1]), campaign_of(w, lid, source),
        )  # fmt: skip


def stage_path(w: World, stage: OpportunityStage) -> tuple[OpportunityStage, ...]:
    """The stages a deal that is now in `stage` went through; lost deals drop out anywhere."""
    if stage is OpportunityStage.CLOSED_WON:
        return (*OPEN_STAGES, stage)
    if stage is OpportunityStage.CLOSED_LOST:
        return (*OPEN_STAGES[: 1 + int(w.rng.random() * len(OPEN_STAGES))], stage)
    return OPEN_STAGES[: OPEN_STAGES.index(stage) + 1]


def opportunity_history(
    w: World, customer: int, forced: OpportunityStage | None
) -> tuple[tuple[OpportunityStage, ...], list[float]]:
    """Stages reached and when. A deal heads for its outcome one stage every few weeks and is
    wherever that got it by now, so open deals are the recent ones; a few stall on the way."""
    if forced is not None:
        path = stage_path(w, forced)
        steps = [w.uniform(3, 25) * DAY for _ in path[1:]]
        return path, w.place(w.since(customer), steps, None if forced.is_closed else 45 * DAY)
    path = stage_path(w, w.fake.pick(OUTCOMES))
    if w.chance(STALLED_SHARE):
        path = path[: 1 + int(w.rng.random() * (len(path) - 1))]
    steps = [w.uniform(3, 25) * DAY for _ in path[1:]]
    times = w.walk(w.uniform(w.since(customer), w.now), steps)
    return path[: len(times)], times


def opportunity_partner(w: World, customer: int) -> tuple[int | None, RegistrationStatus]:
    partner = w.cust_partner[customer - 1]
    if partner is not None and w.chance(0.8):
        return partner, w.fake.pick(REGISTRATIONS)
    if w.chance(0.04):
        return w.pick_id(w.all_sales_partners), RegistrationStatus.PENDING
    return None, RegistrationStatus.NONE


def opportunities(w: World) -> Iterator[Row]:
    n = w.plan.opportunities
    picks = w.customer_ids(n, OPPORTUNITY_ACTIVITY)
    for i in range(n):
        oid, customer = i + 1, picks[i]
        path, times = opportunity_history(w, customer, STAGES[i] if i < len(STAGES) else None)
        stage = path[-1]
        owner = w.owner_of(customer)
        partner, registration = opportunity_partner(w, customer)
        product = w.fake.pick(vocab.PRODUCTS)[0].split(" ")[0]
        name = w.fake.pick(vocab.OPPORTUNITY_PATTERNS).format(product=product)
        amount = round(w.fake.pick(DEAL_SIZES) * w.uniform(0.6, 1.6), -2)
        closed = times[-1] if stage.is_closed else None
        expected = closed if closed is not None else w.now + w.uniform(7, 150) * DAY
        w.opportunities.append(OpportunityTrace(oid, customer, owner, path, tuple(times)))
        yield (
            oid, customer, name, amount, "CNY", stage, PROBABILITY[stage], day_of(expected),
            at(closed) if closed is not None else None, owner, partner, registration,
            round(w.uniform(8, 42), 2), 1, at(times[0]), at(times[-1]),
        )  # fmt: skip


def stage_changes(w: World) -> Iterator[Row]:
    sid = 0
    managers = w.users[Role.SALES_MANAGER]
    for opp in w.opportunities:
        previous: OpportunityStage | None = None
        for stage, when in zip(opp.stages, opp.times, strict=True):
            sid += 1
            actor = (
                opp.owner
                if stage is not OpportunityStage.CLOSED_LOST or w.chance(0.7)
                else (w.pick_id(managers))
            )
            yield (sid, opp.id, opp.customer, previous, stage, actor, at(when))
            previous = stage
