"""Keyset pagination shared by every connection: root lists, nested lists and the timeline.

A cursor holds the ordering key of its row, so the next page is `WHERE (key, id) > cursor`:
an index range scan whatever the page number, where OFFSET would re-read every skipped row.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, tuple_

from persistence.errors import BadInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_CURSOR_EXPONENT = 100


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class PageArgs:
    """Validated Relay arguments: exactly one of a forward or a backward window."""

    size: int
    backward: bool
    cursor: str | None

    @classmethod
    def parse(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> PageArgs:
        if first is not None and last is not None:
            raise BadInput("Pass either `first` or `last`, not both", "first")
        if after is not None and before is not None:
            raise BadInput("Pass either `after` or `before`, not both", "after")
        # One keyset window runs one way: refuse a cursor for the other way, never ignore it.
        if first is not None and before is not None:
            raise BadInput("`before` pages backwards: pass it with `last`, not `first`", "before")
        if last is not None and after is not None:
            raise BadInput("`after` pages forwards: pass it with `first`, not `last`", "after")
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise BadInput(f"`{name}` must be between 0 and {MAX_PAGE_SIZE}", name)
        backward = last is not None or before is not None
        requested = last if backward else first
        size = requested if requested is not None else DEFAULT_PAGE_SIZE
        return cls(size=size, backward=backward, cursor=before if backward else after)


@dataclass(frozen=True, slots=True)
class Ordering:
    """An ordering over unique keys (the last is always the id) in one direction."""

    keys: tuple[ColumnElement[Any], ...]
    direction: Direction

    def order_by(self, backward: bool) -> list[ColumnElement[Any]]:
        ascending = (self.direction is Direction.ASC) != backward
        return [k.asc() if ascending else k.desc() for k in self.keys]

    def after(self, values: list[Any], backward: bool) -> ColumnElement[bool]:
        ascending = (self.direction is Direction.ASC) != backward
        row, cursor = tuple_(*self.keys), tuple_(*values)
        return row > cursor if ascending else row < cursor


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def encode_cursor(values: list[Any]) -> str:
    """The row's ordering key as compact JSON (UTF-8 as it is, as PostgreSQL writes it for the
    compiled read path), in URL-safe base64."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...], field: str = "after") -> list[Any]:
    """Parse a cursor back into typed key values; anything we did not issue is BAD_USER_INPUT."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [_decode_value(v, k) for v, k in zip(values, kinds, strict=True)]
    except (ValueError, TypeError, OverflowError, binascii.Error, InvalidOperation, UnicodeError):
        raise BadInput(
            f"Invalid cursor in `{field}`: pass a cursor returned by this connection", field
        ) from None


def _decode_value(value: Any, kind: type) -> Any:
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        # Fails here (OverflowError) for instants near year 1, rather than in the driver.
        return parsed.astimezone(UTC)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        number = Decimal(value)
        # We only issue small finite numbers; PostgreSQL would refuse a huge exponent.
        if not number.is_finite() or abs(number.adjusted()) > MAX_CURSOR_EXPONENT:
            raise ValueError
        return number
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**63:
            raise ValueError
        return value
    if kind is str:
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError
        return value
    raise ValueError


@dataclass(frozen=True, slots=True)
class PageWindow:
    """How to cut a page out of an ordered statement."""

    ordering: Ordering
    kinds: tuple[type, ...]
    args: PageArgs

    def apply(self, stmt: Select[Any]) -> Select[Any]:
        if self.args.cursor is not None:
            field = "before" if self.args.backward else "after"
            values = decode_cursor(self.args.cursor, self.kinds, field)
            stmt = stmt.where(self.ordering.after(values, self.args.backward))
        return stmt.order_by(*self.ordering.order_by(self.args.backward)).limit(self.args.size + 1)


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: rows in display order, each with its cursor, and Relay's page info."""

    rows: list[Any]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool

    @property
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def cut_page(rows: list[Any], args: PageArgs, key_names: tuple[str, ...]) -> Page:
    """Turn `size + 1` fetched rows into a page; the extra row only says there is more."""
    more = len(rows) > args.size
    rows = rows[: args.size]
    if args.backward:
        rows.reverse()
    cursors = [encode_cursor([row._mapping[k] for k in key_names]) for row in rows]
    had_cursor = args.cursor is not None
    return Page(
        rows=rows,
        cursors=cursors,
        has_next_page=more if not args.backward else had_cursor,
        has_previous_page=more if args.backward else had_cursor,
    )
