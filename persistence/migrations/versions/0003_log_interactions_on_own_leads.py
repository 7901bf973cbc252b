"""log interactions on own leads: the stored default policy's log lines move to customer_or_lead

A stored policy is data an admin may have edited, so only the shipped default lines change:
`p, ROLE, Interaction, log, customer, allow` for the sales roles and partner users becomes
`customer_or_lead`, which also reaches an interaction about a lead only that the viewer can see.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROLES = ("SALES_MANAGER", "SALES_REP", "PARTNER_USER")


def _move(before: str, after: str) -> None:
    for role in ROLES:
        op.execute(
            sa.text(
                "UPDATE casbin_rule SET v3 = :after WHERE ptype = 'p' AND v0 = :role"
                " AND v1 = 'Interaction' AND v2 = 'log' AND v3 = :before AND v4 = 'allow'"
            ).bindparams(role=role, before=before, after=after)
        )
    op.execute(sa.text("SELECT pg_notify('prism_policy', '')"))


def upgrade() -> None:
    _move("customer", "customer_or_lead")


def downgrade() -> None:
    _move("customer_or_lead", "customer")
