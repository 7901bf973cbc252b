"""Lead scoring rules (issue 11): the weights of the lead score, as data an admin edits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from domain import enums
from persistence.models.base import CHANNEL, Base, created, pg_enum, pk, updated, version


class ScoringRule(Base):
    """BEHAVIOUR: `points` per interaction of the lead matching `channel`, `interaction_kind`
    and `direction` (absent = any), halved every `half_life_days`. FIT: `points` once when the
    lead's `field` holds `value`."""

    __tablename__ = "lead_scoring_rule"
    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[enums.ScoringRuleKind] = mapped_column(
        pg_enum(enums.ScoringRuleKind, "scoring_rule_kind")
    )
    points: Mapped[int] = mapped_column(Integer)
    channel: Mapped[enums.Channel | None] = mapped_column(CHANNEL, nullable=True)
    interaction_kind: Mapped[enums.InteractionKind | None] = mapped_column(
        pg_enum(enums.InteractionKind, "interaction_kind"), nullable=True
    )
    direction: Mapped[enums.Direction | None] = mapped_column(
        pg_enum(enums.Direction, "direction"), nullable=True
    )
    half_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field: Mapped[enums.ScoringFitField | None] = mapped_column(
        pg_enum(enums.ScoringFitField, "scoring_fit_field"), nullable=True
    )
    value: Mapped[str | None] = mapped_column(String(100), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    version: Mapped[int] = version()
    created_at: Mapped[datetime] = created()
    updated_at: Mapped[datetime] = updated()
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_present"),
        CheckConstraint("points BETWEEN -100 AND 100", name="points_range"),
        CheckConstraint("half_life_days IS NULL OR half_life_days > 0", name="half_life_positive"),
        CheckConstraint(
            "(kind = 'BEHAVIOUR' AND (channel IS NOT NULL OR interaction_kind IS NOT NULL)"
            " AND field IS NULL AND value IS NULL)"
            " OR (kind = 'FIT' AND field IS NOT NULL AND value IS NOT NULL AND channel IS NULL"
            " AND interaction_kind IS NULL AND direction IS NULL AND half_life_days IS NULL)",
            name="shape",
        ),
        Index(None, "updated_at", "id"),
        Index(None, "created_at", "id"),
        Index(None, "name", "id"),
    )
