"""Escalation of a ticket's SLA target (CONTRACT §7), once per (ticket, target), ever.

`escalate` runs in a job's transaction: it locks the ticket, re-reads it and does nothing when
the target was met (a response given, the ticket resolved) or was escalated before; otherwise
it raises `escalationLevel`, gives the assignee's manager (or an active admin) an ESCALATION
task, writes a TicketEvent ESCALATED on the timeline and emits `ticket.escalated`. The unique
`ticket_escalation` row is what makes it once, whichever worker or sweep gets there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.enums import Role, TaskKind, TicketEventKind
from domain.global_ids import global_id
from domain.sla import ESCALATE, RESOLUTION, RESPONSE, UNRESOLVED
from persistence.models import Job, Ticket, TicketEscalation, TicketEvent, User
from persistence.outbox import emit
from persistence.tasks import create_task

ticket = Ticket.__table__
escalation = TicketEscalation.__table__
user = User.__table__
#: How long the escalation task gives its assignee.
TASK_WINDOW = timedelta(hours=4)


def _missed(target: str) -> ColumnElement[bool]:
    """SQL: the ticket has not met `target`."""
    if target == RESPONSE:
        return ticket.c.first_responded_at.is_(None)
    return ticket.c.status.in_(sorted(UNRESOLVED))


def _due(target: str) -> Column[Any]:
    return ticket.c.first_response_due_at if target == RESPONSE else ticket.c.resolution_due_at


async def escalate(conn: AsyncConnection, ticket_id: int, target: str, now: datetime) -> bool:
    """Escalate `target` of the ticket if it is past due, unmet and not yet escalated."""
    due_col = _due(target)
    row = (
        (
            await conn.execute(
                select(*ticket.c, due_col.label("due"))
                .where(ticket.c.id == ticket_id, _missed(target), due_col <= now)
                .with_for_update()
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return False
    claimed = await conn.scalar(
        pg_insert(escalation)
        .values(ticket_id=ticket_id, target=target, due_at=row["due"], escalated_at=now)
        .on_conflict_do_nothing()
        .returning(escalation.c.ticket_id)
    )
    if claimed is None:
        return False
    level = int(
        await conn.scalar(
            update(ticket)
            .where(ticket.c.id == ticket_id)
            .values(
                escalation_level=ticket.c.escalation_level + 1,
                version=ticket.c.version + 1,
                updated_at=now,
            )
            .returning(ticket.c.escalation_level)
        )
        or 0
    )
    owner = await _escalation_owner(conn, row["assignee_id"])
    what = "first response" if target == RESPONSE else "resolution"
    await create_task(
        conn,
        subject=f"Escalated: {row['number']} missed its {what} target",
        kind=TaskKind.ESCALATION,
        due_at=now + TASK_WINDOW,
        assignee_id=owner,
        now=now,
        ticket_id=ticket_id,
        rule=f"sla.{target.lower()}",
    )
    await conn.execute(
        insert(TicketEvent.__table__).values(
            ticket_id=ticket_id,
            customer_id=row["customer_id"],
            kind=TicketEventKind.ESCALATED,
            from_status=row["status"],
            to_status=row["status"],
            actor_id=None,
            occurred_at=now,
        )
    )
    await emit(
        conn,
        "ticket.escalated",
        {"id": global_id("Ticket", ticket_id), "target": target, "escalationLevel": level},
        now,
    )
    return True


async def _escalation_owner(conn: AsyncConnection, assignee_id: int | None) -> int | None:
    """The assignee's manager when active, else the first active admin (None if nobody)."""
    if assignee_id is not None:
        manager = user.alias("manager")
        found = await conn.scalar(
            select(manager.c.id)
            .select_from(user.join(manager, manager.c.id == user.c.manager_id))
            .where(user.c.id == assignee_id, manager.c.active.is_(True))
        )
        if found is not None:
            return int(found)
    admin = await conn.scalar(
        select(user.c.id)
        .where(user.c.role == Role.ADMIN, user.c.active.is_(True))
        .order_by(user.c.id)
        .limit(1)
    )
    return int(admin) if admin is not None else None


async def overdue(conn: AsyncConnection, now: datetime, limit: int = 500) -> list[tuple[int, str]]:
    """(ticket, target) pairs past due, unmet, never escalated and with no pending timer: what a
    lost or late timer left behind (a sweep escalates them)."""
    job = Job.__table__
    found: list[tuple[int, str]] = []
    for target in (RESPONSE, RESOLUTION):
        key = func.concat(f"{ESCALATE}:", ticket.c.id, f":{target}")
        rows = await conn.execute(
            select(ticket.c.id)
            .where(
                _missed(target),
                _due(target) <= now,
                ~exists().where(
                    escalation.c.ticket_id == ticket.c.id, escalation.c.target == target
                ),
                ~exists().where(
                    and_(job.c.key == key, job.c.done_at.is_(None), job.c.failed_at.is_(None))
                ),
            )
            .order_by(_due(target))
            .limit(limit)
        )
        found += [(int(pk), target) for (pk,) in rows]
    return found
