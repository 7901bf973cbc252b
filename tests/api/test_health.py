"""`/readyz` says whether this process can reach its database; the demo seed runs only on an
empty one. Both ask persistence (the HTTP layer writes no SQL)."""

from __future__ import annotations

import httpx

from persistence.viewers import any_user
from prism.app import create_app
from tests import factories as f
from tests.conftest import Api


async def test_readyz_is_ready_while_the_database_answers(api: Api) -> None:
    response = await api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_is_unavailable_when_the_database_is_away(api: Api) -> None:
    nowhere = "postgresql://postgres@127.0.0.1:1/prism"  # nothing listens on port 1
    app = create_app(api.settings, nowhere)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
            response = await client.get("/readyz")
    finally:
        await app.state.prism.reads.aclose()
        await app.state.prism.engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_any_user_tells_an_empty_database_from_a_used_one(api: Api) -> None:
    async with api.engine.connect() as conn:
        assert await any_user(conn) is False
    await f.user(api.engine, "ANALYST", external_id="first")
    async with api.engine.connect() as conn:
        assert await any_user(conn) is True
