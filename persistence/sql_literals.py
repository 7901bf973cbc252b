"""Values written into a statement's text instead of being sent as parameters.

A compiled read with bind parameters lets PostgreSQL settle on a *generic* plan after five
executions of a prepared statement, one plan for every value: for a partner with 2,000
customers it is three times slower than the plan for that partner. A statement with no
parameters left gets the plan for its own values, made once per connection and then reused
(PostgreSQL never re-plans a parameterless prepared statement), which also saves the planning
a custom plan would repeat on every call.

Only values whose text cannot carry anything but the value are written in: integers within
`bigint`, finite decimals, booleans, time-zone-aware instants and dates (their ISO text), and
strings of letters, digits and `_` (enum values, identifiers), and lists of those. Each goes
in as an untyped literal (`'…'`), which PostgreSQL types from its context exactly as it types
a parameter in that place. Anything else (free text, a search pattern) stays a parameter.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

_WORD = re.compile(r"[A-Za-z0-9_]{1,128}")
_INT64 = 2**63
_MAX_ITEMS = 1000


def _scalar(value: Any) -> str | None:
    """The literal's inside (no quotes), or None when the value must stay a parameter."""
    if isinstance(value, Enum):
        value = value.value
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value) if -_INT64 <= value < _INT64 else None
    if kind is Decimal:
        return str(value) if value.is_finite() else None
    if kind is datetime:
        return value.isoformat() if value.utcoffset() is not None else None
    if kind is date:
        return value.isoformat()
    if kind is str:
        return value if _WORD.fullmatch(value) else None
    return None


def literal(value: Any) -> str | None:
    """`value` as SQL literal text, or None when it is not one of the safe kinds."""
    if isinstance(value, list | tuple):
        if len(value) > _MAX_ITEMS:
            return None
        items = [_scalar(v) for v in value]
        if any(i is None for i in items):
            return None
        # Quoted elements: an unquoted NULL would be read as a null element.
        return "'{" + ",".join(f'"{i}"' for i in items) + "}'"
    inner = _scalar(value)
    return None if inner is None else f"'{inner}'"
