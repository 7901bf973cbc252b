"""durable jobs and the outbox: timers and deliveries as rows, enqueued with their cause

`job` holds every timer and background delivery (`persistence.jobs`): a due time, a unique key
(so a timer is enqueued once, whoever enqueues it) and its outcome. `outbox_event` holds the
events of CONTRACT §8, written in the same transaction as the change they report. `task.kind`
names why a task exists (CONTRACT §2: FIRST_CONTACT, FOLLOW_UP, RENEWAL, CARE, ESCALATION).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TASK_KINDS = ("FIRST_CONTACT", "FOLLOW_UP", "RENEWAL", "CARE", "ESCALATION")


def upgrade() -> None:
    task_kind = postgresql.ENUM(*TASK_KINDS, name="task_kind")
    task_kind.create(op.get_bind())
    op.add_column(
        "task",
        sa.Column(
            "kind",
            postgresql.ENUM(*TASK_KINDS, name="task_kind", create_type=False),
            server_default="FOLLOW_UP",
            nullable=False,
        ),
    )
    op.create_table(
        "job",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "payload",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("key", name=op.f("uq_job_key")),
    )
    op.create_index(
        "ix_job_due",
        "job",
        ["run_at", "id"],
        postgresql_where=sa.text("done_at IS NULL AND failed_at IS NULL"),
    )
    op.create_table(
        "outbox_event",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index(op.f("ix_outbox_event_type"), "outbox_event", ["type"])
    op.create_index(op.f("ix_outbox_event_occurred_at_id"), "outbox_event", ["occurred_at", "id"])


def downgrade() -> None:
    op.drop_table("outbox_event")
    op.drop_index("ix_job_due", table_name="job")
    op.drop_table("job")
    op.drop_column("task", "kind")
    postgresql.ENUM(name="task_kind").drop(op.get_bind())
