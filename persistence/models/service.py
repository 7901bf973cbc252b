"""The service side and the timeline: assets, contracts, tickets and their events, visits,
interactions, tasks, survey answers."""

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
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain import enums
from persistence.models.base import (
    CHANNEL,
    Base,
    created,
    fk,
    pg_enum,
    pk,
    updated,
    version,
)


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
        # A technician's slice of customers, assets and contacts is "named on a ticket assigned
        # to me": one index-only probe per row instead of reading each of its tickets.
        Index(None, "customer_id", "assignee_id"),
        Index(None, "asset_id", "assignee_id"),
        Index(None, "contact_id", "assignee_id"),
        # An assignee's open tickets touched since a moment (a technician's day, an agent's
        # queue): exactly those rows from the index, not 14k open tickets ANDed with theirs.
        Index(None, "assignee_id", "status", "updated_at"),
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
    kind: Mapped[enums.InteractionKind] = mapped_column(
        pg_enum(enums.InteractionKind, "interaction_kind"), server_default="NOTE"
    )
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
