"""The migrations build exactly the tables the models declare, and run down and up again."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command

from persistence.migrate import alembic_config
from tests.conftest import _admin, _server_dsn, _with_database


def test_models_and_migrations_agree_and_downgrade_cleanly() -> None:
    server = _server_dsn()
    name = f"prism_migrations_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f"CREATE DATABASE {name}"))
    try:
        config = alembic_config(_with_database(server, name))
        command.upgrade(config, "head")
        command.check(config)  # raises if autogenerate would find a difference
        command.downgrade(config, "base")
        command.upgrade(config, "head")
    finally:
        asyncio.run(_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
