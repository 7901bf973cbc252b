"""Signed-in users are kept in memory by each process, and a change reaches every process.

Two apps stand for two server processes, each with its own listener. Once a user has been
seen, a request costs no statement to load them; a role change or a deactivation, made
directly in SQL as an operator might, applies in both within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from prism.app import create_app
from prism.settings import Settings
from tests import factories as f

QUERY = {"query": "{ viewer { role } }"}


@contextlib.asynccontextmanager
async def process(settings: Settings, database_url: str) -> AsyncIterator[tuple[Any, list[str]]]:
    """A running app (its lifespan, so its listeners) and the statements it sends."""
    app = create_app(settings, database_url)
    sent: list[str] = []
    event.listen(
        app.state.prism.engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: sent.append(statement),
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client,
    ):
        yield client, sent


async def role_of(client: httpx.AsyncClient, bearer: str) -> str | None:
    response = await client.post("/graphql", json=QUERY, headers={"authorization": bearer})
    body = response.json()
    if "errors" in body:
        return str(body["errors"][0]["extensions"]["code"])
    return str(body["data"]["viewer"]["role"])


async def within_a_second(clients: list[httpx.AsyncClient], bearer: str, expected: str) -> None:
    started = time.monotonic()
    for client in clients:
        while (got := await role_of(client, bearer)) != expected:
            assert time.monotonic() - started < 1.0, f"still {got} after a second"
            await asyncio.sleep(0.02)


async def test_a_role_change_and_a_deactivation_reach_every_process(
    database_url: str, settings: Settings, db: AsyncEngine
) -> None:
    await f.user(db, "SALES_REP", external_id="li.lei")
    bearer = "Bearer " + issue_dev_token(
        load_or_create_dev_key(settings.data_dir), "li.lei", "prism"
    )
    async with (
        process(settings, database_url) as (one, sent_one),
        process(settings, database_url) as (two, _),
    ):
        assert await role_of(one, bearer) == await role_of(two, bearer) == "SALES_REP"
        sent_one.clear()
        assert await role_of(one, bearer) == "SALES_REP"
        assert not any("app_user" in s and "external_id" in s for s in sent_one), (
            "a known user was loaded again"
        )
        async with db.begin() as conn:
            await conn.execute(
                text("UPDATE app_user SET role = 'ANALYST' WHERE external_id = 'li.lei'")
            )
        await within_a_second([one, two], bearer, "ANALYST")
        async with db.begin() as conn:
            await conn.execute(
                text("UPDATE app_user SET active = false WHERE external_id = 'li.lei'")
            )
        await within_a_second([one, two], bearer, "UNAUTHENTICATED")
