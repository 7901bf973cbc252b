"""The Starlette application: composition of settings, database, tokens, policy and schemas."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from authz import policy_store
from authz.devkeys import verifier_from_settings
from authz.tokens import TokenVerifier
from persistence.db import make_engine
from prism.graphiql import GRAPHIQL_HTML
from prism.graphql_http import GraphQLEndpoint
from prism.schemas import SchemaRegistry
from prism.settings import Settings
from prism.viewer_cache import USER_CHANNEL, ViewerCache

log = logging.getLogger("prism")


@dataclass
class AppState:
    settings: Settings
    database_url: str
    engine: AsyncEngine
    verifier: TokenVerifier
    schemas: SchemaRegistry
    users: ViewerCache
    started_at: float = field(default_factory=time.time)
    requests: int = 0


async def load_policy(state: AppState) -> None:
    async with state.engine.begin() as conn:
        await policy_store.ensure_default(conn)
        lines = await policy_store.load_lines(conn)
    state.schemas.load(lines)
    log.info("policy loaded: %d lines", len(lines))


def create_app(settings: Settings, database_url: str) -> Starlette:
    engine = make_engine(
        database_url,
        pool_size=settings.db_pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
    )
    user_watcher: list[policy_store.PolicyWatcher] = []
    state = AppState(
        settings=settings,
        database_url=database_url,
        engine=engine,
        verifier=verifier_from_settings(settings),
        schemas=SchemaRegistry(),
        users=ViewerCache(lambda: bool(user_watcher) and user_watcher[0].listening),
    )
    endpoint = GraphQLEndpoint(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await load_policy(state)

        async def reload() -> None:
            await load_policy(state)

        async def forget_users() -> None:
            state.users.forget_all()

        watcher = policy_store.PolicyWatcher(database_url, reload)
        await watcher.start()
        users = policy_store.PolicyWatcher(database_url, forget_users, channel=USER_CHANNEL)
        await users.start()
        user_watcher.append(users)
        try:
            yield
        finally:
            user_watcher.clear()
            await users.stop()
            await watcher.stop()
            await endpoint.aclose()
            await engine.dispose()

    async def graphql(request: Request) -> Response:
        state.requests += 1
        if (
            request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        ):
            if not settings.is_dev:
                return PlainTextResponse("GraphiQL is disabled", status_code=404)
            return HTMLResponse(GRAPHIQL_HTML)
        return await endpoint(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics(request: Request) -> Response:
        pool = engine.pool
        lines = [
            "# HELP prism_graphql_requests_total GraphQL requests received.",
            "# TYPE prism_graphql_requests_total counter",
            f"prism_graphql_requests_total {state.requests}",
            "# HELP prism_uptime_seconds Seconds since the process started.",
            "# TYPE prism_uptime_seconds gauge",
            f"prism_uptime_seconds {time.time() - state.started_at:.0f}",
            "# HELP prism_db_pool_checked_out Connections in use.",
            "# TYPE prism_db_pool_checked_out gauge",
            f"prism_db_pool_checked_out {getattr(pool, 'checkedout', lambda: 0)()}",
        ]
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
    app.state.prism = state
    app.state.graphql_endpoint = endpoint
    return app
