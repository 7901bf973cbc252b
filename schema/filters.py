"""Filter inputs to plain values: IDs decoded (and type-checked), enums to their values."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from domain.fields import camel
from persistence.errors import BadInput
from schema.ids import REFERENCES, decode_id_of

MAX_SEARCH = 200


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _instant(value: datetime, field: str) -> datetime:
    """A naive time would mean whatever the server's zone is, and PostgreSQL cannot hold
    every Python time once moved to UTC: both are the client's to fix."""
    if value.tzinfo is None:
        raise BadInput(f"`{field}` must include a UTC offset", field)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise BadInput(f"`{field}` is out of range", field) from None


def filters_of(filter_input: Any) -> dict[str, Any]:
    if filter_input is None:
        return {}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(filter_input):
        value, field = getattr(filter_input, f.name), f"filter.{camel(f.name)}"
        if value is None:
            continue
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL text cannot hold NUL; the driver would fail on it, not the client.
            raise BadInput(f"`{field}` must not contain NUL characters", field)
        if f.name in REFERENCES:
            value = decode_id_of(value, REFERENCES[f.name], field)
        elif isinstance(value, datetime):
            value = _instant(value, field)
        elif f.name == "search":
            value = value.strip()
            if len(value) > MAX_SEARCH:
                raise BadInput(f"`filter.search` must be at most {MAX_SEARCH} characters", "search")
            if not value:
                continue
        values[f.name] = _plain(value)
    return values
