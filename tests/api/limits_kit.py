"""What the limit and rate-limit tests share: an admin to ask as, the app under other settings,
and the check that a query was refused as too complex.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx

from prism.app import create_app
from prism.settings import Settings
from tests import factories as f
from tests.conftest import Api


def too_complex(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert fragment in error["message"], error
    assert "data" not in response.json()


async def admin(api: Api) -> str:
    await f.user(api.engine, "ADMIN", external_id="admin")
    return "admin"


@contextlib.asynccontextmanager
async def app_with(database_url: str, settings: Settings, **limits: Any) -> AsyncIterator[Any]:
    """The app with other settings; same data directory, so `Api.token` tokens still verify."""
    app = create_app(replace(settings, **limits), database_url)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client,
    ):
        yield client


async def ask(client: httpx.AsyncClient, api: Api, query: str, **kw: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {api.token('admin')}", **kw.pop("headers", {})}
    return await client.post("/graphql", json={"query": query, **kw}, headers=headers)
