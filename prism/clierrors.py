"""What the command line says when the operator's setup is wrong: one line, what and what to do.

Expected failures (no server, no database, a bad URL, a missing file, an unknown role) become a
`CommandError` with a sentence; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

from domain.enums import Role

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# asyncpg and SQLAlchemy are imported where a database is involved: `prism schema` and
# argument mistakes answer without loading them.

CONNECT_TIMEOUT_S = 5.0


class CommandError(Exception):
    """A failure the operator can fix; the message is the whole story."""


def parse_role(raw: str) -> Role:
    """Roles are written any case on the command line: `partner_user` is `PARTNER_USER`."""
    try:
        return Role(raw.strip().upper())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise CommandError(f"unknown role {raw!r}; use one of {names}") from None


def database_url(raw: str) -> URL:
    """The URL as SQLAlchemy reads it, refusing anything that is not PostgreSQL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw)
    except ArgumentError:
        raise CommandError(
            "PRISM_DATABASE_URL is not a URL; expected postgresql://user@host:5432/dbname"
        ) from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise CommandError(
            f"PRISM_DATABASE_URL points at {url.get_backend_name()!r}, but Prism needs "
            "PostgreSQL: use postgresql://user@host:5432/dbname (or unset it for the embedded one)"
        )
    return url


def _where(url: URL) -> str:
    socket_dir = url.query.get("host")
    if isinstance(socket_dir, str):
        return socket_dir
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def describe_connect_failure(url: URL, exc: BaseException) -> str:
    import asyncpg

    where, name = _where(url), url.database or "postgres"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (
            f"database {name!r} does not exist on {where}: create it (createdb {name}) "
            "or fix PRISM_DATABASE_URL"
        )
    if isinstance(
        exc, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidPasswordError
    ):
        return f"PostgreSQL at {where} refused user {url.username!r}: fix PRISM_DATABASE_URL"
    if isinstance(exc, TimeoutError):
        return f"PostgreSQL at {where} did not answer in {CONNECT_TIMEOUT_S:.0f} s: is it running?"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host of PRISM_DATABASE_URL ({where}): fix the host name"
    if isinstance(exc, ConnectionRefusedError):
        reason = "connection refused"
    else:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return (
        f"cannot reach PostgreSQL at {where} ({reason.lower()}): start it, or fix "
        "PRISM_DATABASE_URL (unset it to use the embedded one)"
    )


async def _connect_once(url: URL) -> None:
    import asyncpg

    host = url.query.get("host") or url.host
    conn = await asyncpg.connect(
        host=host if isinstance(host, str) else None,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=CONNECT_TIMEOUT_S,
    )
    await conn.close()


def check_database(raw: str) -> None:
    """Fail with one line, before any migration or server start, if the database is not there."""
    import asyncpg

    url = database_url(raw)
    try:
        asyncio.run(_connect_once(url))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise CommandError(describe_connect_failure(url, exc)) from None
