"""campaigns and the history the managers' KPIs need

`campaign` (CONTRACT §2) and `lead.campaign_id` for COST_PER_LEAD and CAMPAIGN_ROI;
`customer_status_change` for CHURN_RATE, written by a trigger so that every path that changes
`customer.status` (API, CLI, SQL by hand) leaves its trace; indexes for the period columns the
KPIs filter on. Ticket reopenings need nothing new: `ticket_event` already records every status
change with `from_status` and `to_status`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 01:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHANNEL = postgresql.ENUM(name="channel", create_type=False)
CUSTOMER_STATUS = postgresql.ENUM(name="customer_status", create_type=False)
CAMPAIGN_STATUS = postgresql.ENUM(
    "PLANNED", "ACTIVE", "COMPLETED", "CANCELLED", name="campaign_status"
)


#: The default policy's new lines; added to a stored policy (data an admin may have edited)
#: only when one is stored, as an empty table means the default is stored on first start.
POLICY_LINES = (
    ("SALES_MANAGER", "Campaign", "read", "all", "allow"),
    ("SALES_MANAGER", "Campaign", "create", "all", "allow"),
    ("SALES_REP", "Campaign", "read", "all", "allow"),
    ("PARTNER_USER", "Campaign", "read", "none", "allow"),
    ("TECHNICIAN", "Campaign", "read", "none", "allow"),
    ("SERVICE_AGENT", "Campaign", "read", "none", "allow"),
)


def _policy_lines(add: bool) -> None:
    for line in POLICY_LINES:
        params = dict(zip(("v0", "v1", "v2", "v3", "v4"), line, strict=True))
        if add:
            statement = (
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)"
                " SELECT 'p', :v0, :v1, :v2, :v3, :v4 WHERE EXISTS (SELECT 1 FROM casbin_rule)"
                " ON CONFLICT DO NOTHING"
            )
        else:
            statement = (
                "DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = :v0 AND v1 = :v1"
                " AND v2 = :v2 AND v3 = :v3 AND v4 = :v4"
            )
        op.execute(sa.text(statement).bindparams(**params))
    op.execute(sa.text("SELECT pg_notify('prism_policy', '')"))


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("status", CAMPAIGN_STATUS, server_default="PLANNED", nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_campaign_name_present")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaign_term")),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_campaign_cost")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_index(op.f("ix_campaign_name_id"), "campaign", ["name", "id"], unique=False)
    op.create_index(op.f("ix_campaign_starts_on"), "campaign", ["starts_on"], unique=False)
    op.create_index(
        op.f("ix_campaign_updated_at_id"), "campaign", ["updated_at", "id"], unique=False
    )
    op.add_column("lead", sa.Column("campaign_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_lead_campaign_id_campaign"), "lead", "campaign", ["campaign_id"], ["id"]
    )
    op.create_index(op.f("ix_lead_campaign_id"), "lead", ["campaign_id"], unique=False)

    op.create_table(
        "customer_status_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("from_status", CUSTOMER_STATUS, nullable=True),
        sa.Column("to_status", CUSTOMER_STATUS, nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_status_change_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_status_change")),
    )
    op.create_index(
        op.f("ix_customer_status_change_customer_id_occurred_at_id"),
        "customer_status_change",
        ["customer_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_customer_status_change_to_status_occurred_at"),
        "customer_status_change",
        ["to_status", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "ix_ticket_event_reopened",
        "ticket_event",
        ["ticket_id"],
        unique=False,
        postgresql_where=sa.text(
            "from_status IN ('RESOLVED', 'FOLLOW_UP') AND to_status = 'IN_PROGRESS'"
        ),
    )
    op.execute(
        """
        CREATE FUNCTION prism_record_customer_status() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO customer_status_change (customer_id, from_status, to_status)
            VALUES (NEW.id, OLD.status, NEW.status);
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER customer_record_status_change
        AFTER UPDATE OF status ON customer
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION prism_record_customer_status()
        """
    )
    # A web form's campaign (issue 11 kept it as a plain column until this table existed).
    op.create_foreign_key(
        op.f("fk_web_form_campaign_id_campaign"), "web_form", "campaign", ["campaign_id"], ["id"]
    )
    _policy_lines(add=True)


def downgrade() -> None:
    _policy_lines(add=False)
    op.drop_constraint(op.f("fk_web_form_campaign_id_campaign"), "web_form", type_="foreignkey")
    op.drop_index(
        "ix_ticket_event_reopened",
        table_name="ticket_event",
        postgresql_where=sa.text(
            "from_status IN ('RESOLVED', 'FOLLOW_UP') AND to_status = 'IN_PROGRESS'"
        ),
    )
    op.execute("DROP TRIGGER customer_record_status_change ON customer")
    op.execute("DROP FUNCTION prism_record_customer_status()")
    op.drop_index(
        op.f("ix_customer_status_change_to_status_occurred_at"),
        table_name="customer_status_change",
    )
    op.drop_index(
        op.f("ix_customer_status_change_customer_id_occurred_at_id"),
        table_name="customer_status_change",
    )
    op.drop_table("customer_status_change")
    op.drop_index(op.f("ix_lead_campaign_id"), table_name="lead")
    op.drop_constraint(op.f("fk_lead_campaign_id_campaign"), "lead", type_="foreignkey")
    op.drop_column("lead", "campaign_id")
    op.drop_index(op.f("ix_campaign_updated_at_id"), table_name="campaign")
    op.drop_index(op.f("ix_campaign_starts_on"), table_name="campaign")
    op.drop_index(op.f("ix_campaign_name_id"), table_name="campaign")
    op.drop_table("campaign")
    CAMPAIGN_STATUS.drop(op.get_bind(), checkfirst=False)
