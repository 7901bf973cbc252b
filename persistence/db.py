"""Engine creation. One async engine per process; every statement goes through it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def async_url(url: str) -> str:
    """Accept `postgres://`, `postgresql://` or `postgresql+asyncpg://` and use asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("PRISM_DATABASE_URL must be a postgresql:// URL")


def make_engine(url: str, *, pool_size: int = 10, statement_timeout_ms: int = 5000) -> AsyncEngine:
    """`pool_size` connections, and as many again under load. All of them stay open once opened:
    an overflow connection (SQLAlchemy's `max_overflow`) is closed when returned and opened
    again at the next burst, a new backend plus an SSL probe per request at 16 clients."""
    return create_async_engine(
        async_url(url),
        pool_size=2 * pool_size,
        max_overflow=0,
        # No ping before every checkout (a round trip per statement): a connection the server
        # dropped fails once with UNAVAILABLE, and the pool then replaces all older ones.
        pool_pre_ping=False,
        connect_args={
            "server_settings": {
                "statement_timeout": str(statement_timeout_ms),
                "application_name": "prism",
                "timezone": "UTC",
            },
        },
    )


async def ping(engine: AsyncEngine) -> None:
    """Check out a connection and run a trivial statement; raises if the database is away."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
