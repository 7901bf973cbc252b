"""What the processes and the platform keep: durable jobs, the outbox, idempotency keys,
calendars and SLA policies, escalations, the stored policy, rate windows, webhooks, survey
tokens, assignment rules and web forms."""

from __future__ import annotations

from datetime import date, datetime
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
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain import enums
from persistence.models.base import (
    Base,
    created,
    fk,
    pg_enum,
    pk,
    updated,
    version,
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
