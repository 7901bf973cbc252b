"""indexes for a technician's slice: a ticket's customer, asset and contact with its assignee

A TECHNICIAN sees the customers, assets and contacts named on tickets assigned to them
(`persistence.scopes`). Each such row in a read costs a probe of `ticket` by the row's id and
the viewer; with `(customer_id, assignee_id)` and its two siblings that probe is index-only,
where `ix_ticket_customer_id` alone read every ticket of the customer from the heap (W3 in
bench/README.md: 0.08 ms → 0.01 ms per ticket shown).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 07:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = ("customer_id", "asset_id", "contact_id")


def upgrade() -> None:
    for column in INDEXES:
        op.create_index(f"ix_ticket_{column}_assignee_id", "ticket", [column, "assignee_id"])


def downgrade() -> None:
    for column in INDEXES:
        op.drop_index(f"ix_ticket_{column}_assignee_id", table_name="ticket")
