"""Accounts and sales: partners, users, customers and their history, contacts, campaigns, leads,
opportunities."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain import enums
from persistence.models.base import (
    CHANNEL,
    REGION,
    ROLE,
    Base,
    created,
    fk,
    pg_enum,
    pk,
    updated,
    version,
)


class Partner(Base):
    __tablename__ = "partner"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[enums.PartnerKind] = mapped_column(pg_enum(enums.PartnerKind, "partner_kind"))
    tier: Mapped[enums.PartnerTier] = mapped_column(pg_enum(enums.PartnerTier, "partner_tier"))
    region: Mapped[enums.Region] = mapped_column(REGION, index=True)
    status: Mapped[enums.PartnerStatus] = mapped_column(
        pg_enum(enums.PartnerStatus, "partner_status"), server_default="ACTIVE"
    )
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("commission_rate >= 0 AND commission_rate <= 100", name="commission"),
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        Index(None, "updated_at", "id"),
        Index(None, "name", "id"),
    )


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = pk()
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[enums.Role] = mapped_column(ROLE, index=True)
    partner_id: Mapped[int | None] = fk("partner.id")
    manager_id: Mapped[int | None] = fk("app_user.id")
    region: Mapped[enums.Region | None] = mapped_column(REGION, index=True)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint(
            "partner_id IS NULL OR role IN ('PARTNER_USER', 'TECHNICIAN')", name="partner_role"
        ),
        CheckConstraint("role <> 'PARTNER_USER' OR partner_id IS NOT NULL", name="partner_user"),
        Index(None, "display_name", "id"),
        Index(None, "updated_at", "id"),
    )


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    tax_id: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    region: Mapped[enums.Region] = mapped_column(REGION, index=True)
    tier: Mapped[enums.CustomerTier] = mapped_column(
        pg_enum(enums.CustomerTier, "customer_tier"), server_default="STANDARD", index=True
    )
    lifecycle_stage: Mapped[enums.LifecycleStage] = mapped_column(
        pg_enum(enums.LifecycleStage, "lifecycle_stage"), server_default="AWARENESS", index=True
    )
    status: Mapped[enums.CustomerStatus] = mapped_column(
        pg_enum(enums.CustomerStatus, "customer_status"), server_default="PROSPECT", index=True
    )
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = fk("app_user.id")
    partner_id: Mapped[int | None] = fk("partner.id")
    credit_limit: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    internal_notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        CheckConstraint("tax_id ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'", name="tax_id_format"),
        CheckConstraint("credit_limit >= 0", name="credit_limit"),
        Index(None, "name", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
        Index(None, "owner_id", "updated_at", "id"),
        Index(None, "partner_id", "updated_at", "id"),
    )


class CustomerStatusChange(Base):
    """A change of `Customer.status`, written by a trigger on every path (CHURN_RATE's history)."""

    __tablename__ = "customer_status_change"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customer.id", ondelete="CASCADE")
    )
    from_status: Mapped[enums.CustomerStatus | None] = mapped_column(
        pg_enum(enums.CustomerStatus, "customer_status")
    )
    to_status: Mapped[enums.CustomerStatus] = mapped_column(
        pg_enum(enums.CustomerStatus, "customer_status")
    )
    occurred_at: Mapped[datetime] = created()
    __table_args__ = (
        Index(None, "customer_id", "occurred_at", "id"),
        Index(None, "to_status", "occurred_at"),
    )


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    wecom_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dingtalk_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        Index(None, "customer_id", "name", "id"),
        Index(None, "name", "id"),
        Index(None, "updated_at", "id"),
    )


class Campaign(Base):
    """A marketing activity that brings leads; its cost is what COST_PER_LEAD and ROI divide."""

    __tablename__ = "campaign"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[enums.Channel] = mapped_column(CHANNEL)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    cost: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    status: Mapped[enums.CampaignStatus] = mapped_column(
        pg_enum(enums.CampaignStatus, "campaign_status"), server_default="PLANNED"
    )
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        CheckConstraint("ends_on >= starts_on", name="term"),
        CheckConstraint("cost >= 0", name="cost"),
        Index(None, "name", "id"),
        Index(None, "updated_at", "id"),
    )


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[int] = pk()
    company_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[enums.LeadSource] = mapped_column(pg_enum(enums.LeadSource, "lead_source"))
    region: Mapped[enums.Region | None] = mapped_column(REGION, index=True)
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    score: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    status: Mapped[enums.LeadStatus] = mapped_column(
        pg_enum(enums.LeadStatus, "lead_status"), server_default="NEW", index=True
    )
    assignee_id: Mapped[int | None] = fk("app_user.id")
    partner_id: Mapped[int | None] = fk("partner.id")
    first_contact_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_contacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    converted_customer_id: Mapped[int | None] = fk("customer.id")
    # Issue 11: the rule that routed the lead, and the partner offer in force (or its end).
    assignment_rule_id: Mapped[int | None] = fk("assignment_rule.id", ondelete="SET NULL")
    offer_status: Mapped[enums.LeadOfferStatus | None] = mapped_column(
        pg_enum(enums.LeadOfferStatus, "lead_offer_status")
    )
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Why the partner declined the last offer (`rejectLead`), for the managers who re-route it.
    offer_rejection_reason: Mapped[str | None] = mapped_column(Text)
    # The channel user who wrote in, so their next message finds this lead (CONTRACT §9).
    wecom_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dingtalk_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    campaign_id: Mapped[int | None] = fk("campaign.id")
    # Issue 11: when the scoring rules last scored the lead, and the largest contributions
    # (`domain.lead_scoring.Contribution.as_json`), so a read of the explanation is a column.
    scored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score_explanation: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), nullable=False
    )
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        CheckConstraint("length(btrim(company_name)) > 0", name="company_present"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
        Index(None, "company_name", "id"),
    )


class Opportunity(Base):
    __tablename__ = "opportunity"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default="CNY")
    stage: Mapped[enums.OpportunityStage] = mapped_column(
        pg_enum(enums.OpportunityStage, "opportunity_stage"),
        server_default="QUALIFICATION",
        index=True,
    )
    probability: Mapped[int] = mapped_column(Integer, server_default=text("10"))
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner_id: Mapped[int | None] = fk("app_user.id")
    partner_id: Mapped[int | None] = fk("partner.id")
    registration_status: Mapped[enums.RegistrationStatus] = mapped_column(
        pg_enum(enums.RegistrationStatus, "registration_status"), server_default="NONE"
    )
    margin_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency"),
        Index(None, "customer_id", "updated_at", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "amount", "id"),
        # A customer's deals by stage (open deals, won ones for the lifetime value) with what
        # every role's row scope tests and what `lifetimeValue` sums: counted from the index.
        Index(
            None, "customer_id", "stage", postgresql_include=["owner_id", "partner_id", "amount"]
        ),
    )


class OpportunityStageChange(Base):
    """One move of a deal between stages; part of the customer's timeline."""

    __tablename__ = "opportunity_stage_change"
    id: Mapped[int] = pk()
    opportunity_id: Mapped[int] = fk("opportunity.id", nullable=False, ondelete="CASCADE")
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    from_stage: Mapped[enums.OpportunityStage | None] = mapped_column(
        pg_enum(enums.OpportunityStage, "opportunity_stage")
    )
    to_stage: Mapped[enums.OpportunityStage] = mapped_column(
        pg_enum(enums.OpportunityStage, "opportunity_stage")
    )
    actor_id: Mapped[int | None] = fk("app_user.id")
    occurred_at: Mapped[datetime] = created()
    __table_args__ = (Index(None, "customer_id", "occurred_at", "id"),)
