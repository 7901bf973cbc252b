"""The declarative base, its naming convention and the column helpers every table uses."""

from __future__ import annotations

from datetime import datetime
from enum import Enum as PyEnum
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Integer,
    MetaData,
    Table,
    func,
    text,
)
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
