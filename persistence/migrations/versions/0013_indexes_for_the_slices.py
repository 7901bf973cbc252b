"""indexes for the slices: tickets by assignee with customer, asset, contact, status; deals

A TECHNICIAN sees the customers, assets and contacts named on tickets assigned to them
(`persistence.scopes`). Each such row in a read costs a probe of `ticket` by the row's id and
the viewer; with `(customer_id, assignee_id)` and its two siblings that probe is index-only,
where `ix_ticket_customer_id` alone read every ticket of the customer from the heap (W3 in
bench/README.md: 0.08 ms → 0.01 ms per ticket shown).

An assignee's tickets by status and last change (`ix_ticket_assignee_id_status_updated_at`):
a technician's open tickets touched today were found by ANDing a bitmap of their 137 tickets
with one of all 14k open tickets (`ix_ticket_status`), for the page and again for its count
(W3: 1-7 ms each); now the index yields exactly the 100 rows.

A customer's deals by stage (`ix_opportunity_customer_id_stage`) now carry the columns the row
scopes test (owner, partner) and the amount `lifetimeValue` sums, so counting a customer's open
deals as a partner (W2: 100 customers a page) or summing its won ones reads only the index
(0.10 ms → 0.01 ms a customer).

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
DEALS_BY_STAGE = "ix_opportunity_customer_id_stage"


def upgrade() -> None:
    for column in INDEXES:
        op.create_index(f"ix_ticket_{column}_assignee_id", "ticket", [column, "assignee_id"])
    op.create_index(
        "ix_ticket_assignee_id_status_updated_at",
        "ticket",
        ["assignee_id", "status", "updated_at"],
    )
    op.drop_index(DEALS_BY_STAGE, table_name="opportunity")
    op.create_index(
        DEALS_BY_STAGE,
        "opportunity",
        ["customer_id", "stage"],
        postgresql_include=["owner_id", "partner_id", "amount"],
    )


def downgrade() -> None:
    op.drop_index(DEALS_BY_STAGE, table_name="opportunity")
    op.create_index(DEALS_BY_STAGE, "opportunity", ["customer_id", "stage"])
    op.drop_index("ix_ticket_assignee_id_status_updated_at", table_name="ticket")
    for column in INDEXES:
        op.drop_index(f"ix_ticket_{column}_assignee_id", table_name="ticket")
