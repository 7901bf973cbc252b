"""A world (`tests/slices/world.py`) in the database: `insert_world` writes it and returns the
database id of every row, by type and index; `clear` empties the tables again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence import models as m
from persistence.models import TABLES_IN_DELETE_ORDER
from tests import factories as f
from tests.slices.world import TYPES, World

Ids = dict[str, list[int]]
#: Offers in a world stay open whatever the test's clock says.
OFFERS_OPEN_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)


def viewer_sub(index: int) -> str:
    """The token `sub` of the world's user at `index` (unique: a world replaces the last one)."""
    return f"viewer-{index}"


async def clear(engine: AsyncEngine) -> None:
    """Empty every table but the policy; DELETE is far cheaper than TRUNCATE on tiny tables."""
    async with engine.begin() as conn:
        for name in TABLES_IN_DELETE_ORDER:
            if name != "casbin_rule":
                await conn.execute(delete(m.Base.metadata.tables[name]))


async def insert_world(engine: AsyncEngine, world: World) -> Ids:
    async with engine.begin() as conn:
        return await _insert_world(conn, world)


def _pick(ids: list[int], index: int | None) -> int | None:
    return None if index is None else ids[index]


async def _row(conn: AsyncConnection, table: Table, **values: Any) -> int:
    return int(
        (await conn.execute(insert(table).values(**values).returning(table.c.id))).scalar_one()
    )


async def _insert_world(db: AsyncConnection, w: World) -> Ids:
    ids: Ids = {t: [] for t in TYPES}
    for part in (_people, _accounts, _sales, _service, _engagement, _webhooks, _lead_desk):
        await part(db, w, ids)
    return ids


async def _webhooks(db: AsyncConnection, w: World, ids: Ids) -> None:
    """One webhook endpoint (admins' only, CONTRACT §8), so its mutations have a target."""
    endpoint = m.WebhookEndpoint.__table__
    ids["WebhookEndpoint"] = [
        await _row(
            db,
            endpoint,
            url="https://hooks.example.com/world",
            events=["ticket.created"],
            secret="whsec_d29ybGQtc2VjcmV0LWtleS0xMjM0NTY=",
        )
    ]


async def _lead_desk(db: AsyncConnection, w: World, ids: Ids) -> None:
    """What the lead processes act on (issue 11), so their mutations have targets: every lead
    distributed to a partner is an open offer, every deal of its customer's own partner a
    PENDING registration (so no other partner's registration ever competes with it), and one
    campaign, assignment rule and nurture sequence (admins' configuration)."""
    lead, deal = m.Lead.__table__, m.Opportunity.__table__
    await db.execute(
        update(lead)
        .where(lead.c.partner_id.is_not(None))
        .values(offer_status="OFFERED", offer_expires_at=OFFERS_OPEN_UNTIL)
    )
    customer = m.Customer.__table__
    customers_partner = (
        select(customer.c.partner_id).where(customer.c.id == deal.c.customer_id).scalar_subquery()
    )
    await db.execute(
        update(deal)
        .where(deal.c.partner_id.is_not(None), deal.c.partner_id == customers_partner)
        .values(registration_status="PENDING")
    )
    ids["Campaign"] = [await f.campaign(db)]
    rule = dict(name="华东规则", assignee_ids=ids["User"][:1])
    ids["AssignmentRule"] = [await _row(db, m.AssignmentRule.__table__, **rule)]
    sequence = dict(name="白皮书培育", trigger_kind="CONTENT_DOWNLOAD")
    ids["NurtureSequence"] = [await _row(db, m.NurtureSequence.__table__, **sequence)]


async def _people(db: AsyncConnection, w: World, ids: Ids) -> None:
    ids["Partner"] = [await f.partner(db) for _ in range(w.partners)]
    for i, u in enumerate(w.users):
        partner_id, manager_id = _pick(ids["Partner"], u.partner), _pick(ids["User"], u.manager)
        ids["User"].append(
            await f.user(
                db, u.role, external_id=viewer_sub(i), partner_id=partner_id, manager_id=manager_id
            )
        )


async def _accounts(db: AsyncConnection, w: World, ids: Ids) -> None:
    for c in w.customers:
        owner_id, partner_id = _pick(ids["User"], c.owner), _pick(ids["Partner"], c.partner)
        ids["Customer"].append(await f.customer(db, owner_id=owner_id, partner_id=partner_id))
    customer = ids["Customer"]
    ids["Contact"] = [await f.contact(db, customer[r.customer]) for r in w.contacts]
    ids["Asset"] = [await f.asset(db, customer[r.customer]) for r in w.assets]
    ids["Contract"] = [await f.contract(db, customer[r.customer]) for r in w.contracts]
    survey = m.SurveyResponse.__table__
    ids["SurveyResponse"] = [
        await _row(db, survey, customer_id=customer[r.customer], kind="CSAT", score=4)
        for r in w.surveys
    ]


async def _sales(db: AsyncConnection, w: World, ids: Ids) -> None:
    """Deals, each with one stage change (a minute apart, so the feed has an order), and leads."""
    for i, o in enumerate(w.opportunities):
        customer_id = ids["Customer"][o.customer]
        oid = await f.opportunity(
            db,
            customer_id,
            owner_id=_pick(ids["User"], o.owner),
            partner_id=_pick(ids["Partner"], o.partner),
            stage=o.stage,
            amount=Decimal(o.amount),
        )
        ids["Opportunity"].append(oid)
        at = f.NOW - timedelta(minutes=i)
        ids["OpportunityStageChange"].append(
            await f.stage_change(db, oid, customer_id, to_stage=o.stage, occurred_at=at)
        )
    for lead in w.leads:
        assignee_id, partner_id = (
            _pick(ids["User"], lead.assignee),
            _pick(ids["Partner"], lead.partner),
        )
        ids["Lead"].append(await f.lead(db, assignee_id=assignee_id, partner_id=partner_id))


async def _service(db: AsyncConnection, w: World, ids: Ids) -> None:
    """Tickets, each with one event, and the technicians' visits."""
    for i, t in enumerate(w.tickets):
        customer_id = ids["Customer"][t.customer]
        tid = await f.ticket(
            db,
            customer_id,
            contact_id=_pick(ids["Contact"], t.contact),
            asset_id=_pick(ids["Asset"], t.asset),
            assignee_id=_pick(ids["User"], t.assignee),
        )
        ids["Ticket"].append(tid)
        at = f.NOW - timedelta(minutes=i, seconds=30)
        ids["TicketEvent"].append(await f.ticket_event(db, tid, customer_id, occurred_at=at))
    for v in w.visits:
        ticket_id, customer_id = ids["Ticket"][v.ticket], ids["Customer"][v.customer]
        technician_id = _pick(ids["User"], v.technician)
        ids["ServiceVisit"].append(
            await f.service_visit(db, ticket_id, customer_id, technician_id=technician_id)
        )


async def _engagement(db: AsyncConnection, w: World, ids: Ids) -> None:
    interaction, task = m.Interaction.__table__, m.Task.__table__
    for i in w.interactions:
        ids["Interaction"].append(
            await _row(
                db,
                interaction,
                customer_id=_pick(ids["Customer"], i.customer),  # None: about a lead only
                contact_id=_pick(ids["Contact"], i.contact),
                lead_id=_pick(ids["Lead"], i.lead),
                is_internal=i.internal,
                channel="WECHAT_WORK",
                direction="INBOUND",
                summary="问交货期",
                occurred_at=f.NOW,
            )
        )
    for t in w.tasks:
        about = {f"{t.about[0].lower()}_id": ids[t.about[0]][t.about[1]]} if t.about else {}
        assignee_id = _pick(ids["User"], t.assignee)
        ids["Task"].append(
            await _row(db, task, subject="跟进", due_at=f.NOW, assignee_id=assignee_id, **about)
        )
