"""The Starlette application: composition of settings, database, tokens, policy and schemas."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from authn.devkeys import verifier_from_settings
from authn.tokens import TokenVerifier
from domain.clock import Clock, SystemClock
from persistence import policy_store
from persistence.db import make_engine, ping
from persistence.jobs import Worker
from persistence.read_pool import ReadPool
from prism import dashboard, graphiql, telemetry
from prism.channels import Channels
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
    #: Where compiled reads run (`persistence.read_pool`); everything else uses `engine`.
    reads: ReadPool
    verifier: TokenVerifier
    schemas: SchemaRegistry
    users: ViewerCache
    clock: Clock


def make_worker(engine: AsyncEngine, clock: Clock) -> Worker:
    """The job worker with every process's handlers (`workflows`)."""
    import workflows

    return Worker(
        engine,
        workflows.handlers(),
        clock,
        workflows.sweeps(),
        observe=telemetry.observe_job,
        slow=workflows.slow_kinds(),
    )


def configure_webhooks(settings: Settings) -> None:
    """Where this process may deliver webhooks (the SSRF guard of CONTRACT §8)."""
    from workflows import destinations

    destinations.configure(
        destinations.Destinations.of(settings.env, settings.webhook_allowed_hosts)
    )


async def load_policy(state: AppState) -> None:
    async with state.engine.begin() as conn:
        await policy_store.ensure_default(conn)
        lines = await policy_store.load_lines(conn)
    state.schemas.load(lines)
    log.info("policy loaded: %d lines", len(lines))


def create_app(settings: Settings, database_url: str, clock: Clock | None = None) -> Starlette:
    engine = make_engine(
        database_url,
        pool_size=settings.db_pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
    )
    configure_webhooks(settings)
    user_watcher: list[policy_store.PolicyWatcher] = []
    state = AppState(
        settings=settings,
        database_url=database_url,
        engine=engine,
        reads=ReadPool(
            database_url,
            size=settings.db_pool_size,
            statement_timeout_ms=settings.statement_timeout_ms,
        ),
        verifier=verifier_from_settings(settings),
        schemas=SchemaRegistry(),
        users=ViewerCache(lambda: bool(user_watcher) and user_watcher[0].listening),
        clock=clock or SystemClock(),
    )
    endpoint = GraphQLEndpoint(state)
    telemetry.count_statements(engine, state.reads)

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
        worker: asyncio.Task[None] | None = None
        if settings.worker == "on":
            jobs = make_worker(engine, state.clock)
            worker = asyncio.create_task(jobs.run_forever(database_url), name="prism-worker")
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            user_watcher.clear()
            await users.stop()
            await watcher.stop()
            await endpoint.aclose()
            await state.reads.aclose()
            await engine.dispose()

    async def graphql(request: Request) -> Response:
        if (
            request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        ):
            return await graphiql_page(request)
        return await endpoint(request)

    async def graphiql_page(request: Request) -> Response:
        if not settings.is_dev:
            return PlainTextResponse("GraphiQL is disabled", status_code=404)
        missing = graphiql.assets_missing()
        if missing:
            message = "GraphiQL's assets are not built: run `bash scripts/build-assets.sh`"
            return PlainTextResponse(message, status_code=503)
        tokens = await graphiql.demo_tokens(settings, engine)
        return HTMLResponse(graphiql.render(request.url.path, tokens))

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await ping(engine)
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics(request: Request) -> Response:
        body, media_type = telemetry.exposition(engine)
        return Response(body, media_type=media_type)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *Channels(settings, engine, state.clock).routes(),
            Route("/dashboard", dashboard.page(settings, engine)),
            Mount("/static", StaticFiles(directory=graphiql.STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.prism = state
    app.state.graphql_endpoint = endpoint
    return app
