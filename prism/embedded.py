"""The embedded PostgreSQL used when `PRISM_DATABASE_URL` is unset (pgserver ships the binaries)."""

from __future__ import annotations

import warnings
from pathlib import Path

DATABASE = "prism"


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the server in `data_dir/pg` and return a URL to its `prism` database."""
    import pgserver

    pg_dir = (data_dir / "pg").resolve()
    pg_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(pg_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    return f"postgresql+asyncpg://postgres@/{DATABASE}?host={pg_dir}"


def database_url(configured: str | None, data_dir: Path) -> str:
    return configured if configured else embedded_url(data_dir)
