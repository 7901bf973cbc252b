"""`GET /dashboard`, the managers' KPI page (CONTRACT §4, §10): an example client of the API.

The page itself needs no token: it asks for one (in dev it offers the demo roles, as GraphiQL
does), sends it as a Bearer header to `/graphql` and uses only the public GraphQL (`metrics`,
`funnel`, introspection of the role's own `Kpi` enum). ECharts and the page's own script are
served by Prism from /static, never from a CDN.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from prism import graphiql
from prism.settings import Settings

ASSET = "echarts.min.js"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>Prism · 经营指标 Dashboard</title>
  <link rel="stylesheet" href="/static/dashboard.css" />
</head>
<body>
  <header class="bar">
    <strong>Prism · 经营指标</strong>
    <label>Sign in as <select id="role"></select></label>
    <label class="token">Token <input id="token" type="password" autocomplete="off"
      placeholder="paste an access token" /></label>
    <label>From <input id="from" type="date" /></label>
    <label>To <input id="to" type="date" /></label>
    <label>Region <select id="region"></select></label>
    <button id="refresh" type="button">Show</button>
    <span id="status" role="status"></span>
  </header>
  <main>
    <section id="tiles" aria-label="KPIs"></section>
    <section class="charts">
      <div id="by-region" class="chart" aria-label="KPIs by region"></div>
      <div id="funnel" class="chart" aria-label="Sales funnel"></div>
    </section>
  </main>
  <script id="prism-config" type="application/json">{config}</script>
  <script src="/static/vendor/echarts.min.js"></script>
  <script src="/static/dashboard.js"></script>
</body>
</html>
"""


def render(tokens: dict[str, str]) -> str:
    config = {"endpoint": "/graphql", "demoTokens": tokens}
    # `<` escaped so no value can close the script element.
    return PAGE.replace("{config}", json.dumps(config).replace("<", "\\u003c"))


def page(settings: Settings, engine: AsyncEngine) -> Callable[[Request], Awaitable[Response]]:
    async def dashboard(request: Request) -> Response:
        if not (graphiql.STATIC_DIR / "vendor" / ASSET).is_file():
            message = "The dashboard's assets are not built: run `bash scripts/build-assets.sh`"
            return PlainTextResponse(message, status_code=503)
        return HTMLResponse(render(await graphiql.demo_tokens(settings, engine)))

    return dashboard
