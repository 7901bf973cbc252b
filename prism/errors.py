"""Turn execution errors into client errors: a code for each, no internals ever shown."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from persistence.errors import BadInput

log = logging.getLogger("prism.errors")

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")
_UNAVAILABLE = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)
#: asyncpg's own errors for a connection that is gone or stuck in a state it cannot leave.
_ASYNCPG_GONE = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InternalClientError,
)
# SQLSTATEs of a server that is gone or not there yet: class 08 (connection exception), 57P01
# (terminated by an administrator), 57P02 (crash shutdown), 57P03 ("the database system is
# shutting down" / "starting up"), 53300 ("too many clients already": every connection slot of
# the server taken, met when the pool opens one); asyncpg reports them as plain `PostgresError`s.
# A server too busy to answer in time is the same to a client: 57014 (the statement timeout
# cancelled it), 55P03 (a lock not had in time), 40001 / 40P01 (a serialization failure or a
# deadlock: the transaction rolled back whole). Each is worth a retry, none is the client's fault
# or an internal error.
_UNAVAILABLE_SQLSTATES = (
    "08",
    "57P01",
    "57P02",
    "57P03",
    "53300",
    "57014",
    "55P03",
    "40001",
    "40P01",
)


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
    elif is_unavailable(original):
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


def is_unavailable(exc: BaseException) -> bool:
    """The database is unreachable, going away or starting: an outage one may retry."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        # asyncpg's protocol stuck in a state it cannot leave, as when the server's termination
        # notice reached a pooled idle connection before the socket closed: the connection is dead.
        if isinstance(getattr(exc.orig, "__cause__", None), asyncpg.exceptions.InternalClientError):
            return True
    # The same, met on asyncpg's own pool (`persistence.read_pool`): no SQLAlchemy wrapper.
    if isinstance(exc, asyncpg.PostgresError):
        return (getattr(exc, "sqlstate", None) or "").startswith(_UNAVAILABLE_SQLSTATES)
    if isinstance(exc, _ASYNCPG_GONE):
        return True
    return isinstance(exc, _UNAVAILABLE)
