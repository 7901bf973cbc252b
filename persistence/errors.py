"""Failures persistence reports to callers; each maps to a client-facing code upstream."""

from __future__ import annotations


class BadInput(ValueError):
    """A client argument (cursor, page size, filter value) cannot be used; safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
