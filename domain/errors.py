"""Expected failures of a use case: data for `userErrors`, never exceptions for the client."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the input field (camelCase), a message and a code."""

    field: str | None
    message: str
    code: str  # one of CONTRACT §5's codes: BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, CONFLICT


class BadInput(ValueError):
    """A client argument (ID, cursor, page size, filter value) cannot be used; safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Refused(Exception):
    """A use case refuses the request; nothing it did is kept (its savepoint rolls back)."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


def bad_input(field: str | None, message: str) -> Problem:
    return Problem(field, message, "BAD_USER_INPUT")


def not_found(field: str | None, what: str) -> Refused:
    return Refused(Problem(field, f"{what} not found", "NOT_FOUND"))


def forbidden(message: str, field: str | None = None) -> Refused:
    return Refused(Problem(field, message, "FORBIDDEN"))


def conflict(field: str | None, message: str) -> Refused:
    return Refused(Problem(field, message, "CONFLICT"))


def stale(type_name: str, current: int, expected: int | None) -> Refused:
    """A write based on an old read: the client must reload and decide again."""
    return conflict(
        "expectedVersion",
        f"{type_name} is at version {current}, not {expected}: "
        "reload it and apply your change again",
    )
