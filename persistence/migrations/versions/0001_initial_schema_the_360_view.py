"""initial schema: the 360 view

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:39:02.963165
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "casbin_rule",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ptype", sa.String(length=16), nullable=False),
        sa.Column("v0", sa.String(length=255), server_default="", nullable=False),
        sa.Column("v1", sa.String(length=255), server_default="", nullable=False),
        sa.Column("v2", sa.String(length=255), server_default="", nullable=False),
        sa.Column("v3", sa.String(length=255), server_default="", nullable=False),
        sa.Column("v4", sa.String(length=255), server_default="", nullable=False),
        sa.Column("v5", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casbin_rule")),
        sa.UniqueConstraint(
            "ptype",
            "v0",
            "v1",
            "v2",
            "v3",
            "v4",
            "v5",
            name=op.f("uq_casbin_rule_ptype_v0_v1_v2_v3_v4_v5"),
        ),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("DEALER", "RESELLER", "SERVICE_PARTNER", name="partner_kind"),
            nullable=False,
        ),
        sa.Column(
            "tier",
            sa.Enum("PLATINUM", "GOLD", "SILVER", "REGISTERED", name="partner_tier"),
            nullable=False,
        ),
        sa.Column(
            "region",
            sa.Enum(
                "NORTH",
                "NORTHEAST",
                "EAST",
                "CENTRAL",
                "SOUTH",
                "SOUTHWEST",
                "NORTHWEST",
                "OVERSEAS",
                name="region",
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("ACTIVE", "SUSPENDED", "TERMINATED", name="partner_status"),
            server_default="ACTIVE",
            nullable=False,
        ),
        sa.Column(
            "commission_rate", sa.Numeric(precision=5, scale=2), server_default="0", nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "commission_rate >= 0 AND commission_rate <= 100", name=op.f("ck_partner_commission")
        ),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_partner_name_present")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_name")),
    )
    op.create_index(op.f("ix_partner_name_id"), "partner", ["name", "id"], unique=False)
    op.create_index(op.f("ix_partner_region"), "partner", ["region"], unique=False)
    op.create_index(op.f("ix_partner_updated_at_id"), "partner", ["updated_at", "id"], unique=False)
    op.create_table(
        "app_user",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "ADMIN",
                "SALES_MANAGER",
                "SALES_REP",
                "PARTNER_USER",
                "TECHNICIAN",
                "SERVICE_AGENT",
                "ANALYST",
                name="role",
            ),
            nullable=False,
        ),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column("manager_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "region",
            sa.Enum(
                "NORTH",
                "NORTHEAST",
                "EAST",
                "CENTRAL",
                "SOUTH",
                "SOUTHWEST",
                "NORTHWEST",
                "OVERSEAS",
                name="region",
            ),
            nullable=True,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "partner_id IS NULL OR role IN ('PARTNER_USER', 'TECHNICIAN')",
            name=op.f("ck_app_user_partner_role"),
        ),
        sa.CheckConstraint(
            "role <> 'PARTNER_USER' OR partner_id IS NOT NULL",
            name=op.f("ck_app_user_partner_user"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["app_user.id"], name=op.f("fk_app_user_manager_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_app_user_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("external_id", name=op.f("uq_app_user_external_id")),
    )
    op.create_index(
        op.f("ix_app_user_display_name_id"), "app_user", ["display_name", "id"], unique=False
    )
    op.create_index(op.f("ix_app_user_manager_id"), "app_user", ["manager_id"], unique=False)
    op.create_index(op.f("ix_app_user_partner_id"), "app_user", ["partner_id"], unique=False)
    op.create_index(op.f("ix_app_user_region"), "app_user", ["region"], unique=False)
    op.create_index(op.f("ix_app_user_role"), "app_user", ["role"], unique=False)
    op.create_index(
        op.f("ix_app_user_updated_at_id"), "app_user", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "customer",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=18), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column(
            "region",
            sa.Enum(
                "NORTH",
                "NORTHEAST",
                "EAST",
                "CENTRAL",
                "SOUTH",
                "SOUTHWEST",
                "NORTHWEST",
                "OVERSEAS",
                name="region",
            ),
            nullable=False,
        ),
        sa.Column(
            "tier",
            sa.Enum("STRATEGIC", "KEY", "STANDARD", name="customer_tier"),
            server_default="STANDARD",
            nullable=False,
        ),
        sa.Column(
            "lifecycle_stage",
            sa.Enum(
                "AWARENESS",
                "CONSIDERATION",
                "DECISION",
                "SERVICE",
                "LOYALTY",
                name="lifecycle_stage",
            ),
            server_default="AWARENESS",
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("PROSPECT", "ACTIVE", "CHURNED", name="customer_status"),
            server_default="PROSPECT",
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("internal_notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "tax_id ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'", name=op.f("ck_customer_tax_id_format")
        ),
        sa.CheckConstraint("credit_limit >= 0", name=op.f("ck_customer_credit_limit")),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_customer_name_present")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_customer_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_customer_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("tax_id", name=op.f("uq_customer_tax_id")),
    )
    op.create_index(
        op.f("ix_customer_created_at_id"), "customer", ["created_at", "id"], unique=False
    )
    op.create_index(op.f("ix_customer_industry"), "customer", ["industry"], unique=False)
    op.create_index(
        op.f("ix_customer_lifecycle_stage"), "customer", ["lifecycle_stage"], unique=False
    )
    op.create_index(op.f("ix_customer_name_id"), "customer", ["name", "id"], unique=False)
    op.create_index(op.f("ix_customer_owner_id"), "customer", ["owner_id"], unique=False)
    op.create_index(
        op.f("ix_customer_owner_id_updated_at_id"),
        "customer",
        ["owner_id", "updated_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_customer_partner_id"), "customer", ["partner_id"], unique=False)
    op.create_index(
        op.f("ix_customer_partner_id_updated_at_id"),
        "customer",
        ["partner_id", "updated_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_customer_region"), "customer", ["region"], unique=False)
    op.create_index(op.f("ix_customer_status"), "customer", ["status"], unique=False)
    op.create_index(op.f("ix_customer_tier"), "customer", ["tier"], unique=False)
    op.create_index(
        op.f("ix_customer_updated_at_id"), "customer", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "idempotency_key",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_idempotency_key_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_key")),
    )
    op.create_table(
        "asset",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("serial_number", sa.String(length=100), nullable=False),
        sa.Column("installed_at", sa.Date(), nullable=True),
        sa.Column("warranty_ends_at", sa.Date(), nullable=True),
        sa.Column("site_address", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "warranty_ends_at IS NULL OR installed_at IS NULL OR warranty_ends_at >= installed_at",
            name=op.f("ck_asset_warranty_after_install"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_asset_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_asset_serial_number")),
    )
    op.create_index(op.f("ix_asset_customer_id"), "asset", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_asset_customer_id_serial_number_id"),
        "asset",
        ["customer_id", "serial_number", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_asset_updated_at_id"), "asset", ["updated_at", "id"], unique=False)
    op.create_table(
        "contact",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_contact_name_present")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_contact_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    op.create_index(op.f("ix_contact_customer_id"), "contact", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_contact_customer_id_name_id"),
        "contact",
        ["customer_id", "name", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_contact_name_id"), "contact", ["name", "id"], unique=False)
    op.create_index(op.f("ix_contact_updated_at_id"), "contact", ["updated_at", "id"], unique=False)
    op.create_table(
        "contract",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column(
            "status",
            sa.Enum("DRAFT", "ACTIVE", "EXPIRED", "TERMINATED", name="contract_status"),
            server_default="ACTIVE",
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_contract_term")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_contract_value")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_contract_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("number", name=op.f("uq_contract_number")),
    )
    op.create_index(op.f("ix_contract_customer_id"), "contract", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_contract_customer_id_ends_on_id"),
        "contract",
        ["customer_id", "ends_on", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_contract_ends_on"), "contract", ["ends_on"], unique=False)
    op.create_index(op.f("ix_contract_status"), "contract", ["status"], unique=False)
    op.create_index(
        op.f("ix_contract_updated_at_id"), "contract", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "lead",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "WEB_FORM",
                "EVENT",
                "AD",
                "REFERRAL",
                "PARTNER",
                "WECHAT_WORK",
                "DINGTALK",
                "PHONE",
                name="lead_source",
            ),
            nullable=False,
        ),
        sa.Column(
            "region",
            sa.Enum(
                "NORTH",
                "NORTHEAST",
                "EAST",
                "CENTRAL",
                "SOUTH",
                "SOUTHWEST",
                "NORTHWEST",
                "OVERSEAS",
                name="region",
            ),
            nullable=True,
        ),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "NEW",
                "ASSIGNED",
                "CONTACTED",
                "QUALIFIED",
                "CONVERTED",
                "DISQUALIFIED",
                name="lead_status",
            ),
            server_default="NEW",
            nullable=False,
        ),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column("first_contact_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_customer_id", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("length(btrim(company_name)) > 0", name=op.f("ck_lead_company_present")),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_lead_score")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["app_user.id"], name=op.f("fk_lead_assignee_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["converted_customer_id"],
            ["customer.id"],
            name=op.f("fk_lead_converted_customer_id_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_lead_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
    )
    op.create_index(op.f("ix_lead_assignee_id"), "lead", ["assignee_id"], unique=False)
    op.create_index(op.f("ix_lead_company_name_id"), "lead", ["company_name", "id"], unique=False)
    op.create_index(
        op.f("ix_lead_converted_customer_id"), "lead", ["converted_customer_id"], unique=False
    )
    op.create_index(op.f("ix_lead_created_at_id"), "lead", ["created_at", "id"], unique=False)
    op.create_index(op.f("ix_lead_industry"), "lead", ["industry"], unique=False)
    op.create_index(op.f("ix_lead_partner_id"), "lead", ["partner_id"], unique=False)
    op.create_index(op.f("ix_lead_region"), "lead", ["region"], unique=False)
    op.create_index(op.f("ix_lead_status"), "lead", ["status"], unique=False)
    op.create_index(op.f("ix_lead_updated_at_id"), "lead", ["updated_at", "id"], unique=False)
    op.create_table(
        "opportunity",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "QUALIFICATION",
                "NEEDS_ANALYSIS",
                "PROPOSAL",
                "NEGOTIATION",
                "CLOSED_WON",
                "CLOSED_LOST",
                name="opportunity_stage",
            ),
            server_default="QUALIFICATION",
            nullable=False,
        ),
        sa.Column("probability", sa.Integer(), server_default=sa.text("10"), nullable=False),
        sa.Column("expected_close_date", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "registration_status",
            sa.Enum("NONE", "PENDING", "APPROVED", "REJECTED", name="registration_status"),
            server_default="NONE",
            nullable=False,
        ),
        sa.Column("margin_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_opportunity_currency")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_opportunity_amount")),
        sa.CheckConstraint(
            "probability >= 0 AND probability <= 100", name=op.f("ck_opportunity_probability")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_opportunity_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_opportunity_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_opportunity_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    op.create_index(op.f("ix_opportunity_amount_id"), "opportunity", ["amount", "id"], unique=False)
    op.create_index(
        op.f("ix_opportunity_customer_id"), "opportunity", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_opportunity_customer_id_stage"),
        "opportunity",
        ["customer_id", "stage"],
        unique=False,
    )
    op.create_index(
        op.f("ix_opportunity_customer_id_updated_at_id"),
        "opportunity",
        ["customer_id", "updated_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_opportunity_owner_id"), "opportunity", ["owner_id"], unique=False)
    op.create_index(op.f("ix_opportunity_partner_id"), "opportunity", ["partner_id"], unique=False)
    op.create_index(op.f("ix_opportunity_stage"), "opportunity", ["stage"], unique=False)
    op.create_index(
        op.f("ix_opportunity_updated_at_id"), "opportunity", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "interaction",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "PHONE",
                "EMAIL",
                "WECHAT_WORK",
                "DINGTALK",
                "WEB",
                "VISIT",
                "EVENT",
                "SMS",
                name="channel",
            ),
            nullable=False,
        ),
        sa.Column("direction", sa.Enum("INBOUND", "OUTBOUND", name="direction"), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("is_internal", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "customer_id IS NOT NULL OR lead_id IS NOT NULL", name=op.f("ck_interaction_about")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_interaction_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_interaction_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_interaction_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_interaction_lead_id_lead")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
    )
    op.create_index(op.f("ix_interaction_actor_id"), "interaction", ["actor_id"], unique=False)
    op.create_index(op.f("ix_interaction_channel"), "interaction", ["channel"], unique=False)
    op.create_index(op.f("ix_interaction_contact_id"), "interaction", ["contact_id"], unique=False)
    op.create_index(
        op.f("ix_interaction_customer_id"), "interaction", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_interaction_customer_id_occurred_at_id"),
        "interaction",
        ["customer_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_interaction_lead_id"), "interaction", ["lead_id"], unique=False)
    op.create_index(
        op.f("ix_interaction_occurred_at_id"), "interaction", ["occurred_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_interaction_updated_at_id"), "interaction", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "opportunity_stage_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("opportunity_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(
                "QUALIFICATION",
                "NEEDS_ANALYSIS",
                "PROPOSAL",
                "NEGOTIATION",
                "CLOSED_WON",
                "CLOSED_LOST",
                name="opportunity_stage",
            ),
            nullable=True,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(
                "QUALIFICATION",
                "NEEDS_ANALYSIS",
                "PROPOSAL",
                "NEGOTIATION",
                "CLOSED_WON",
                "CLOSED_LOST",
                name="opportunity_stage",
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["app_user.id"],
            name=op.f("fk_opportunity_stage_change_actor_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_opportunity_stage_change_customer_id_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_stage_change_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_stage_change")),
    )
    op.create_index(
        op.f("ix_opportunity_stage_change_actor_id"),
        "opportunity_stage_change",
        ["actor_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_opportunity_stage_change_customer_id_occurred_at_id"),
        "opportunity_stage_change",
        ["customer_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_opportunity_stage_change_opportunity_id"),
        "opportunity_stage_change",
        ["opportunity_id"],
        unique=False,
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("asset_id", sa.BigInteger(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "QUESTION", "COMPLAINT", "REPAIR", "INSTALLATION", "MAINTENANCE", name="ticket_kind"
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum("LOW", "NORMAL", "HIGH", "URGENT", name="ticket_priority"),
            server_default="NORMAL",
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "NEW",
                "ACCEPTED",
                "ANALYZING",
                "IN_PROGRESS",
                "RESOLVED",
                "FOLLOW_UP",
                "CLOSED",
                name="ticket_status",
            ),
            server_default="NEW",
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "PHONE",
                "EMAIL",
                "WECHAT_WORK",
                "DINGTALK",
                "WEB",
                "VISIT",
                "EVENT",
                "SMS",
                name="channel",
            ),
            server_default="PHONE",
            nullable=False,
        ),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_level", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("csat_score", sa.Integer(), nullable=True),
        sa.Column("internal_notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("csat_score BETWEEN 1 AND 5", name=op.f("ck_ticket_csat")),
        sa.CheckConstraint("escalation_level >= 0", name=op.f("ck_ticket_escalation")),
        sa.CheckConstraint("length(btrim(subject)) > 0", name=op.f("ck_ticket_subject_present")),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_ticket_asset_id_asset")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["app_user.id"], name=op.f("fk_ticket_assignee_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_ticket_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_ticket_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("number", name=op.f("uq_ticket_number")),
    )
    op.create_index(op.f("ix_ticket_asset_id"), "ticket", ["asset_id"], unique=False)
    op.create_index(op.f("ix_ticket_assignee_id"), "ticket", ["assignee_id"], unique=False)
    op.create_index(
        op.f("ix_ticket_assignee_id_updated_at_id"),
        "ticket",
        ["assignee_id", "updated_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_ticket_contact_id"), "ticket", ["contact_id"], unique=False)
    op.create_index(op.f("ix_ticket_created_at_id"), "ticket", ["created_at", "id"], unique=False)
    op.create_index(op.f("ix_ticket_customer_id"), "ticket", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_ticket_customer_id_created_at_id"),
        "ticket",
        ["customer_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_ticket_priority"), "ticket", ["priority"], unique=False)
    op.create_index(op.f("ix_ticket_status"), "ticket", ["status"], unique=False)
    op.create_index(op.f("ix_ticket_updated_at_id"), "ticket", ["updated_at", "id"], unique=False)
    op.create_table(
        "service_visit",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("technician_id", sa.BigInteger(), nullable=True),
        sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "parts_used",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("customer_rating", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("customer_rating BETWEEN 1 AND 5", name=op.f("ck_service_visit_rating")),
        sa.CheckConstraint(
            "scheduled_end >= scheduled_start", name=op.f("ck_service_visit_schedule")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_service_visit_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["app_user.id"], name=op.f("fk_service_visit_technician_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_service_visit_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_visit")),
    )
    op.create_index(
        op.f("ix_service_visit_customer_id_scheduled_start_id"),
        "service_visit",
        ["customer_id", "scheduled_start", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_service_visit_technician_id"), "service_visit", ["technician_id"], unique=False
    )
    op.create_index(
        op.f("ix_service_visit_technician_id_scheduled_start_id"),
        "service_visit",
        ["technician_id", "scheduled_start", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_service_visit_ticket_id"), "service_visit", ["ticket_id"], unique=False
    )
    op.create_index(
        op.f("ix_service_visit_ticket_id_scheduled_start_id"),
        "service_visit",
        ["ticket_id", "scheduled_start", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_service_visit_updated_at_id"), "service_visit", ["updated_at", "id"], unique=False
    )
    op.create_table(
        "survey_response",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.Enum("CSAT", "NPS", name="survey_kind"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "responded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(kind = 'CSAT' AND score BETWEEN 1 AND 5)"
            " OR (kind = 'NPS' AND score BETWEEN 0 AND 10)",
            name=op.f("ck_survey_response_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_survey_response_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_survey_response_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
    )
    op.create_index(
        op.f("ix_survey_response_customer_id"), "survey_response", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_survey_response_ticket_id"), "survey_response", ["ticket_id"], unique=False
    )
    op.create_table(
        "task",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("OPEN", "DONE", "CANCELLED", name="task_status"),
            server_default="OPEN",
            nullable=False,
        ),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column("opportunity_id", sa.BigInteger(), nullable=True),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "num_nonnulls(customer_id, lead_id, opportunity_id, ticket_id) <= 1",
            name=op.f("ck_task_about_one"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["app_user.id"], name=op.f("fk_task_assignee_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_task_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_task_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_task_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_task_ticket_id_ticket"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_index(op.f("ix_task_assignee_id"), "task", ["assignee_id"], unique=False)
    op.create_index(op.f("ix_task_customer_id"), "task", ["customer_id"], unique=False)
    op.create_index(op.f("ix_task_due_at_id"), "task", ["due_at", "id"], unique=False)
    op.create_index(op.f("ix_task_lead_id"), "task", ["lead_id"], unique=False)
    op.create_index(op.f("ix_task_opportunity_id"), "task", ["opportunity_id"], unique=False)
    op.create_index(op.f("ix_task_status"), "task", ["status"], unique=False)
    op.create_index(op.f("ix_task_ticket_id"), "task", ["ticket_id"], unique=False)
    op.create_index(op.f("ix_task_updated_at_id"), "task", ["updated_at", "id"], unique=False)
    op.create_table(
        "ticket_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("CREATED", "STATUS_CHANGED", "ASSIGNED", "ESCALATED", name="ticket_event_kind"),
            nullable=False,
        ),
        sa.Column(
            "from_status",
            sa.Enum(
                "NEW",
                "ACCEPTED",
                "ANALYZING",
                "IN_PROGRESS",
                "RESOLVED",
                "FOLLOW_UP",
                "CLOSED",
                name="ticket_status",
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "NEW",
                "ACCEPTED",
                "ANALYZING",
                "IN_PROGRESS",
                "RESOLVED",
                "FOLLOW_UP",
                "CLOSED",
                name="ticket_status",
            ),
            nullable=True,
        ),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_ticket_event_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_ticket_event_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_event_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_event")),
    )
    op.create_index(op.f("ix_ticket_event_actor_id"), "ticket_event", ["actor_id"], unique=False)
    op.create_index(
        op.f("ix_ticket_event_customer_id_occurred_at_id"),
        "ticket_event",
        ["customer_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_ticket_event_ticket_id"), "ticket_event", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_event_ticket_id"), table_name="ticket_event")
    op.drop_index(op.f("ix_ticket_event_customer_id_occurred_at_id"), table_name="ticket_event")
    op.drop_index(op.f("ix_ticket_event_actor_id"), table_name="ticket_event")
    op.drop_table("ticket_event")
    op.drop_index(op.f("ix_task_updated_at_id"), table_name="task")
    op.drop_index(op.f("ix_task_ticket_id"), table_name="task")
    op.drop_index(op.f("ix_task_status"), table_name="task")
    op.drop_index(op.f("ix_task_opportunity_id"), table_name="task")
    op.drop_index(op.f("ix_task_lead_id"), table_name="task")
    op.drop_index(op.f("ix_task_due_at_id"), table_name="task")
    op.drop_index(op.f("ix_task_customer_id"), table_name="task")
    op.drop_index(op.f("ix_task_assignee_id"), table_name="task")
    op.drop_table("task")
    op.drop_index(op.f("ix_survey_response_ticket_id"), table_name="survey_response")
    op.drop_index(op.f("ix_survey_response_customer_id"), table_name="survey_response")
    op.drop_table("survey_response")
    op.drop_index(op.f("ix_service_visit_updated_at_id"), table_name="service_visit")
    op.drop_index(op.f("ix_service_visit_ticket_id_scheduled_start_id"), table_name="service_visit")
    op.drop_index(op.f("ix_service_visit_ticket_id"), table_name="service_visit")
    op.drop_index(
        op.f("ix_service_visit_technician_id_scheduled_start_id"), table_name="service_visit"
    )
    op.drop_index(op.f("ix_service_visit_technician_id"), table_name="service_visit")
    op.drop_index(
        op.f("ix_service_visit_customer_id_scheduled_start_id"), table_name="service_visit"
    )
    op.drop_table("service_visit")
    op.drop_index(op.f("ix_ticket_updated_at_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_status"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_priority"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_customer_id_created_at_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_customer_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_created_at_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_contact_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_assignee_id_updated_at_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_assignee_id"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_asset_id"), table_name="ticket")
    op.drop_table("ticket")
    op.drop_index(
        op.f("ix_opportunity_stage_change_opportunity_id"), table_name="opportunity_stage_change"
    )
    op.drop_index(
        op.f("ix_opportunity_stage_change_customer_id_occurred_at_id"),
        table_name="opportunity_stage_change",
    )
    op.drop_index(
        op.f("ix_opportunity_stage_change_actor_id"), table_name="opportunity_stage_change"
    )
    op.drop_table("opportunity_stage_change")
    op.drop_index(op.f("ix_interaction_updated_at_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_occurred_at_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_lead_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_customer_id_occurred_at_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_customer_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_contact_id"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_channel"), table_name="interaction")
    op.drop_index(op.f("ix_interaction_actor_id"), table_name="interaction")
    op.drop_table("interaction")
    op.drop_index(op.f("ix_opportunity_updated_at_id"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_stage"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_partner_id"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_owner_id"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_customer_id_updated_at_id"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_customer_id_stage"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_customer_id"), table_name="opportunity")
    op.drop_index(op.f("ix_opportunity_amount_id"), table_name="opportunity")
    op.drop_table("opportunity")
    op.drop_index(op.f("ix_lead_updated_at_id"), table_name="lead")
    op.drop_index(op.f("ix_lead_status"), table_name="lead")
    op.drop_index(op.f("ix_lead_region"), table_name="lead")
    op.drop_index(op.f("ix_lead_partner_id"), table_name="lead")
    op.drop_index(op.f("ix_lead_industry"), table_name="lead")
    op.drop_index(op.f("ix_lead_created_at_id"), table_name="lead")
    op.drop_index(op.f("ix_lead_converted_customer_id"), table_name="lead")
    op.drop_index(op.f("ix_lead_company_name_id"), table_name="lead")
    op.drop_index(op.f("ix_lead_assignee_id"), table_name="lead")
    op.drop_table("lead")
    op.drop_index(op.f("ix_contract_updated_at_id"), table_name="contract")
    op.drop_index(op.f("ix_contract_status"), table_name="contract")
    op.drop_index(op.f("ix_contract_ends_on"), table_name="contract")
    op.drop_index(op.f("ix_contract_customer_id_ends_on_id"), table_name="contract")
    op.drop_index(op.f("ix_contract_customer_id"), table_name="contract")
    op.drop_table("contract")
    op.drop_index(op.f("ix_contact_updated_at_id"), table_name="contact")
    op.drop_index(op.f("ix_contact_name_id"), table_name="contact")
    op.drop_index(op.f("ix_contact_customer_id_name_id"), table_name="contact")
    op.drop_index(op.f("ix_contact_customer_id"), table_name="contact")
    op.drop_table("contact")
    op.drop_index(op.f("ix_asset_updated_at_id"), table_name="asset")
    op.drop_index(op.f("ix_asset_customer_id_serial_number_id"), table_name="asset")
    op.drop_index(op.f("ix_asset_customer_id"), table_name="asset")
    op.drop_table("asset")
    op.drop_table("idempotency_key")
    op.drop_index(op.f("ix_customer_updated_at_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_tier"), table_name="customer")
    op.drop_index(op.f("ix_customer_status"), table_name="customer")
    op.drop_index(op.f("ix_customer_region"), table_name="customer")
    op.drop_index(op.f("ix_customer_partner_id_updated_at_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_partner_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_owner_id_updated_at_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_owner_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_name_id"), table_name="customer")
    op.drop_index(op.f("ix_customer_lifecycle_stage"), table_name="customer")
    op.drop_index(op.f("ix_customer_industry"), table_name="customer")
    op.drop_index(op.f("ix_customer_created_at_id"), table_name="customer")
    op.drop_table("customer")
    op.drop_index(op.f("ix_app_user_updated_at_id"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_role"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_region"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_partner_id"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_manager_id"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_display_name_id"), table_name="app_user")
    op.drop_table("app_user")
    op.drop_index(op.f("ix_partner_updated_at_id"), table_name="partner")
    op.drop_index(op.f("ix_partner_region"), table_name="partner")
    op.drop_index(op.f("ix_partner_name_id"), table_name="partner")
    op.drop_table("partner")
    op.drop_table("casbin_rule")
    for enum_name in (
        "partner_kind",
        "partner_tier",
        "region",
        "partner_status",
        "role",
        "customer_tier",
        "lifecycle_stage",
        "customer_status",
        "contract_status",
        "lead_source",
        "lead_status",
        "opportunity_stage",
        "registration_status",
        "channel",
        "direction",
        "ticket_kind",
        "ticket_priority",
        "ticket_status",
        "survey_kind",
        "task_status",
        "ticket_event_kind",
    ):
        op.execute(f"DROP TYPE IF EXISTS {enum_name}")
