"""Tables of the 360° view. Constraints live here so the database refuses what the domain refuses.

Reads and writes go through SQLAlchemy Core over these tables (see `persistence/queries/`), so no
relationship() is declared: nothing can lazy-load and hide an N+1.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum as PyEnum
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from domain import enums

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def pg_enum(py: type[PyEnum], name: str) -> Enum:
    return Enum(
        py, name=name, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


REGION = pg_enum(enums.Region, "region")
ROLE = pg_enum(enums.Role, "role")
CHANNEL = pg_enum(enums.Channel, "channel")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model here is declared with __tablename__, so it maps a Table; SQLAlchemy types
        # the attribute as the wider FromClause, which insert()/update() and our Table-typed
        # helpers do not accept. Typing only: nothing changes at runtime.
        __table__: ClassVar[Table]


def pk() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(), primary_key=True)


def fk(target: str, *, nullable: bool = True, ondelete: str | None = None) -> Any:
    return mapped_column(
        BigInteger, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


def created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated() -> Mapped[datetime]:
    return mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def version() -> Mapped[int]:
    return mapped_column(Integer, server_default=text("1"), nullable=False)


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
    # The channel user who wrote in, so their next message finds this lead (CONTRACT §9).
    wecom_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dingtalk_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    campaign_id: Mapped[int | None] = fk("campaign.id")
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
        Index(None, "customer_id", "stage"),
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


class Asset(Base):
    __tablename__ = "asset"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    model: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str] = mapped_column(String(100), unique=True)
    installed_at: Mapped[date | None] = mapped_column(Date)
    warranty_ends_at: Mapped[date | None] = mapped_column(Date)
    site_address: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint(
            "warranty_ends_at IS NULL OR installed_at IS NULL OR warranty_ends_at >= installed_at",
            name="warranty_after_install",
        ),
        Index(None, "customer_id", "serial_number", "id"),
        Index(None, "updated_at", "id"),
    )


class Contract(Base):
    __tablename__ = "contract"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    number: Mapped[str] = mapped_column(String(50), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default="CNY")
    status: Mapped[enums.ContractStatus] = mapped_column(
        pg_enum(enums.ContractStatus, "contract_status"), server_default="ACTIVE", index=True
    )
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="term"),
        CheckConstraint("value >= 0", name="value"),
        Index(None, "customer_id", "ends_on", "id"),
        Index(None, "updated_at", "id"),
    )


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[int] = pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    contact_id: Mapped[int | None] = fk("contact.id")
    asset_id: Mapped[int | None] = fk("asset.id")
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[enums.TicketKind] = mapped_column(pg_enum(enums.TicketKind, "ticket_kind"))
    priority: Mapped[enums.TicketPriority] = mapped_column(
        pg_enum(enums.TicketPriority, "ticket_priority"), server_default="NORMAL", index=True
    )
    status: Mapped[enums.TicketStatus] = mapped_column(
        pg_enum(enums.TicketStatus, "ticket_status"), server_default="NEW", index=True
    )
    channel: Mapped[enums.Channel] = mapped_column(CHANNEL, server_default="PHONE")
    assignee_id: Mapped[int | None] = fk("app_user.id")
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalation_level: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    csat_score: Mapped[int | None] = mapped_column(Integer)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("csat_score BETWEEN 1 AND 5", name="csat"),
        CheckConstraint("escalation_level >= 0", name="escalation"),
        CheckConstraint("length(btrim(subject)) > 0", name="subject_present"),
        Index(None, "customer_id", "created_at", "id"),
        Index(None, "assignee_id", "updated_at", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
    )


class TicketEvent(Base):
    """What happened to a ticket (created, status change, assignment); part of the timeline."""

    __tablename__ = "ticket_event"
    id: Mapped[int] = pk()
    ticket_id: Mapped[int] = fk("ticket.id", nullable=False, ondelete="CASCADE")
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    kind: Mapped[enums.TicketEventKind] = mapped_column(
        pg_enum(enums.TicketEventKind, "ticket_event_kind")
    )
    from_status: Mapped[enums.TicketStatus | None] = mapped_column(
        pg_enum(enums.TicketStatus, "ticket_status")
    )
    to_status: Mapped[enums.TicketStatus | None] = mapped_column(
        pg_enum(enums.TicketStatus, "ticket_status")
    )
    actor_id: Mapped[int | None] = fk("app_user.id")
    occurred_at: Mapped[datetime] = created()
    __table_args__ = (
        Index(None, "customer_id", "occurred_at", "id"),
        # Reopenings, for FIRST_CONTACT_RESOLUTION_RATE: few among many events.
        Index(
            "ix_ticket_event_reopened",
            "ticket_id",
            postgresql_where=text(
                "from_status IN ('RESOLVED', 'FOLLOW_UP') AND to_status = 'IN_PROGRESS'"
            ),
        ),
    )


class ServiceVisit(Base):
    __tablename__ = "service_visit"
    id: Mapped[int] = pk()
    ticket_id: Mapped[int] = fk("ticket.id", nullable=False, ondelete="CASCADE")
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    technician_id: Mapped[int | None] = fk("app_user.id")
    scheduled_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scheduled_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    check_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    parts_used: Mapped[Any] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    notes: Mapped[str | None] = mapped_column(Text)
    customer_rating: Mapped[int | None] = mapped_column(Integer)
    lead_id: Mapped[int | None] = fk("lead.id", ondelete="SET NULL")  # the upsell it raised
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("scheduled_end >= scheduled_start", name="schedule"),
        CheckConstraint("customer_rating BETWEEN 1 AND 5", name="rating"),
        Index(None, "customer_id", "scheduled_start", "id"),
        Index(None, "ticket_id", "scheduled_start", "id"),
        Index(None, "technician_id", "scheduled_start", "id"),
        Index(None, "updated_at", "id"),
    )


class Interaction(Base):
    __tablename__ = "interaction"
    id: Mapped[int] = pk()
    customer_id: Mapped[int | None] = fk("customer.id", ondelete="CASCADE")
    contact_id: Mapped[int | None] = fk("contact.id")
    lead_id: Mapped[int | None] = fk("lead.id")
    channel: Mapped[enums.Channel] = mapped_column(CHANNEL, index=True)
    direction: Mapped[enums.Direction] = mapped_column(pg_enum(enums.Direction, "direction"))
    summary: Mapped[str] = mapped_column(Text)
    is_internal: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = fk("app_user.id")
    # A channel's own message id (WeChat Work MsgId, DingTalk msgId, a form submission): a
    # message delivered twice is recorded once.
    external_message_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("customer_id IS NOT NULL OR lead_id IS NOT NULL", name="about"),
        UniqueConstraint("channel", "external_message_id"),
        Index(None, "customer_id", "occurred_at", "id"),
        Index(None, "occurred_at", "id"),
        Index(None, "updated_at", "id"),
    )


class Task(Base):
    __tablename__ = "task"
    id: Mapped[int] = pk()
    subject: Mapped[str] = mapped_column(String(300))
    kind: Mapped[enums.TaskKind] = mapped_column(
        pg_enum(enums.TaskKind, "task_kind"), server_default="FOLLOW_UP"
    )
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assignee_id: Mapped[int | None] = fk("app_user.id")
    status: Mapped[enums.TaskStatus] = mapped_column(
        pg_enum(enums.TaskStatus, "task_status"), server_default="OPEN", index=True
    )
    customer_id: Mapped[int | None] = fk("customer.id", ondelete="CASCADE")
    lead_id: Mapped[int | None] = fk("lead.id", ondelete="CASCADE")
    opportunity_id: Mapped[int | None] = fk("opportunity.id", ondelete="CASCADE")
    ticket_id: Mapped[int | None] = fk("ticket.id", ondelete="CASCADE")
    rule: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint(
            "num_nonnulls(customer_id, lead_id, opportunity_id, ticket_id) <= 1", name="about_one"
        ),
        Index(None, "due_at", "id"),
        Index(None, "updated_at", "id"),
    )


class SurveyResponse(Base):
    __tablename__ = "survey_response"
    id: Mapped[int] = pk()
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    ticket_id: Mapped[int | None] = fk("ticket.id")
    kind: Mapped[enums.SurveyKind] = mapped_column(pg_enum(enums.SurveyKind, "survey_kind"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime] = created()
    __table_args__ = (
        CheckConstraint(
            "(kind = 'CSAT' AND score BETWEEN 1 AND 5)"
            " OR (kind = 'NPS' AND score BETWEEN 0 AND 10)",
            name="score_range",
        ),
    )


class Job(Base):
    """A durable timer or piece of background work (`persistence.jobs`): the row is the truth.

    `key` makes enqueueing idempotent (a timer is enqueued once, whoever enqueues it); a job is
    taken with `FOR UPDATE SKIP LOCKED` and its effects commit with `done_at`, so it fires once
    even with several workers, and a worker that dies mid-job leaves it to the next one.
    """

    __tablename__ = "job"
    id: Mapped[int] = pk()
    kind: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[Any] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created()
    __table_args__ = (
        Index(
            "ix_job_due",
            "run_at",
            "id",
            postgresql_where=text("done_at IS NULL AND failed_at IS NULL"),
        ),
    )


class OutboxEvent(Base):
    """An event (CONTRACT §8), written in the transaction of the change it reports."""

    __tablename__ = "outbox_event"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(60), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[Any] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created()
    __table_args__ = (Index(None, "occurred_at", "id"),)


class IdempotencyKey(Base):
    """A mutation request applied under an `Idempotency-Key`: its body hash and first response."""

    __tablename__ = "idempotency_key"
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[Any | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created()


# --- Calendars, SLA policies and escalations (CONTRACT §7) -----------------------------------


class BusinessDay(Base):
    """A day that departs from the weekday rule (a holiday, a 调休 working weekend day), or an
    admin's explicit decision about a day (`source` = ADMIN)."""

    __tablename__ = "business_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), server_default="HOLIDAYS")
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (CheckConstraint("source IN ('HOLIDAYS', 'ADMIN')", name="source"),)


class CalendarYear(Base):
    """A year whose holidays and adjusted working days are known (seeded or entered)."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(20), server_default="HOLIDAYS")
    created_at: Mapped[datetime] = created()


class SlaPolicy(Base):
    """The response and resolution targets of one ticket priority, in business minutes."""

    __tablename__ = "sla_policy"
    priority: Mapped[enums.TicketPriority] = mapped_column(
        pg_enum(enums.TicketPriority, "ticket_priority"), primary_key=True
    )
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    calendar: Mapped[str] = mapped_column(String(20), server_default="BUSINESS")
    version: Mapped[int] = version()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("first_response_minutes > 0", name="first_response"),
        CheckConstraint("resolution_minutes >= first_response_minutes", name="resolution"),
        CheckConstraint("calendar IN ('BUSINESS', 'ALWAYS')", name="calendar"),
    )


class TicketEscalation(Base):
    """A ticket's target that has been escalated: one row per (ticket, target), ever."""

    __tablename__ = "ticket_escalation"
    ticket_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("target IN ('RESPONSE', 'RESOLUTION')", name="target"),)


class CasbinRule(Base):
    """Casbin policy lines (`p`, `g`) stored as data so an admin can change them at run time."""

    __tablename__ = "casbin_rule"
    id: Mapped[int] = pk()
    ptype: Mapped[str] = mapped_column(String(16))
    v0: Mapped[str] = mapped_column(String(255), server_default="")
    v1: Mapped[str] = mapped_column(String(255), server_default="")
    v2: Mapped[str] = mapped_column(String(255), server_default="")
    v3: Mapped[str] = mapped_column(String(255), server_default="")
    v4: Mapped[str] = mapped_column(String(255), server_default="")
    v5: Mapped[str] = mapped_column(String(255), server_default="")
    __table_args__ = (UniqueConstraint("ptype", "v0", "v1", "v2", "v3", "v4", "v5"),)


class RateLimitWindow(Base):
    """Cost points a user spent in the current one-minute window (PostgreSQL rate limiting)."""

    __tablename__ = "rate_limit_window"
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    spent: Mapped[int] = mapped_column(BigInteger)


# --- Webhooks (CONTRACT §8) and survey tokens (§7) --------------------------------------------


class WebhookEndpoint(Base):
    """Where events are delivered. The secret is kept in clear: signing needs the key itself
    (an HMAC key cannot be stored hashed); it is never read back through the API."""

    __tablename__ = "webhook_endpoint"
    id: Mapped[int] = pk()
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(ARRAY(String(60)))
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (Index(None, "updated_at", "id"),)


class WebhookDelivery(Base):
    """One event for one endpoint: its attempts so far and what the receiver answered."""

    __tablename__ = "webhook_delivery"
    id: Mapped[int] = pk()
    webhook_endpoint_id: Mapped[int] = fk("webhook_endpoint.id", nullable=False, ondelete="CASCADE")
    event_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("outbox_event.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), server_default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    response_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        UniqueConstraint("webhook_endpoint_id", "event_id"),
        CheckConstraint("status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')", name="status"),
        Index(None, "created_at", "id"),
    )


# --- leads that never wait (issue 11): routing rules and web forms ----------------------------


class AssignmentRule(Base):
    """Which leads a rule takes (`regions`, `industries`, `sources`; empty = any) and to whom."""

    __tablename__ = "assignment_rule"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int] = mapped_column(Integer, server_default=text("100"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    regions: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), server_default=text("'{}'"), nullable=False
    )
    industries: Mapped[list[str]] = mapped_column(
        ARRAY(String(100)), server_default=text("'{}'"), nullable=False
    )
    sources: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), server_default=text("'{}'"), nullable=False
    )
    strategy: Mapped[enums.AssignmentStrategy] = mapped_column(
        pg_enum(enums.AssignmentStrategy, "assignment_strategy"), server_default="ROUND_ROBIN"
    )
    assignee_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'"), nullable=False
    )
    first_contact_minutes: Mapped[int] = mapped_column(Integer, server_default=text("120"))
    calendar: Mapped[enums.CalendarName] = mapped_column(
        pg_enum(enums.CalendarName, "calendar_name"), server_default="BUSINESS"
    )
    # How many leads the rule has handed out: the round robin's position, under a row lock.
    cursor: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), nullable=False)
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        CheckConstraint("first_contact_minutes > 0", name="first_contact_positive"),
        Index(None, "priority", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
    )


class SurveyToken(Base):
    """A single-use survey invitation: only the SHA-256 of the token is kept."""

    __tablename__ = "survey_token"
    id: Mapped[int] = pk()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[enums.SurveyKind] = mapped_column(pg_enum(enums.SurveyKind, "survey_kind"))
    customer_id: Mapped[int] = fk("customer.id", nullable=False, ondelete="CASCADE")
    ticket_id: Mapped[int | None] = fk("ticket.id", ondelete="CASCADE")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created()


class WebForm(Base):
    """A web form on a campaign's landing page; `form_key` is its public address."""

    __tablename__ = "web_form"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int | None] = fk("campaign.id")
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
    )


TABLES_IN_DELETE_ORDER = [t.name for t in reversed(Base.metadata.sorted_tables)]
