"""Async factories: insert believable rows with sensible defaults, return their ids."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.validation import uscc_check_digit
from persistence import models as m

_seq = itertools.count(1)
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def uscc(n: int) -> str:
    first17 = f"91310000{n:09d}"
    return first17 + uscc_check_digit(first17)


async def _insert(db: AsyncEngine | AsyncConnection, table: Any, **values: Any) -> int:
    t: Table = table.__table__
    stmt = insert(t).values(**values).returning(t.c.id)
    if isinstance(db, AsyncEngine):
        async with db.begin() as conn:
            return int((await conn.execute(stmt)).scalar_one())
    return int((await db.execute(stmt)).scalar_one())


async def partner(db: Any, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "name": f"渠道伙伴{n}",
        "kind": "DEALER",
        "tier": "GOLD",
        "region": "EAST",
        "commission_rate": Decimal("8.50"),
    }
    return await _insert(db, m.Partner, **{**values, **kw})


async def user(db: Any, role: str = "ADMIN", **kw: Any) -> int:
    n = next(_seq)
    values = {"external_id": f"user-{n}", "display_name": f"用户 {n}", "role": role}
    return await _insert(db, m.User, **{**values, **kw})


async def customer(db: Any, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "name": f"华为技术有限公司 {n}",
        "tax_id": uscc(n),
        "region": "SOUTH",
        "industry": "电子",
        "status": "ACTIVE",
        "phone": "13800138000",
        "address": "深圳市龙岗区",
        "credit_limit": Decimal("500000.00"),
        "internal_notes": "key account",
    }
    return await _insert(db, m.Customer, **{**values, **kw})


async def contact(db: Any, customer_id: int, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "customer_id": customer_id,
        "name": f"联系人 {n}",
        "email": f"c{n}@example.cn",
        "phone": "13900139000",
    }
    return await _insert(db, m.Contact, **{**values, **kw})


async def opportunity(db: Any, customer_id: int, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "customer_id": customer_id,
        "name": f"Deal {n}",
        "amount": Decimal("10000.00"),
        "stage": "PROPOSAL",
        "margin_percent": Decimal("22.5"),
    }
    return await _insert(db, m.Opportunity, **{**values, **kw})


async def ticket(db: Any, customer_id: int, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "customer_id": customer_id,
        "number": f"T-{n:06d}",
        "subject": f"Pump {n} leaks",
        "kind": "REPAIR",
        "internal_notes": "check warranty",
    }
    return await _insert(db, m.Ticket, **{**values, **kw})


async def asset(db: Any, customer_id: int, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "customer_id": customer_id,
        "model": "HX-200",
        "serial_number": f"SN{n:08d}",
        "installed_at": date(2025, 1, 1),
    }
    return await _insert(db, m.Asset, **{**values, **kw})


async def contract(db: Any, customer_id: int, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "customer_id": customer_id,
        "number": f"C-{n:06d}",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "value": Decimal("120000.00"),
    }
    return await _insert(db, m.Contract, **{**values, **kw})


async def interaction(db: Any, customer_id: int, **kw: Any) -> int:
    values = {
        "customer_id": customer_id,
        "channel": "WECHAT_WORK",
        "direction": "INBOUND",
        "summary": "asked about delivery",
        "occurred_at": NOW,
    }
    return await _insert(db, m.Interaction, **{**values, **kw})


async def lead(db: Any, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "company_name": f"潜在客户 {n}",
        "contact_name": "王先生",
        "source": "WEB_FORM",
        "email": f"lead{n}@example.cn",
        "phone": "13700137000",
    }
    return await _insert(db, m.Lead, **{**values, **kw})


async def ticket_event(db: Any, ticket_id: int, customer_id: int, **kw: Any) -> int:
    values = {
        "ticket_id": ticket_id,
        "customer_id": customer_id,
        "kind": "CREATED",
        "to_status": "NEW",
        "occurred_at": NOW,
    }
    return await _insert(db, m.TicketEvent, **{**values, **kw})


async def stage_change(db: Any, opportunity_id: int, customer_id: int, **kw: Any) -> int:
    values = {
        "opportunity_id": opportunity_id,
        "customer_id": customer_id,
        "to_stage": "PROPOSAL",
        "occurred_at": NOW,
    }
    return await _insert(db, m.OpportunityStageChange, **{**values, **kw})


async def service_visit(db: Any, ticket_id: int, customer_id: int, **kw: Any) -> int:
    values = {
        "ticket_id": ticket_id,
        "customer_id": customer_id,
        "scheduled_start": NOW,
        "scheduled_end": NOW + timedelta(hours=2),
    }
    return await _insert(db, m.ServiceVisit, **{**values, **kw})


async def campaign(db: Any, **kw: Any) -> int:
    n = next(_seq)
    values = {
        "name": f"2027 工博会 {n}",
        "channel": "EVENT",
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 12, 31),
        "cost": Decimal("50000.00"),
    }
    return await _insert(db, m.Campaign, **{**values, **kw})
