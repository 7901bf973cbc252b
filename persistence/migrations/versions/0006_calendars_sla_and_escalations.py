"""calendars, SLA policies and escalations: business time as data, timers per ticket target

`business_day` and `calendar_year` hold China's holidays and adjusted working days (调休) for
the years whose adjustments were announced (seeded from the `holidays` package) and the days an
admin decides; `sla_policy` holds each priority's targets in business minutes; a
`ticket_escalation` row records that a ticket's target was escalated (once, ever). A service
visit links the lead its upsell note raised (lead source SERVICE). Stored policies get the
shipped lines for `completeTask` and `createContract`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 01:40:00.000000
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PRIORITY = postgresql.ENUM(name="ticket_priority", create_type=False)
#: Default targets per priority: (first response, resolution) in business minutes.
SLA_DEFAULTS = {
    "URGENT": (60, 480),
    "HIGH": (240, 1440),
    "NORMAL": (480, 4320),
    "LOW": (1440, 7200),
}
#: The shipped policy lines this revision adds (authz/default_policy.csv, "Workflows" block).
POLICY_LINES = (
    ("ADMIN", "Task", "complete", "all"),
    ("SALES_MANAGER", "Task", "complete", "team"),
    ("SALES_REP", "Task", "complete", "own"),
    ("PARTNER_USER", "Task", "complete", "own"),
    ("TECHNICIAN", "Task", "complete", "own"),
    ("SERVICE_AGENT", "Task", "complete", "own"),
    ("SALES_MANAGER", "Contract", "create", "customer"),
    ("SALES_REP", "Contract", "create", "customer"),
)


def upgrade() -> None:
    op.execute("ALTER TYPE lead_source ADD VALUE IF NOT EXISTS 'SERVICE'")
    op.create_table(
        "business_day",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("source", sa.String(20), server_default="HOLIDAYS", nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("source IN ('HOLIDAYS', 'ADMIN')", name=op.f("ck_business_day_source")),
    )
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("source", sa.String(20), server_default="HOLIDAYS", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "sla_policy",
        sa.Column("priority", PRIORITY, primary_key=True),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(20), server_default="BUSINESS", nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("first_response_minutes > 0", name=op.f("ck_sla_policy_first_response")),
        sa.CheckConstraint(
            "resolution_minutes >= first_response_minutes", name=op.f("ck_sla_policy_resolution")
        ),
        sa.CheckConstraint(
            "calendar IN ('BUSINESS', 'ALWAYS')", name=op.f("ck_sla_policy_calendar")
        ),
    )
    op.create_table(
        "ticket_escalation",
        sa.Column(
            "ticket_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "ticket.id", ondelete="CASCADE", name="fk_ticket_escalation_ticket_id_ticket"
            ),
            primary_key=True,
        ),
        sa.Column("target", sa.String(20), primary_key=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target IN ('RESPONSE', 'RESOLUTION')", name=op.f("ck_ticket_escalation_target")
        ),
    )
    op.add_column("service_visit", sa.Column("lead_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        "fk_service_visit_lead_id_lead", "service_visit", "lead", ["lead_id"], ["id"],
        ondelete="SET NULL",
    )  # fmt: skip
    op.create_index("ix_service_visit_lead_id", "service_visit", ["lead_id"])
    for priority, (respond, resolve) in SLA_DEFAULTS.items():
        op.execute(
            sa.text(
                "INSERT INTO sla_policy (priority, first_response_minutes, resolution_minutes)"
                " VALUES (CAST(:priority AS ticket_priority), :respond, :resolve)"
            ).bindparams(priority=priority, respond=respond, resolve=resolve)
        )
    _seed_calendar()
    _policy_lines(add=True)


def _seed_calendar() -> None:
    """China's holidays and 调休 days for every announced year from 2020 on."""
    from persistence.calendars import announced_years, china_days

    years = announced_years(dt.date.today().year + 1)
    days = sa.table(
        "business_day",
        sa.column("day", sa.Date),
        sa.column("working", sa.Boolean),
        sa.column("note", sa.String),
    )
    op.bulk_insert(days, [{"day": d, "working": w, "note": n} for d, w, n in china_days(years)])
    op.bulk_insert(
        sa.table("calendar_year", sa.column("year", sa.Integer)), [{"year": y} for y in years]
    )


def _policy_lines(*, add: bool) -> None:
    """Stored policies are data: add (or remove) only the shipped lines, and only where a policy
    is stored (an empty table gets the whole default policy at first start)."""
    for role, obj, act, scope in POLICY_LINES:
        params = {"role": role, "obj": obj, "act": act, "scope": scope}
        if add:
            op.execute(
                sa.text(
                    "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)"
                    " SELECT 'p', :role, :obj, :act, :scope, 'allow'"
                    " WHERE EXISTS (SELECT 1 FROM casbin_rule) AND NOT EXISTS ("
                    "  SELECT 1 FROM casbin_rule WHERE ptype = 'p' AND v0 = :role AND v1 = :obj"
                    "  AND v2 = :act AND v3 = :scope AND v4 = 'allow')"
                ).bindparams(**params)
            )
        else:
            op.execute(
                sa.text(
                    "DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = :role AND v1 = :obj"
                    " AND v2 = :act AND v3 = :scope AND v4 = 'allow'"
                ).bindparams(**params)
            )
    op.execute(sa.text("SELECT pg_notify('prism_policy', '')"))


def downgrade() -> None:
    _policy_lines(add=False)
    op.drop_index("ix_service_visit_lead_id", table_name="service_visit")
    op.drop_constraint("fk_service_visit_lead_id_lead", "service_visit", type_="foreignkey")
    op.drop_column("service_visit", "lead_id")
    op.drop_table("ticket_escalation")
    op.drop_table("sla_policy")
    op.drop_table("calendar_year")
    op.drop_table("business_day")
    # PostgreSQL cannot drop an enum value: lead_source keeps SERVICE (harmless, unused).
