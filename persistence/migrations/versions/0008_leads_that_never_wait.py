"""leads that never wait: assignment rules, partner offers, web forms, channel identities

`assignment_rule` holds the lead routing rules as data (match, strategy, assignees, the first
contact time and its calendar) with a `cursor` the round robin advances under a row lock.
`lead` gains the rule that routed it, the channel user who wrote in, and the partner
offer in force (`offer_status`, `offer_expires_at`). `contact` gains the WeChat Work and
DingTalk user ids a message is matched by, `interaction` the channel's own message id (unique
per channel: a message delivered twice is recorded once), and `web_form` the forms whose
`form_key` is their public address.

The stored policy is data: the shipped default lines of this feature are added to it, and the
sales managers' lead read scope moves from `team` to `team_or_unassigned` (CONTRACT §7: a lead no
rule fits stays NEW, visible to managers), only where the shipped line is still in force.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 01:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STRATEGIES = ("ROUND_ROBIN", "LEAST_OPEN_LEADS")
CALENDARS = ("BUSINESS", "ALWAYS")
OFFER_STATUSES = ("OFFERED", "ACCEPTED", "REJECTED", "EXPIRED")

#: The default policy lines this feature ships (authz/default_policy.csv, issue 11 block).
NEW_LINES = (
    ("ADMIN", "Lead", "distribute", "all"),
    ("ADMIN", "Opportunity", "decide", "all"),
    ("ADMIN", "Lead", "respond", "all"),
    ("SALES_MANAGER", "AssignmentRule", "read", "all"),
    ("SALES_MANAGER", "Lead", "distribute", "team_or_unassigned"),
    ("SALES_MANAGER", "Opportunity", "decide", "team"),
    ("PARTNER_USER", "Lead", "respond", "partner"),
)


def _enum(name: str, values: tuple[str, ...]) -> postgresql.ENUM:
    return postgresql.ENUM(*values, name=name, create_type=False)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    postgresql.ENUM(*STRATEGIES, name="assignment_strategy").create(bind)
    postgresql.ENUM(*CALENDARS, name="calendar_name").create(bind)
    postgresql.ENUM(*OFFER_STATUSES, name="lead_offer_status").create(bind)
    op.create_table(
        "assignment_rule",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("priority", sa.Integer(), server_default=sa.text("100"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("regions", postgresql.ARRAY(sa.String(20)), server_default="{}", nullable=False),
        sa.Column(
            "industries", postgresql.ARRAY(sa.String(100)), server_default="{}", nullable=False
        ),
        sa.Column("sources", postgresql.ARRAY(sa.String(20)), server_default="{}", nullable=False),
        sa.Column(
            "strategy",
            _enum("assignment_strategy", STRATEGIES),
            server_default="ROUND_ROBIN",
            nullable=False,
        ),
        sa.Column(
            "assignee_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False
        ),
        sa.Column(
            "first_contact_minutes", sa.Integer(), server_default=sa.text("120"), nullable=False
        ),
        sa.Column(
            "calendar",
            _enum("calendar_name", CALENDARS),
            server_default="BUSINESS",
            nullable=False,
        ),
        sa.Column("cursor", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_assignment_rule_name_present")),
        sa.CheckConstraint(
            "first_contact_minutes > 0", name=op.f("ck_assignment_rule_first_contact_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rule")),
    )
    for columns in (("priority", "id"), ("updated_at", "id"), ("created_at", "id")):
        op.create_index(
            op.f(f"ix_assignment_rule_{'_'.join(columns)}"), "assignment_rule", list(columns)
        )
    op.create_table(
        "web_form",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("form_key", sa.String(64), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_web_form_name_present")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_form")),
        sa.UniqueConstraint("form_key", name=op.f("uq_web_form_form_key")),
    )
    op.create_index(op.f("ix_web_form_campaign_id"), "web_form", ["campaign_id"])
    op.create_index(op.f("ix_web_form_updated_at_id"), "web_form", ["updated_at", "id"])
    op.create_index(op.f("ix_web_form_created_at_id"), "web_form", ["created_at", "id"])

    op.add_column("lead", sa.Column("assignment_rule_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_lead_assignment_rule_id_assignment_rule"),
        "lead",
        "assignment_rule",
        ["assignment_rule_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_lead_assignment_rule_id"), "lead", ["assignment_rule_id"])
    op.add_column(
        "lead",
        sa.Column("offer_status", _enum("lead_offer_status", OFFER_STATUSES), nullable=True),
    )
    op.add_column("lead", sa.Column("offer_expires_at", sa.DateTime(timezone=True)))
    for table in ("contact", "lead"):
        for column in ("wecom_user_id", "dingtalk_user_id"):
            op.add_column(table, sa.Column(column, sa.String(64), nullable=True))
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
    op.add_column("interaction", sa.Column("external_message_id", sa.String(128), nullable=True))
    op.create_unique_constraint(
        op.f("uq_interaction_channel_external_message_id"),
        "interaction",
        ["channel", "external_message_id"],
    )
    _policy(add=True)


def downgrade() -> None:
    _policy(add=False)
    op.drop_constraint(op.f("uq_interaction_channel_external_message_id"), "interaction")
    op.drop_column("interaction", "external_message_id")
    for table in ("contact", "lead"):
        for column in ("wecom_user_id", "dingtalk_user_id"):
            op.drop_index(op.f(f"ix_{table}_{column}"), table)
            op.drop_column(table, column)
    op.drop_column("lead", "offer_expires_at")
    op.drop_column("lead", "offer_status")
    op.drop_index(op.f("ix_lead_assignment_rule_id"), "lead")
    op.drop_constraint(op.f("fk_lead_assignment_rule_id_assignment_rule"), "lead")
    op.drop_column("lead", "assignment_rule_id")
    op.drop_table("web_form")
    op.drop_table("assignment_rule")
    for name in ("lead_offer_status", "calendar_name", "assignment_strategy"):
        postgresql.ENUM(name=name).drop(op.get_bind())


def _policy(*, add: bool) -> None:
    """Add (or remove) the shipped lines, on a database whose policy is stored already; a fresh
    one gets the whole default policy at its first start."""
    stored = "EXISTS (SELECT 1 FROM casbin_rule)"
    for role, obj, act, scope in NEW_LINES:
        params = {"role": role, "obj": obj, "act": act, "scope": scope}
        if add:
            sql = (
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)"
                f" SELECT 'p', :role, :obj, :act, :scope, 'allow' WHERE {stored}"
                " ON CONFLICT DO NOTHING"
            )
        else:
            sql = (
                "DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = :role AND v1 = :obj"
                " AND v2 = :act AND v3 = :scope AND v4 = 'allow'"
            )
        op.execute(sa.text(sql).bindparams(**params))
    before, after = ("team", "team_or_unassigned") if add else ("team_or_unassigned", "team")
    op.execute(
        sa.text(
            "UPDATE casbin_rule SET v3 = :after WHERE ptype = 'p' AND v0 = 'SALES_MANAGER'"
            " AND v1 = 'Lead' AND v2 IN ('read', 'convert') AND v3 = :before AND v4 = 'allow'"
        ).bindparams(before=before, after=after)
    )
    op.execute(sa.text("SELECT pg_notify('prism_policy', '')"))
