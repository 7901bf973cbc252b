"""The GraphiQL page names only assets Prism serves itself, and each of them is there."""

from __future__ import annotations

import re

import httpx

from prism.app import create_app
from prism.settings import Settings
from tests import factories as f
from tests.conftest import Api


async def test_graphiql_page_loads_nothing_from_elsewhere(api: Api) -> None:
    await f.user(api.engine, "SALES_REP", external_id="demo-rep")
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 6
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = await api.client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 100, asset
    # Only the demo personas that exist are offered, each with a token.
    offered = re.search(r'"demoTokens": \{([^}]*)\}', page.text)
    assert offered is not None
    assert re.findall(r'"([A-Z_]+)": "ey', offered.group(1)) == ["SALES_REP"]


async def test_graphiql_page_loads_while_the_database_is_down(settings: Settings) -> None:
    app = create_app(settings, "postgresql://postgres@127.0.0.1:1/prism")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
            page = await client.get("/graphql", headers={"accept": "text/html"})
    finally:
        await app.state.prism.reads.aclose()
        await app.state.prism.engine.dispose()
    assert page.status_code == 200
    assert '"demoTokens": {}' in page.text
