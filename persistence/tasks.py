"""Tasks made by the processes (escalations, renewals, care, first contact): one helper, so every
task created announces itself with a `task.created` event (CONTRACT §8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.enums import TaskKind, TaskStatus
from domain.global_ids import global_id
from persistence.models import Task
from persistence.outbox import emit

task_table = Task.__table__


async def create_task(
    conn: AsyncConnection,
    *,
    subject: str,
    kind: TaskKind,
    due_at: datetime,
    assignee_id: int | None,
    now: datetime,
    customer_id: int | None = None,
    lead_id: int | None = None,
    opportunity_id: int | None = None,
    ticket_id: int | None = None,
    rule: str | None = None,
) -> int:
    """Insert an OPEN task about at most one record and emit `task.created`; its id."""
    task_id = int(
        await conn.scalar(
            insert(task_table)
            .values(
                subject=subject[:300],
                kind=kind,
                due_at=due_at,
                assignee_id=assignee_id,
                status=TaskStatus.OPEN,
                customer_id=customer_id,
                lead_id=lead_id,
                opportunity_id=opportunity_id,
                ticket_id=ticket_id,
                rule=rule,
                created_at=now,
                updated_at=now,
            )
            .returning(task_table.c.id)
        )
        or 0
    )
    await emit(
        conn,
        "task.created",
        {
            "id": global_id("Task", task_id),
            "kind": kind.value,
            "assigneeId": global_id("User", assignee_id) if assignee_id is not None else None,
        },
        now,
    )
    return task_id
