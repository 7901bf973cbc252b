"""Validate use-case inputs field by field, collecting every problem before refusing."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from domain.errors import Problem, Refused, bad_input
from domain.validation import (
    InvalidValue,
    required_text,
    validate_email,
    validate_phone,
    validate_uscc,
)


def text(max_length: int) -> Callable[[Any], Any]:
    return lambda value: required_text(value, max_length=max_length)


def optional_text(max_length: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        stripped = value.strip()
        if len(stripped) > max_length:
            raise InvalidValue(f"must be at most {max_length} characters")
        if "\x00" in stripped:
            raise InvalidValue("must not contain NUL characters")
        return stripped or None

    return check


def int_range(low: int, high: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise InvalidValue(f"must be between {low} and {high}")
        return value

    return check


def money(value: Any) -> Any:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValue("must be a decimal number")
    if value < 0 or value >= Decimal("1e14") or value != value.quantize(Decimal("0.01")):
        raise InvalidValue("must be non-negative, below 10^14, with at most 2 decimals")
    return value


def percent(value: Any) -> Any:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 100:
        raise InvalidValue("must be a percentage between 0 and 100")
    return value.quantize(Decimal("0.01"))


def instant(value: Any) -> Any:
    """A point in time, in UTC. A naive one would mean whatever zone the server runs in, and
    cannot be compared with an aware one: the client must say which offset it means."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidValue("must include a UTC offset, e.g. 2026-11-01T09:00:00+08:00")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidValue("is out of range") from None


def currency(value: Any) -> Any:
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidValue("must be a 3-letter ISO 4217 code such as CNY")
    return code


def free_json(max_chars: int) -> Callable[[Any], Any]:
    """Free-form JSON as PostgreSQL's jsonb can hold it: bounded, and no NUL anywhere."""

    def check(value: Any) -> Any:
        if len(json.dumps(value, ensure_ascii=False)) > max_chars:
            raise InvalidValue(f"must be at most {max_chars} characters as JSON")
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and "\x00" in item:
                raise InvalidValue("must not contain NUL characters")
            if isinstance(item, dict):
                stack += [*item.keys(), *item.values()]
            elif isinstance(item, list):
                stack += item
        return value

    return check


RULES: dict[str, Callable[[Any], Any]] = {
    "tax_id": validate_uscc,
    "phone": validate_phone,
    "email": validate_email,
    "currency": currency,
}


def clean(values: Mapping[str, Any], rules: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """Apply each field's rule to the given (non-None) values; refuse with every problem."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        rule = rules.get(name) or RULES.get(name)
        if value is None or rule is None:
            out[name] = value
            continue
        try:
            out[name] = rule(value)
        except InvalidValue as exc:
            problems.append(
                bad_input(
                    camel(name),
                    f"{camel(name)} {exc}".replace(
                        f"{camel(name)} {camel(name)} ", f"{camel(name)} "
                    ),
                )
            )
    if problems:
        raise Refused(*problems)
    return out


def require(values: Mapping[str, Any], *names: str) -> None:
    missing = [n for n in names if values.get(n) is None]
    if missing:
        raise Refused(*(bad_input(camel(n), f"{camel(n)} is required") for n in missing))


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def present(values: dict[str, Any]) -> dict[str, Any]:
    """The given values only: an omitted (None) field keeps its stored or default value."""
    return {k: v for k, v in values.items() if v is not None}
