"""/dashboard as a manager and a technician meet it, offline: headless Chromium on `prism serve`.

Every request that is not to Prism itself is refused. For each role the page must show that
role's own figures: the KPI tiles, the by-region chart and the funnel must equal what `metrics`
and `funnel` answer to that role's token for the same filter. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from playwright.async_api import Page, Route, async_playwright

from domain.enums import Role
from tests.pages.test_graphiql import ARTIFACTS, chromium, served_on_demo_world  # noqa: F401

METRICS = """query D($kpis: [Kpi!]!, $filter: MetricsFilter) {
  metrics(kpis: $kpis, filter: $filter) { kpi value count }
  regional: metrics(kpis: $kpis, groupBy: [REGION], filter: $filter) { kpi group { key } value }
}"""
FUNNEL = "query F($filter: MetricsFilter) { funnel(filter: $filter) { stage count } }"


async def api(base: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


async def shown(page: Page) -> dict[str, Any]:
    return dict(
        await page.evaluate(
            """() => ({
              tiles: [...document.querySelectorAll('.tile')].map(t => (
                {kpi: t.dataset.kpi, value: t.dataset.value || null, count: +t.dataset.count})),
              region: echarts.getInstanceByDom(document.getElementById('by-region')).getOption(),
              funnel: echarts.getInstanceByDom(document.getElementById('funnel')).getOption(),
              from: document.getElementById('from').value,
              to: document.getElementById('to').value,
              tokens: JSON.parse(document.getElementById('prism-config').textContent).demoTokens,
            })"""
        )
    )


async def check_role(page: Page, base: str, role: Role) -> dict[str, Any]:
    await page.goto(f"{base}/dashboard?role={role.value}")
    await page.wait_for_selector(f"body[data-loaded='{role.value}']", timeout=30_000)
    await page.wait_for_timeout(300)  # let ECharts finish its entry animation for the picture
    seen = await shown(page)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"dashboard-{role.value.lower()}.png"))
    token = seen["tokens"][role.value]
    filter_ = {"from": f"{seen['from']}T00:00:00+08:00", "to": f"{seen['to']}T00:00:00+08:00"}
    kpis = [tile["kpi"] for tile in seen["tiles"]]
    answer = await api(base, token, METRICS, {"kpis": kpis, "filter": filter_})
    assert seen["tiles"] == answer["metrics"], role
    series = seen["region"]["series"][0]
    regional = [
        r for r in answer["regional"] if r["kpi"] == series["name"] and r["value"] is not None
    ]
    assert series["data"] == [float(r["value"]) for r in regional], role
    assert seen["region"]["xAxis"][0]["data"] == [r["group"][0]["key"] or "—" for r in regional]
    return {"seen": seen, "token": token, "filter": filter_}


async def test_dashboard_shows_each_roles_own_figures_offline(served_on_demo_world: str) -> None:  # noqa: F811
    base = served_on_demo_world
    refused: list[str] = []
    problems: list[str] = []

    async def only_prism(route: Route) -> None:
        if route.request.url.startswith(base + "/"):
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await page.route("**/*", only_prism)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            manager = await check_role(page, base, Role.SALES_MANAGER)
            technician = await check_role(page, base, Role.TECHNICIAN)
        finally:
            await browser.close()

    # The manager's funnel is the manager's: the chart shows what `funnel` answers them.
    funnel = await api(base, manager["token"], FUNNEL, {"filter": manager["filter"]})
    drawn = manager["seen"]["funnel"]["series"][0]["data"]
    assert [(d["name"], d["value"]) for d in drawn] == [
        (s["stage"], s["count"]) for s in funnel["funnel"]
    ]
    assert sum(s["count"] for s in funnel["funnel"]) > 0
    # Each role sees its own KPIs: a technician has no sales figures and no funnel.
    manager_kpis = {t["kpi"] for t in manager["seen"]["tiles"]}
    technician_kpis = {t["kpi"] for t in technician["seen"]["tiles"]}
    assert "WIN_RATE" in manager_kpis
    assert "WIN_RATE" not in technician_kpis
    assert technician_kpis
    assert technician_kpis < manager_kpis
    assert technician["seen"]["funnel"]["series"] == []
    assert any(t["count"] for t in manager["seen"]["tiles"])
    assert refused == []
    assert problems == []
    assert json.dumps(manager["seen"]["tiles"]) != json.dumps(technician["seen"]["tiles"])
