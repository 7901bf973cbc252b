"""GraphiQL as a new user meets it, offline: headless Chromium on a real `prism serve`.

Every request the page makes that is not to Prism itself is refused, as a machine without
internet would; the page must still load, offer the demo roles, and run a query as the one
picked. The screenshot is kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import base64
import json
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.enums import Role
from persistence.seed import DEMO_PERSONAS, seed
from tests.conftest import ROOT
from tests.processes import Served, free_port

ARTIFACTS = ROOT / "test-artifacts"
QUERY = "{ viewer { role } tickets(first: 3) { totalCount nodes { number status } } }"


def token_sub(authorization: str) -> str:
    payload = authorization.removeprefix("Bearer ").split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sub"])


def chromium() -> str:
    found = shutil.which("chromium")
    assert found, (
        "Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)"
    )
    return found


@pytest.fixture
async def served_on_demo_world(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> AsyncIterator[str]:
    await seed(database_url, "demo", 1, progress=False)
    port = free_port()
    server = Served(tmp_path, port, env={"PRISM_DATABASE_URL": database_url})
    try:
        server.until("Prism is up")
        yield f"http://127.0.0.1:{port}"
    finally:
        if server.proc.poll() is None:
            server.stop(signal.SIGTERM)


async def set_query(page: Page, query: str) -> None:
    editor = ".graphiql-query-editor .CodeMirror"
    await page.wait_for_selector(editor)
    await page.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [editor, query],
    )


async def test_graphiql_runs_a_query_offline_as_the_picked_role(served_on_demo_world: str) -> None:
    base = served_on_demo_world
    refused: list[str] = []
    problems: list[str] = []

    introspected_as: list[str] = []

    async def only_prism(route: Route) -> None:
        if route.request.url.startswith(base + "/"):
            if "__schema" in (route.request.post_data or ""):
                introspected_as.append(token_sub(route.request.headers.get("authorization", "")))
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 800})
            await page.route("**/*", only_prism)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            await page.goto(base + "/graphql")
            await page.wait_for_selector(".graphiql-container")
            offered = await page.eval_on_selector_all(
                "#prism-role option", "options => options.map(o => o.value)"
            )
            assert {role.value for role in Role} <= set(offered)
            await page.select_option("#prism-role", Role.TECHNICIAN.value)
            await set_query(page, QUERY)
            await page.click(".graphiql-execute-button")
            result = page.locator(".result-window")
            await result.get_by_text('"TECHNICIAN"').wait_for()
            text = await result.inner_text()
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "graphiql-technician.png"))
        finally:
            await browser.close()
    assert '"totalCount"' in text
    assert '"errors"' not in text
    assert refused == []
    assert problems == []
    # Each role has its own schema: picking one introspects again with its token.
    assert introspected_as[-1] == DEMO_PERSONAS[Role.TECHNICIAN]
