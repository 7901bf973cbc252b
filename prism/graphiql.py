"""The GraphiQL page (dev only): every script and style is served by Prism from /static.

In dev with Prism's own signing key the page carries a token for each demo persona that exists
and is active, so a new user picks a role instead of pasting a token.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from persistence.seed.personas import DEMO_PERSONAS
from persistence.viewers import active_subjects
from prism.settings import Settings

log = logging.getLogger("prism.graphiql")

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_FILES = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
)
DEFAULT_QUERY = """# Pick a role above: each role has its own schema (see Docs).
{
  viewer { role user { displayName } }
  customers(first: 5) { totalCount nodes { id name region } }
}
"""

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Prism GraphiQL</title>
  <link rel="stylesheet" href="/static/vendor/graphiql.min.css" />
  <link rel="stylesheet" href="/static/graphiql-page.css" />
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script id="prism-config" type="application/json">{config}</script>
  <script src="/static/vendor/react.production.min.js"></script>
  <script src="/static/vendor/react-dom.production.min.js"></script>
  <script src="/static/vendor/graphiql.min.js"></script>
  <script src="/static/graphiql-page.js"></script>
</body>
</html>
"""


def assets_missing() -> list[str]:
    return [name for name in VENDOR_FILES if not (STATIC_DIR / "vendor" / name).is_file()]


async def demo_tokens(settings: Settings, engine: AsyncEngine) -> dict[str, str]:
    """A fresh token for each active demo persona, in role order; none without dev signing."""
    if not settings.uses_dev_signing:
        return {}
    subs = list(DEMO_PERSONAS.values())
    try:
        async with engine.connect() as conn:
            present = await active_subjects(conn, subs)
    except (OSError, SQLAlchemyError) as exc:
        # The page still loads; its queries will report the outage themselves.
        log.warning("no demo roles for GraphiQL, the database did not answer: %r", exc)
        return {}
    key = load_or_create_dev_key(settings.data_dir)
    return {
        role.value: issue_dev_token(key, sub, settings.oidc_audience)
        for role, sub in DEMO_PERSONAS.items()
        if sub in present
    }


def render(endpoint: str, tokens: dict[str, str]) -> str:
    hint = (
        "demo tokens are signed for 12 h by this server's dev key"
        if tokens
        else 'put {"Authorization": "Bearer <token>"} in the headers tab'
    )
    config = {
        "endpoint": endpoint,
        "demoTokens": tokens,
        "defaultQuery": DEFAULT_QUERY,
        "hint": hint,
    }
    # `<` escaped so no value can close the script element.
    return PAGE.replace("{config}", json.dumps(config).replace("<", "\\u003c"))
