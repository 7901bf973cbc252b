"""What every fuzzed response must satisfy, and how to generate Prism's scalars."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import schemathesis
from graphql import ValueNode
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Text that only reaches a client when internals escape: tracebacks, SQL, driver messages.
LEAK_MARKERS = (
    "Traceback",
    'File "',
    "sqlalchemy",
    "asyncpg",
    "psycopg",
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    " WHERE ",
    "pg_",
    "DETAIL:",
)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def leaked_markers(response_text: str, request_text: str) -> list[str]:
    """Markers in the response that the request did not put there itself (echoed input is fine)."""
    try:
        text = "\n".join(_strings(json.loads(response_text)))
    except ValueError:
        text = response_text
    return [m for m in LEAK_MARKERS if m in text and m not in request_text]


@schemathesis.check
def no_internals_leak(ctx: Any, response: Any, case: Any) -> None:
    """No stack trace, SQL or driver text in any response, and nothing masked as internal."""
    request_text = case.body if isinstance(case.body, str) else ""
    leaks = leaked_markers(response.text, request_text)
    if leaks:
        raise AssertionError(f"response shows internals ({', '.join(leaks)}): {response.text}")
    if "INTERNAL_SERVER_ERROR" in response.text:
        raise AssertionError(f"response reports INTERNAL_SERVER_ERROR: {response.text}")


def register_scalars(known_ids: list[str]) -> None:
    """Values a client could send: mostly well-formed, with the edge cases servers trip on."""
    junk = st.text(max_size=24)
    # Mostly real rows (of any type: `targets.retarget_ids` picks the right one where it can).
    ids = st.sampled_from(known_ids) if known_ids else junk
    schemathesis.graphql.scalar("ID", st.one_of(ids, ids, ids, junk).map(nodes.String))
    money = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2).map(str)
    # Unbounded decimals include NaN, Infinity and exponents far beyond any column.
    extreme = st.decimals().map(str)
    schemathesis.graphql.scalar("Decimal", st.one_of(money, money, extreme, junk).map(nodes.String))
    # With and without an offset, and at the ends of the calendar.
    offsets = st.sampled_from(["Z", "+08:00", "-05:30", "+14:00", ""])
    instants = st.builds(lambda d, t, o: f"{d}T{t}{o}", st.dates(), st.times(), offsets)
    schemathesis.graphql.scalar("DateTime", instants.map(nodes.String))
    json_leaf: st.SearchStrategy[ValueNode] = st.one_of(
        st.text(max_size=12).map(nodes.String), st.integers(-1000, 1000).map(nodes.Int)
    )
    schemathesis.graphql.scalar(
        "JSON", st.one_of(json_leaf, st.lists(json_leaf, max_size=3).map(nodes.List))
    )
