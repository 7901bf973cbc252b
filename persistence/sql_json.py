"""Values of the GraphQL response written in SQL exactly as Python writes them: instants as
`datetime.isoformat()`, global IDs as `schema.ids.encode_id`, cursors as
`persistence.pagination.encode_cursor`, so the compiled reads and the resolvers answer alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal


def iso(expr: str) -> str:
    """`datetime.isoformat()` of a UTC instant: microseconds only when there are some."""
    # One to_char: '.000000' can only be the fraction (the text's one dot), dropped as Python does.
    text = f"to_char(({expr} AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"(replace({text}, '.000000', '') || '+00:00')"


def b64url(expr: str) -> str:
    return f"rtrim(translate(encode(convert_to({expr}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"


def global_id(type_name: str, pk: str) -> str:
    return b64url(f"'{type_name}:' || {pk}")


def _json_key(expr: str, kind: type) -> str:
    """One cursor key as JSON text, as `pagination.encode_cursor` writes it."""
    if kind is datetime:
        return f"to_json({iso(expr)})::text"
    if kind is int:
        return f"({expr})::text"
    if kind is Decimal:
        return f"to_json(({expr})::text)::text"
    return f"to_json(({expr})::text)::text"  # str, enums, dates


def cursor(exprs: Sequence[str], kinds: Sequence[type]) -> str:
    keys = " || ',' || ".join(_json_key(e, k) for e, k in zip(exprs, kinds, strict=True))
    return b64url(f"'[' || {keys} || ']'")
