"""Error codes shared by `extensions.code` and `userErrors.code` (CONTRACT §5)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Why a request or a mutation failed.")
class ErrorCode(Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


@strawberry.type(description="An expected failure of a mutation: which input, what, and a code.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the whole input."
    )
    message: str = strawberry.field(description="Human-readable explanation.")
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
