"""webhook endpoints, their delivery log, survey tokens, and the policy lines that go with them

`webhook_endpoint` keeps its signing secret in clear (an HMAC key cannot be stored hashed; it is
shown to the admin once and never read back through the API); a deleted endpoint keeps its row
(`deleted_at`) so its delivery log stays. `webhook_delivery` is one event for one endpoint with
its attempts. `survey_token` keeps only the SHA-256 of a survey token.

A stored policy is data, so the shipped lines for these types are added to a database that
already holds one (a fresh database gets the whole default policy on first start); without them
an analyst's `*` read would reach webhook endpoints on an upgraded database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: The block "Webhooks and surveys" of authz/default_policy.csv.
LINES = (
    ("ADMIN", "WebhookEndpoint", "delete", "all", "allow"),
    ("ADMIN", "SurveyResponse", "request", "all", "allow"),
    ("SERVICE_AGENT", "SurveyResponse", "request", "all", "allow"),
    ("ANALYST", "WebhookEndpoint", "read", "-", "deny"),
    ("ANALYST", "WebhookDelivery", "read", "-", "deny"),
    ("ANALYST", "*", "delete", "-", "deny"),
    ("ANALYST", "*", "request", "-", "deny"),
)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("events", postgresql.ARRAY(sa.String(60)), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
    )
    op.create_index(
        op.f("ix_webhook_endpoint_updated_at_id"), "webhook_endpoint", ["updated_at", "id"]
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("webhook_endpoint_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), server_default="PENDING", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')",
            name=op.f("ck_webhook_delivery_status"),
        ),
        sa.ForeignKeyConstraint(
            ["webhook_endpoint_id"],
            ["webhook_endpoint.id"],
            name=op.f("fk_webhook_delivery_webhook_endpoint_id_webhook_endpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_event.id"],
            name=op.f("fk_webhook_delivery_event_id_outbox_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint(
            "webhook_endpoint_id",
            "event_id",
            name=op.f("uq_webhook_delivery_webhook_endpoint_id_event_id"),
        ),
    )
    op.create_index(
        op.f("ix_webhook_delivery_webhook_endpoint_id"), "webhook_delivery", ["webhook_endpoint_id"]
    )
    op.create_index(op.f("ix_webhook_delivery_event_id"), "webhook_delivery", ["event_id"])
    op.create_index(
        op.f("ix_webhook_delivery_created_at_id"), "webhook_delivery", ["created_at", "id"]
    )
    op.create_table(
        "survey_token",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "kind",
            postgresql.ENUM("CSAT", "NPS", name="survey_kind", create_type=False),
            nullable=False,
        ),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_survey_token_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_survey_token_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_token_token_hash")),
    )
    op.create_index(op.f("ix_survey_token_customer_id"), "survey_token", ["customer_id"])
    op.create_index(op.f("ix_survey_token_ticket_id"), "survey_token", ["ticket_id"])
    _policy_lines(add=True)


def _policy_lines(*, add: bool) -> None:
    for role, obj, act, scope, effect in LINES:
        values = {"role": role, "obj": obj, "act": act, "scope": scope, "eft": effect}
        if add:
            statement = sa.text(
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5)"
                " SELECT 'p', :role, :obj, :act, :scope, :eft, ''"
                " WHERE EXISTS (SELECT 1 FROM casbin_rule)"
                " ON CONFLICT DO NOTHING"
            )
        else:
            statement = sa.text(
                "DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = :role AND v1 = :obj"
                " AND v2 = :act AND v3 = :scope AND v4 = :eft"
            )
        op.execute(statement.bindparams(**values))
    op.execute(sa.text("SELECT pg_notify('prism_policy', '')"))


def downgrade() -> None:
    _policy_lines(add=False)
    op.drop_table("survey_token")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_endpoint")
