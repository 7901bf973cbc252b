"""Compiled reads run on their own asyncpg pool (`persistence.read_pool`): it must fail like
the engine does (an outage is UNAVAILABLE, never an internal error) and heal by itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import text

from prism.errors import is_unavailable
from schema.ids import encode_id
from tests import factories as f
from tests.api.limits_kit import admin, app_with, ask
from tests.conftest import Api

CUSTOMER = "query($id: ID!) { customer(id: $id) { name } }"


async def test_a_read_connection_the_server_dropped_is_replaced(
    api: Api, database_url: str
) -> None:
    await admin(api)
    cid = await f.customer(api.engine, name="甲方")
    variables = {"id": encode_id("Customer", cid)}
    began = datetime.now(UTC)
    async with app_with(database_url, api.settings) as client:
        first = await ask(client, api, CUSTOMER, variables=variables)
        assert first.headers["x-prism-read-path"] == "compiled"
        async with api.engine.connect() as conn:
            dropped = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND application_name = 'prism-reads'"
                    " AND backend_start >= :began"
                ),
                {"began": began},
            )
        assert dropped >= 1
        await asyncio.sleep(0.2)  # the server's goodbye reaches the idle connection
        answers = [await ask(client, api, CUSTOMER, variables=variables) for _ in range(2)]
    # At most the read that met the dead connection fails, and as an outage; then it heals.
    assert answers[0].status_code in (200, 503), answers[0].text
    if answers[0].status_code == 503:
        assert answers[0].json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert answers[1].status_code == 200, answers[1].text
    assert answers[1].headers["x-prism-read-path"] == "compiled"
    assert answers[1].json()["data"] == {"customer": {"name": "甲方"}}


def test_asyncpg_outages_are_unavailable_and_its_other_errors_are_not() -> None:
    assert is_unavailable(asyncpg.exceptions.ConnectionDoesNotExistError("gone"))
    assert is_unavailable(asyncpg.exceptions.QueryCanceledError("statement timeout"))
    assert is_unavailable(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert is_unavailable(ConnectionRefusedError("no server"))
    assert not is_unavailable(asyncpg.exceptions.UndefinedColumnError("no such column"))
    assert not is_unavailable(asyncpg.exceptions.UniqueViolationError("duplicate key"))
