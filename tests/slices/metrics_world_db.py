"""A KPI world (`tests/slices/metrics_world.py`) in the database: `insert_world` writes it with
plain INSERTs (the history tables too, as the seed backfills them) and returns every row's
database id by type and index.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence import models as m
from tests import factories as f
from tests.slices.metrics_world import T0, World, at

Ids = dict[str, list[int]]


async def _add(conn: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids = []
    for values in rows:
        table = model.__table__
        ids.append(
            int(
                (
                    await conn.execute(insert(table).values(**values).returning(table.c.id))
                ).scalar_one()
            )
        )
    return ids


async def insert_world(engine: AsyncEngine, w: World) -> Ids:
    ids: Ids = {}
    async with engine.begin() as conn:
        ids["Partner"] = [await f.partner(conn) for _ in range(w.partners)]
        ids["User"] = []
        for i, u in enumerate(w.users):
            ids["User"].append(
                await f.user(
                    conn,
                    role=u.role,
                    external_id=f"kpi-{i}",
                    partner_id=ids["Partner"][u.partner] if u.partner is not None else None,
                    manager_id=ids["User"][u.manager] if u.manager is not None else None,
                )
            )
        user = lambda i: ids["User"][i] if i is not None else None  # noqa: E731
        partner = lambda i: ids["Partner"][i] if i is not None else None  # noqa: E731
        ids["Customer"] = await _add(
            conn,
            m.Customer,
            [
                {
                    "name": f"客户 {i}",
                    "region": c.region,
                    "industry": c.industry,
                    "tier": c.tier,
                    "status": c.status,
                    "owner_id": user(c.owner),
                    "partner_id": partner(c.partner),
                    "created_at": at(c.created),
                }
                for i, c in enumerate(w.customers)
            ],
        )
        await _add(
            conn,
            m.CustomerStatusChange,
            [
                {
                    "customer_id": ids["Customer"][i],
                    "from_status": a,
                    "to_status": b,
                    "occurred_at": at(h),
                }
                for i, c in enumerate(w.customers)
                for h, a, b in c.changes
            ],
        )
        ids["Campaign"] = await _add(
            conn,
            m.Campaign,
            [
                {
                    "name": f"活动 {i}",
                    "channel": c.channel,
                    "starts_on": (T0 + timedelta(days=c.starts_day)).date(),
                    "ends_on": (T0 + timedelta(days=c.starts_day + 30)).date(),
                    "cost": Decimal(c.cost),
                }
                for i, c in enumerate(w.campaigns)
            ],
        )
        ids["Lead"] = await _add(
            conn,
            m.Lead,
            [
                {
                    "company_name": f"线索 {i}",
                    "source": lead.source,
                    "region": lead.region,
                    "industry": lead.industry,
                    "status": lead.status,
                    "assignee_id": user(lead.assignee),
                    "partner_id": partner(lead.partner),
                    "created_at": at(lead.created),
                    "campaign_id": ids["Campaign"][lead.campaign]
                    if lead.campaign is not None
                    else None,
                    "converted_customer_id": ids["Customer"][lead.converted]
                    if lead.converted is not None
                    else None,
                }
                for i, lead in enumerate(w.leads)
            ],
        )
        ids["Opportunity"] = await _add(
            conn,
            m.Opportunity,
            [
                {
                    "customer_id": ids["Customer"][d.customer],
                    "name": f"商机 {i}",
                    "amount": Decimal(d.amount),
                    "stage": d.stage,
                    "owner_id": user(d.owner),
                    "partner_id": partner(d.partner),
                    "created_at": at(d.created),
                    "closed_at": at(d.closed) if d.closed is not None else None,
                }
                for i, d in enumerate(w.deals)
            ],
        )
        await _add(
            conn,
            m.OpportunityStageChange,
            [
                {
                    "opportunity_id": ids["Opportunity"][i],
                    "customer_id": ids["Customer"][d.customer],
                    "from_stage": a,
                    "to_stage": b,
                    "occurred_at": at(d.created),
                }
                for i, d in enumerate(w.deals)
                for a, b in d.history
            ],
        )
        ids["Ticket"] = await _add(
            conn,
            m.Ticket,
            [
                {
                    "number": f"TK{i:06d}",
                    "customer_id": ids["Customer"][t.customer],
                    "subject": "故障",
                    "kind": "REPAIR",
                    "priority": t.priority,
                    "channel": t.channel,
                    "status": "RESOLVED" if t.resolved is not None else "IN_PROGRESS",
                    "assignee_id": user(t.assignee),
                    "created_at": at(t.created),
                    "first_responded_at": at(t.responded) if t.responded is not None else None,
                    "resolved_at": at(t.resolved) if t.resolved is not None else None,
                    "resolution_due_at": at(t.due) if t.due is not None else None,
                }
                for i, t in enumerate(w.tickets)
            ],
        )
        await _add(
            conn,
            m.TicketEvent,
            [
                {
                    "ticket_id": ids["Ticket"][i],
                    "customer_id": ids["Customer"][t.customer],
                    "kind": "STATUS_CHANGED",
                    "from_status": "RESOLVED",
                    "to_status": "IN_PROGRESS",
                    "occurred_at": at(t.created),
                }
                for i, t in enumerate(w.tickets)
                if t.reopened
            ],
        )
        await _add(
            conn,
            m.ServiceVisit,
            [
                {
                    "ticket_id": ids["Ticket"][v.ticket],
                    "customer_id": ids["Customer"][w.tickets[v.ticket].customer],
                    "technician_id": user(v.technician),
                    "scheduled_start": T0,
                    "scheduled_end": T0 + timedelta(hours=2),
                }
                for v in w.visits
            ],
        )
        await _add(
            conn,
            m.SurveyResponse,
            [
                {
                    "customer_id": ids["Customer"][s.customer],
                    "kind": s.kind,
                    "score": s.score,
                    "responded_at": at(s.at),
                }
                for s in w.surveys
            ],
        )
    return ids
