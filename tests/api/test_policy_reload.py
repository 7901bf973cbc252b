"""A policy change reaches a running app within a second, with no restart."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from authz.policy import default_lines
from persistence import policy_store
from prism.app import create_app
from prism.settings import Settings
from tests import factories as f

INTROSPECT = '{ __type(name: "Customer") { fields { name } } }'


async def fields(client: httpx.AsyncClient, bearer: str) -> set[str]:
    response = await client.post(
        "/graphql", json={"query": INTROSPECT}, headers={"authorization": f"Bearer {bearer}"}
    )
    return {f["name"] for f in response.json()["data"]["__type"]["fields"]}


async def test_policy_import_takes_effect_within_a_second(
    database_url: str, settings: Settings, db: AsyncEngine
) -> None:
    from authn.devkeys import issue_dev_token, load_or_create_dev_key

    await f.user(db, "SALES_REP", external_id="rep")
    bearer = issue_dev_token(load_or_create_dev_key(settings.data_dir), "rep", "prism")
    app = create_app(settings, database_url)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client,
    ):
        assert "creditLimit" not in await fields(client, bearer)
        lines = [
            line for line in default_lines() if line[1:3] != ["SALES_REP", "Customer.creditLimit"]
        ]
        try:
            async with db.begin() as conn:
                await policy_store.replace_lines(conn, lines)
            started = time.monotonic()
            while "creditLimit" not in await fields(client, bearer):
                assert time.monotonic() - started < 1.0, "policy change not applied within 1 s"
                await asyncio.sleep(0.02)
        finally:
            async with db.begin() as conn:
                await policy_store.replace_lines(conn, default_lines())
