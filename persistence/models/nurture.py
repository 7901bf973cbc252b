"""Nurture sequences (issue 11): what triggers a sequence, its steps, and each lead's enrolment.

A sequence's steps and an enrolment's progress are JSON lists: they are read and written whole
(a sequence's steps are replaced together; an enrolment's progress changes under its row lock),
and an enrolment keeps the steps it was enrolled with, so editing a sequence never reshuffles
the timers of leads already in it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain import enums
from persistence.models.base import CHANNEL, Base, created, fk, pg_enum, pk, updated, version


class NurtureSequence(Base):
    """An interaction of `trigger_kind` (on `trigger_channel`, when set) logged on a lead enrols
    it; `steps` = [{afterBusinessDays, action, taskKind, title}], in order."""

    __tablename__ = "nurture_sequence"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    trigger_kind: Mapped[enums.InteractionKind] = mapped_column(
        pg_enum(enums.InteractionKind, "interaction_kind")
    )
    trigger_channel: Mapped[enums.Channel | None] = mapped_column(CHANNEL)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), nullable=False
    )
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        Index(None, "trigger_kind", "active"),
        Index(None, "name", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
    )


class NurtureEnrollment(Base):
    """A lead in a sequence, once per lead and sequence; `progress` = the steps with their due
    time and outcome (PENDING, DONE, SKIPPED)."""

    __tablename__ = "nurture_enrollment"
    id: Mapped[int] = pk()
    nurture_sequence_id: Mapped[int] = fk("nurture_sequence.id", nullable=False, ondelete="CASCADE")
    lead_id: Mapped[int] = fk("lead.id", nullable=False, ondelete="CASCADE")
    interaction_id: Mapped[int | None] = fk("interaction.id", ondelete="SET NULL")
    status: Mapped[str] = mapped_column(String(20), server_default="ACTIVE")
    end_reason: Mapped[str | None] = mapped_column(String(40))
    progress: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), nullable=False
    )
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        UniqueConstraint("nurture_sequence_id", "lead_id"),
        CheckConstraint("status IN ('ACTIVE', 'COMPLETED', 'ENDED')", name="status"),
        Index(None, "lead_id", "enrolled_at", "id"),
        Index(None, "enrolled_at", "id"),
        Index(None, "updated_at", "id"),
    )
