"""nurture sequences, their enrolments, and why a partner declined a lead

`nurture_sequence` (a trigger kind and channel, its steps as JSON) and `nurture_enrollment`
(one per lead and sequence, with the progress of its steps); `lead.offer_rejection_reason`
keeps the reason a partner gave in `rejectLead`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 04:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CHANNEL = postgresql.ENUM(name="channel", create_type=False)
INTERACTION_KIND = postgresql.ENUM(name="interaction_kind", create_type=False)

#: The default policy's new lines; added to a stored policy only when one is stored.
POLICY_LINES = (
    ("SALES_MANAGER", "NurtureSequence", "read", "all", "allow"),
    ("SALES_MANAGER", "NurtureEnrollment", "read", "team_or_unassigned", "allow"),
    ("SALES_REP", "NurtureSequence", "read", "all", "allow"),
    ("SALES_REP", "NurtureEnrollment", "read", "own", "allow"),
    ("PARTNER_USER", "NurtureEnrollment", "read", "partner", "allow"),
    ("TECHNICIAN", "NurtureSequence", "read", "-", "deny"),
    ("TECHNICIAN", "NurtureEnrollment", "read", "-", "deny"),
    ("SERVICE_AGENT", "NurtureSequence", "read", "-", "deny"),
    ("SERVICE_AGENT", "NurtureEnrollment", "read", "-", "deny"),
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


def _times() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "nurture_sequence",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("trigger_kind", INTERACTION_KIND, nullable=False),
        sa.Column("trigger_channel", CHANNEL, nullable=True),
        sa.Column(
            "steps",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        *_times(),
        sa.CheckConstraint(
            "length(btrim(name)) > 0", name=op.f("ck_nurture_sequence_name_present")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_sequence")),
    )
    for columns in (
        ["trigger_kind", "active"],
        ["name", "id"],
        ["updated_at", "id"],
        ["created_at", "id"],
    ):
        name = op.f(f"ix_nurture_sequence_{'_'.join(columns)}")
        op.create_index(name, "nurture_sequence", columns, unique=False)

    op.create_table(
        "nurture_enrollment",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("nurture_sequence_id", sa.BigInteger(), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=False),
        sa.Column("interaction_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="ACTIVE", nullable=False),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column(
            "progress",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        *_times(),
        sa.CheckConstraint(
            "status IN ('ACTIVE', 'COMPLETED', 'ENDED')", name=op.f("ck_nurture_enrollment_status")
        ),
        sa.ForeignKeyConstraint(
            ["nurture_sequence_id"],
            ["nurture_sequence.id"],
            name=op.f("fk_nurture_enrollment_nurture_sequence_id_nurture_sequence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["lead.id"],
            name=op.f("fk_nurture_enrollment_lead_id_lead"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_nurture_enrollment_interaction_id_interaction"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_enrollment")),
        sa.UniqueConstraint(
            "nurture_sequence_id",
            "lead_id",
            name=op.f("uq_nurture_enrollment_nurture_sequence_id_lead_id"),
        ),
    )
    for columns in (
        ["nurture_sequence_id"],
        ["lead_id"],
        ["interaction_id"],
        ["lead_id", "enrolled_at", "id"],
        ["enrolled_at", "id"],
        ["updated_at", "id"],
    ):
        name = op.f(f"ix_nurture_enrollment_{'_'.join(columns)}")
        op.create_index(name, "nurture_enrollment", columns, unique=False)

    op.add_column("lead", sa.Column("offer_rejection_reason", sa.Text(), nullable=True))
    _policy_lines(add=True)


def downgrade() -> None:
    _policy_lines(add=False)
    op.drop_column("lead", "offer_rejection_reason")
    op.drop_table("nurture_enrollment")
    op.drop_table("nurture_sequence")
