"""Partners, users, customers and contacts: who exists, who owns whom, and who sees what.

Ownership is laid out so each role's slice is non-trivial: managers cover regions, their reps own
the customers there, some customers come through a dealer or reseller of the same region, and
service partners employ technicians.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from domain.enums import (
    CustomerStatus,
    CustomerTier,
    LifecycleStage,
    PartnerKind,
    PartnerStatus,
    PartnerTier,
    Region,
    Role,
)
from persistence.seed import vocab
from persistence.seed.personas import DEMO_PERSONAS, PERSONA_NAMES
from persistence.seed.vocab import City, OverseasCity
from persistence.seed.world import DAY, HISTORY, Row, World, at, spread, weighted

SALES_REGIONS: tuple[Region, ...] = tuple(region for region, _ in vocab.REGION_WEIGHTS)
DOMESTIC: tuple[Region, ...] = tuple(r for r in SALES_REGIONS if r is not Region.OVERSEAS)
INTERNAL_DOMAIN = "prism.example.com"

PARTNER_COLUMNS = (
    "id", "name", "kind", "tier", "region", "status", "commission_rate", "version",
    "created_at", "updated_at",
)  # fmt: skip
USER_COLUMNS = (
    "id", "external_id", "display_name", "email", "role", "partner_id", "manager_id", "region",
    "active", "version", "created_at", "updated_at",
)  # fmt: skip
CUSTOMER_COLUMNS = (
    "id", "name", "tax_id", "industry", "region", "tier", "lifecycle_stage", "status", "phone",
    "address", "owner_id", "partner_id", "credit_limit", "internal_notes", "version",
    "created_at", "updated_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "customer_id", "name", "title", "email", "phone", "is_primary", "version",
    "created_at", "updated_at",
)  # fmt: skip

PARTNER_TIER_POOL = weighted(tuple(PartnerTier), (1, 3, 4, 3))
COMMISSION = {
    PartnerTier.PLATINUM: (12.0, 18.0),
    PartnerTier.GOLD: (8.0, 12.0),
    PartnerTier.SILVER: (5.0, 8.0),
    PartnerTier.REGISTERED: (2.0, 5.0),
}
TIER_POOL = weighted((CustomerTier.STRATEGIC, CustomerTier.KEY, CustomerTier.STANDARD), (1, 4, 15))
TIER_ACTIVITY = {CustomerTier.STRATEGIC: 3.0, CustomerTier.KEY: 1.6, CustomerTier.STANDARD: 1.0}
STATUS_POOL = weighted(
    (CustomerStatus.ACTIVE, CustomerStatus.PROSPECT, CustomerStatus.CHURNED), (6, 3, 1)
)
STAGES_BY_STATUS = {
    CustomerStatus.PROSPECT: (
        LifecycleStage.AWARENESS,
        LifecycleStage.CONSIDERATION,
        LifecycleStage.DECISION,
    ),
    CustomerStatus.ACTIVE: (
        LifecycleStage.DECISION,
        LifecycleStage.SERVICE,
        LifecycleStage.LOYALTY,
    ),
    CustomerStatus.CHURNED: (LifecycleStage.SERVICE, LifecycleStage.LOYALTY),
}
DEMO_DEALER_EVERY = 25
"""Every 25th customer goes through the demo dealer, so `demo-partner` always has a portfolio."""


def city_in(w: World, region: Region) -> City | OverseasCity:
    if region is Region.OVERSEAS:
        return w.fake.pick(vocab.OVERSEAS)
    return w.fake.pick(vocab.CITIES[region])


def partner_kinds(w: World) -> list[PartnerKind]:
    """Kinds interleaved (dealer, reseller, service partner, …) so every region gets each kind."""
    remaining = dict(w.plan.partners)
    kinds: list[PartnerKind] = []
    while any(remaining.values()):
        for kind in PartnerKind:
            if remaining[kind]:
                kinds.append(kind)
                remaining[kind] -= 1
    return kinds


def partners(w: World) -> Iterator[Row]:
    for i, kind in enumerate(partner_kinds(w)):
        pid = i + 1
        region = SALES_REGIONS[(i // 3) % len(SALES_REGIONS)]
        company = w.fake.company(vocab.PARTNER_LINES[kind.value], city_in(w, region))
        tier = PartnerTier.GOLD if i == 0 else w.fake.pick(PARTNER_TIER_POOL)
        status = PartnerStatus.ACTIVE
        if i >= 3 and w.chance(0.12):
            status = PartnerStatus.SUSPENDED if w.chance(0.7) else PartnerStatus.TERMINATED
        created = w.now - w.uniform(640, 730) * DAY
        w.partner_region.append(region)
        w.partner_domain.append(w.fake.domain(company.slug))
        if kind is PartnerKind.SERVICE_PARTNER:
            w.service_partners.append(pid)
        elif status is PartnerStatus.ACTIVE:
            w.sales_partners.setdefault(region, []).append(pid)
            w.all_sales_partners.append(pid)
        commission = round(w.uniform(*COMMISSION[tier]), 2)
        updated = at(w.uniform(created, w.now))
        yield (pid, company.name, kind, tier, region, status, commission, 1, at(created), updated)
    w.demo_dealer = 1


def manager_regions(index: int, managers: int) -> tuple[Region, ...]:
    """Few managers split all regions between them; many managers share a region each."""
    if managers <= len(SALES_REGIONS):
        return SALES_REGIONS[index::managers]
    return (SALES_REGIONS[index % len(SALES_REGIONS)],)


def placement(w: World, role: Role, k: int) -> tuple[int | None, int | None, Region | None]:
    """(partner, manager, region) of the `k`-th user of `role`."""
    if role is Role.SALES_MANAGER:
        return None, None, manager_regions(k, w.plan.users[role])[0]
    if role is Role.SALES_REP:
        managers = w.users[Role.SALES_MANAGER]
        m = k % len(managers)
        regions = manager_regions(m, len(managers))
        return None, managers[m], regions[(k // len(managers)) % len(regions)]
    if role is Role.PARTNER_USER:
        with_users = max(1, min(len(w.partner_region), math.ceil(0.6 * w.plan.users[role])))
        partner = w.demo_dealer if k == 0 else (k - 1) % with_users + 1
        return partner, None, w.partner_region[partner - 1]
    if role is Role.TECHNICIAN:
        if k % 2 == 1 and w.service_partners:
            partner = w.service_partners[(k // 2) % len(w.service_partners)]
            return partner, None, w.partner_region[partner - 1]
        return None, None, DOMESTIC[(k // 2) % len(DOMESTIC)]
    if role is Role.SERVICE_AGENT:
        return None, None, SALES_REGIONS[k % len(SALES_REGIONS)]
    return None, None, None


def register_user(
    w: World, uid: int, role: Role, partner: int | None, region: Region | None
) -> None:
    w.users.setdefault(role, []).append(uid)
    if role is Role.SALES_REP and region is not None:
        w.reps.setdefault(region, []).append(uid)
    elif role is Role.SALES_MANAGER:
        regions = manager_regions(len(w.users[role]) - 1, w.plan.users[role])
        for covered in regions:
            w.managers.setdefault(covered, []).append(uid)
    elif role is Role.TECHNICIAN and region is not None:
        w.technicians.setdefault(region, []).append(uid)
    if partner is not None and role is Role.PARTNER_USER:
        w.partner_users.setdefault(partner, []).append(uid)


def users(w: World) -> Iterator[Row]:
    uid = 0
    w.partner_users = {}
    for role in Role:
        for k in range(w.plan.users[role]):
            uid += 1
            partner, manager, region = placement(w, role, k)
            register_user(w, uid, role, partner, region)
            if k == 0:
                external_id = DEMO_PERSONAS[role]
                w.personas[role] = uid
                name, email, active = PERSONA_NAMES[role], f"{external_id}@{INTERNAL_DOMAIN}", True
            else:
                external_id = f"seed-{role.value.lower().replace('_', '-')}-{k:04d}"
                person = w.fake.person()
                domain = INTERNAL_DOMAIN if partner is None else w.partner_domain[partner - 1]
                name, email, active = (
                    person.name,
                    w.fake.email(person.local, domain),
                    w.chance(0.96),
                )
            created = w.now - w.uniform(600, 730) * DAY
            yield (
                uid, external_id, name, email, role, partner, manager, region, active, 1,
                at(created), at(w.uniform(created, w.now)),
            )  # fmt: skip


def customer_owner(w: World, region: Region) -> int | None:
    roll = w.rng.random()
    if roll < 0.03:
        return None
    if roll < 0.12 and w.managers.get(region):
        return w.pick_id(w.managers[region])
    return w.rep_for(region)


def customer_partner(w: World, index: int, region: Region) -> int | None:
    if index % DEMO_DEALER_EVERY == 3:
        return w.demo_dealer
    if not w.chance(0.28):
        return None
    nearby = w.sales_partners.get(region)
    if nearby and w.chance(0.85):
        return w.pick_id(nearby)
    return w.pick_id(w.all_sales_partners)


def credit_limit(w: World, status: CustomerStatus, tier: CustomerTier) -> float | None:
    if status is CustomerStatus.PROSPECT and w.chance(0.8):
        return None
    limits = vocab.CREDIT_LIMITS
    floor = {CustomerTier.STRATEGIC: 4, CustomerTier.KEY: 2, CustomerTier.STANDARD: 0}[tier]
    return float(limits[floor + int(w.rng.random() * (len(limits) - floor))])


def customers(w: World) -> Iterator[Row]:
    n = w.plan.customers
    weights = [weight for _, weight in vocab.REGION_WEIGHTS]
    regions = w.rng.choices(SALES_REGIONS, weights, k=n)
    created = sorted(w.now - w.uniform(1 * DAY, HISTORY) for _ in range(n))
    for i in range(n):
        region = regions[i]
        city = city_in(w, region)
        industry = w.fake.pick(vocab.INDUSTRIES)
        company = w.fake.company(industry, city)
        status = w.fake.pick(STATUS_POOL)
        tier = w.fake.pick(TIER_POOL)
        tax_id = w.fake.uscc(city) if isinstance(city, City) and w.chance(0.85) else None
        phone = w.fake.phone(city, mobile_share=0.2) if w.chance(0.92) else None
        address = w.fake.address(city)
        owner = customer_owner(w, region)
        partner = customer_partner(w, i, region)
        notes = w.fake.pick(vocab.CUSTOMER_NOTES) if w.chance(0.2) else None
        w.cust_name.append(company.name)
        w.cust_created.append(created[i])
        w.cust_owner.append(owner)
        w.cust_partner.append(partner)
        w.cust_region.append(region)
        w.cust_city.append(city)
        w.cust_industry.append(industry.zh)
        w.cust_status.append(status)
        w.cust_domain.append(w.fake.domain(company.slug))
        w.cust_address.append(address)
        w.cust_weight.append(TIER_ACTIVITY[tier])
        yield (
            i + 1, company.name, tax_id, industry.zh, region, tier,
            w.fake.pick(STAGES_BY_STATUS[status]), status, phone, address, owner, partner,
            credit_limit(w, status, tier), notes, 1, at(created[i]),
            at(w.uniform(created[i], w.now)),
        )  # fmt: skip


def contacts(w: World) -> Iterator[Row]:
    n = len(w.cust_created)
    counts = spread(w.plan.contacts, n, w.plan.contacts_per_customer, w.rng)
    cid = 0
    for c in range(n):
        w.contact_first.append(cid + 1)
        w.contact_count.append(counts[c])
        city = w.cust_city[c]
        foreign = isinstance(city, OverseasCity)
        for k in range(counts[c]):
            cid += 1
            person = w.fake.person(foreign=foreign)
            email = w.fake.email(person.local, w.cust_domain[c]) if w.chance(0.85) else None
            phone = w.fake.phone(city, mobile_share=0.9) if w.chance(0.85) else None
            created = w.cust_created[c] if k == 0 else w.uniform(w.cust_created[c], w.now)
            yield (
                cid, c + 1, person.name, w.fake.pick(vocab.TITLES), email, phone, k == 0, 1,
                at(created), at(w.uniform(created, w.now)),
            )  # fmt: skip
