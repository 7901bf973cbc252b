"""lead scoring with an explanation: scoring rules as data, the explanation on the lead

`lead_scoring_rule` holds the weights: BEHAVIOUR rules give points per interaction of a lead by
channel, interaction kind and direction, halved every `half_life_days`; FIT rules give points
once for a region, industry or source. Sensible defaults are seeded so a fresh install scores.
`lead` gains `scored_at` and `score_explanation` (the largest contributions, JSONB), so the
explanation is read with the lead in one statement.

The default policy's new lines (ScoringRule: managers read, the other roles have no such
type) are added to a stored policy.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

KINDS = ("BEHAVIOUR", "FIT")
FIT_FIELDS = ("REGION", "INDUSTRY", "SOURCE")

#: (name, kind, points, channel, interaction kind, direction, half-life days, field, value)
DEFAULT_RULES = (
    ("Demo requested", "BEHAVIOUR", 25, None, "DEMO_REQUEST", None, 14, None, None),
    ("Pricing viewed", "BEHAVIOUR", 15, None, "PRICING_VIEW", None, 14, None, None),
    ("Content downloaded", "BEHAVIOUR", 10, None, "CONTENT_DOWNLOAD", None, 14, None, None),
    ("Webinar attended", "BEHAVIOUR", 10, None, "WEBINAR", None, 14, None, None),
    ("Web form submitted", "BEHAVIOUR", 10, None, "FORM_SUBMISSION", None, 14, None, None),
    ("Inbound message", "BEHAVIOUR", 5, None, "MESSAGE", "INBOUND", 14, None, None),
    ("Inbound call", "BEHAVIOUR", 5, None, "CALL", "INBOUND", 14, None, None),
    ("Manufacturing (制造业)", "FIT", 15, None, None, None, None, "INDUSTRY", "制造业"),
    ("Equipment (装备制造)", "FIT", 15, None, None, None, None, "INDUSTRY", "装备制造"),
    ("Manufacturing", "FIT", 15, None, None, None, None, "INDUSTRY", "Manufacturing"),
    ("Referred", "FIT", 10, None, None, None, None, "SOURCE", "REFERRAL"),
)  # fmt: skip
RULE_COLUMNS = (
    "name", "kind", "points", "channel", "interaction_kind", "direction", "half_life_days",
    "field", "value",
)  # fmt: skip

POLICY_LINES = (
    ("SALES_MANAGER", "ScoringRule", "read", "all", "allow"),
    ("SALES_REP", "ScoringRule", "read", "-", "deny"),
    ("PARTNER_USER", "ScoringRule", "read", "-", "deny"),
    ("TECHNICIAN", "ScoringRule", "read", "-", "deny"),
    ("SERVICE_AGENT", "ScoringRule", "read", "-", "deny"),
)


def _enum(name: str) -> postgresql.ENUM:
    return postgresql.ENUM(name=name, create_type=False)


def upgrade() -> None:
    bind = op.get_bind()
    postgresql.ENUM(*KINDS, name="scoring_rule_kind").create(bind)
    postgresql.ENUM(*FIT_FIELDS, name="scoring_fit_field").create(bind)
    rules = op.create_table(
        "lead_scoring_rule",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", _enum("scoring_rule_kind"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("channel", _enum("channel"), nullable=True),
        sa.Column("interaction_kind", _enum("interaction_kind"), nullable=True),
        sa.Column("direction", _enum("direction"), nullable=True),
        sa.Column("half_life_days", sa.Integer(), nullable=True),
        sa.Column("field", _enum("scoring_fit_field"), nullable=True),
        sa.Column("value", sa.String(100), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "length(btrim(name)) > 0", name=op.f("ck_lead_scoring_rule_name_present")
        ),
        sa.CheckConstraint(
            "points BETWEEN -100 AND 100", name=op.f("ck_lead_scoring_rule_points_range")
        ),
        sa.CheckConstraint(
            "half_life_days IS NULL OR half_life_days > 0",
            name=op.f("ck_lead_scoring_rule_half_life_positive"),
        ),
        sa.CheckConstraint(
            "(kind = 'BEHAVIOUR' AND (channel IS NOT NULL OR interaction_kind IS NOT NULL)"
            " AND field IS NULL AND value IS NULL)"
            " OR (kind = 'FIT' AND field IS NOT NULL AND value IS NOT NULL AND channel IS NULL"
            " AND interaction_kind IS NULL AND direction IS NULL AND half_life_days IS NULL)",
            name=op.f("ck_lead_scoring_rule_shape"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_scoring_rule")),
    )
    for columns in (("updated_at", "id"), ("created_at", "id"), ("name", "id")):
        op.create_index(
            op.f(f"ix_lead_scoring_rule_{'_'.join(columns)}"), "lead_scoring_rule", list(columns)
        )
    op.bulk_insert(rules, [dict(zip(RULE_COLUMNS, row, strict=True)) for row in DEFAULT_RULES])
    op.add_column("lead", sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "lead",
        sa.Column(
            "score_explanation",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    _policy(add=True)


def downgrade() -> None:
    _policy(add=False)
    op.drop_column("lead", "score_explanation")
    op.drop_column("lead", "scored_at")
    op.drop_table("lead_scoring_rule")
    for name in ("scoring_fit_field", "scoring_rule_kind"):
        postgresql.ENUM(name=name).drop(op.get_bind())


def _policy(*, add: bool) -> None:
    """Add (or remove) the shipped lines on a database whose policy is stored already; a fresh
    one gets the whole default policy at its first start."""
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
