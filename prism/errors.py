"""Turn execution errors into client errors: a code for each, no internals ever shown."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from persistence.errors import BadInput

log = logging.getLogger("prism.errors")

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")
_UNAVAILABLE = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)


def error(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


def without_suggestions(message: str) -> str:
    """Suggestions would name hidden fields ("Did you mean marginPercent?"): never give them."""
    return _SUGGESTION.sub("", message)


def request_error(err: GraphQLError) -> dict[str, Any]:
    """A parse or validation error: the client's document is at fault."""
    out = error(without_suggestions(err.message), "BAD_USER_INPUT")
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    return out


def field_error(err: GraphQLError, request_id: str) -> dict[str, Any]:
    """An error raised while resolving a field; unexpected ones are masked and logged."""
    original = err.original_error
    code = (err.extensions or {}).get("code")
    if isinstance(original, BadInput):
        out = error(original.message, "BAD_USER_INPUT")
    elif original is None or isinstance(original, GraphQLError):
        out = error(without_suggestions(err.message), code or "BAD_USER_INPUT")
    elif _is_unavailable(original):
        log.warning("database unavailable [%s]: %r", request_id, original)
        out = error("The service is temporarily unavailable; retry shortly", "UNAVAILABLE")
    else:
        log.error("unexpected error [%s]", request_id, exc_info=original)
        out = error("Internal server error", "INTERNAL_SERVER_ERROR", requestId=request_id)
    if err.path:
        out["path"] = list(err.path)
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    return out


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _UNAVAILABLE)
