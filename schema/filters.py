"""Filter inputs to plain values: IDs decoded (and type-checked), enums to their values."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from persistence.errors import BadInput
from schema.ids import decode_id_of

# Filter fields that take IDs, and the type each must name.
ID_FILTERS = {
    "owner_id": "User",
    "assignee_id": "User",
    "technician_id": "User",
    "partner_id": "Partner",
    "customer_id": "Customer",
    "ticket_id": "Ticket",
    "manager_id": "User",
}

MAX_SEARCH = 200


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def filters_of(filter_input: Any) -> dict[str, Any]:
    if filter_input is None:
        return {}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(filter_input):
        value = getattr(filter_input, f.name)
        if value is None:
            continue
        if f.name in ID_FILTERS:
            value = decode_id_of(value, ID_FILTERS[f.name], f"filter.{_camel(f.name)}")
        elif f.name == "search":
            value = value.strip()
            if len(value) > MAX_SEARCH:
                raise BadInput(f"`filter.search` must be at most {MAX_SEARCH} characters", "search")
            if "\x00" in value:
                raise BadInput("`filter.search` must not contain NUL characters", "search")
            if not value:
                continue
        values[f.name] = _plain(value)
    return values
