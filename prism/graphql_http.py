"""GraphQL over HTTP: read the request, pick the viewer's schema, execute, shape the response."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import asyncpg
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
)
from graphql.pyutils import is_awaitable
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from authn.bearer import Unauthenticated
from authz.viewer import Viewer
from persistence import idempotency
from persistence.access import Access
from persistence.errors import BadInput
from persistence.loaders import Loaders
from persistence.read_pool import ReadPool
from persistence.read_sql import ReadCompiler, TooWide
from persistence.scope_sql import bind_viewer
from persistence.session import Database
from prism import plans, public, telemetry
from prism.auth import authenticate
from prism.errors import error, field_error, is_unavailable, request_error
from prism.graphql_request import GraphQLParams, RequestProblem, read_params
from prism.limits import Measure, QueryTooComplex, check, measure_operations
from prism.payload_reads import PayloadReads
from prism.ratelimit import Spend, rate_limiter
from prism.schemas import RoleSlice
from prism.settings import Settings
from resolvers.context import RequestContext
from schema.read_planner import ReadPlanner, Unsupported

log = logging.getLogger("prism.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"


@lru_cache(maxsize=512)
def parse_document(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def _parse(query: str, max_tokens: int) -> DocumentNode:
    """The parser's own guards (token count, nesting) are limits too: QUERY_TOO_COMPLEX."""
    try:
        return parse_document(query, max_tokens)
    except GraphQLError as exc:
        if exc.message.endswith("tokens. Parsing aborted."):
            message = f"The query is over the tokens limit: more than {max_tokens}"
            raise QueryTooComplex(message) from None
        if exc.message.endswith("nested too deeply. Parsing aborted."):
            raise QueryTooComplex("The document nests selections too deeply to parse") from None
        raise _InvalidDocument([request_error(exc)]) from None


def prepare(
    params: GraphQLParams, slice_: RoleSlice, settings: Settings
) -> tuple[DocumentNode, OperationDefinitionNode, Measure]:
    """Parse, hold every operation to the limits, then validate: in that order, because
    validation's work grows with the square of the document's size."""
    document = _parse(params.query, settings.max_tokens)
    measures = slice_.measures(
        document,
        params.variables,
        lambda: measure_operations(slice_.schema, document, params.variables),
    )
    for measure in measures.values():
        check(measure, settings)
    errors = slice_.validation_errors(params.query, document)
    if errors:
        raise _InvalidDocument([request_error(e) for e in errors])
    operation = _operation(document, params.operation_name)
    return document, operation, measures[operation]


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        found = [o for o in operations if o.name and o.name.value == name]
        if not found:
            raise RequestProblem(f"Unknown operation named '{name}'")
        return found[0]
    if len(operations) != 1:
        raise RequestProblem("Pass `operationName` when the document holds several operations")
    return operations[0]


@dataclass(frozen=True)
class _Call:
    """One admitted operation: what to run, for whom, and what it was charged."""

    params: GraphQLParams
    document: DocumentNode
    operation: OperationDefinitionNode
    viewer: Viewer
    slice_: RoleSlice
    request_id: str
    cost: dict[str, int | None]
    prepared: plans.Prepared


class GraphQLEndpoint:
    def __init__(self, app_state: Any) -> None:
        self.state = app_state
        self.settings: Settings = app_state.settings
        self.limiter = rate_limiter(self.settings, app_state.engine)

    async def aclose(self) -> None:
        await self.limiter.aclose()

    async def __call__(self, request: Request) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        wants_gql = GRAPHQL_RESPONSE in request.headers.get("accept", "")
        media = GRAPHQL_RESPONSE if wants_gql else "application/json"
        headers = {"x-request-id": request_id}
        record = telemetry.begin(request_id)
        try:
            params = await read_params(request, self.settings.max_body_bytes)
            async with asyncio.timeout(self.settings.request_timeout_ms / 1000):
                payload = await self._respond(request, params, record)
            status = 200
        except Unauthenticated as exc:
            payload, status = {"errors": [error(str(exc), "UNAUTHENTICATED")]}, 401
        except RequestProblem as exc:
            payload, status = {"errors": [error(exc.message, exc.code)]}, exc.status
            headers.update(exc.headers)
        except QueryTooComplex as exc:
            payload, status = {"errors": [error(exc.message, "QUERY_TOO_COMPLEX")]}, 400
        except _InvalidDocument as exc:
            payload, status = {"errors": exc.errors}, 400 if wants_gql else 200
        except TimeoutError:
            # Past the deadline the server, not the client, is at fault (load, a slow database:
            # the cost limits already admitted the query), so it is an outage one may retry.
            log.warning("request deadline exceeded [%s]", request_id)
            message = f"The request ran past its {self.settings.request_timeout_ms} ms deadline"
            payload, status = {"errors": [error(message, "UNAVAILABLE")]}, 503
            headers["retry-after"] = "1"
        except Exception as exc:  # noqa: BLE001 - outside resolvers: the viewer lookup, the
            # rate limiter, the idempotency claim, the commit. A database outage there is the
            # same outage a resolver would report; anything else is masked, never a trace.
            payload, status = _unexpected(exc, request_id)
            if status == 503:
                headers["retry-after"] = "1"
        telemetry.observe_pool(self.state.engine, self.state.reads)
        telemetry.finish(record, payload if isinstance(payload, dict) else {}, status)
        if isinstance(payload, CompiledResponse):
            headers["x-prism-read-path"] = "compiled"
            return Response(payload.body, status_code=status, media_type=media, headers=headers)
        return JSONResponse(payload, status_code=status, media_type=media, headers=headers)

    async def _respond(
        self, request: Request, params: GraphQLParams, record: telemetry.RequestRecord
    ) -> dict[str, Any] | CompiledResponse:
        request_id = record.request_id
        if public.is_public(params, self.settings.max_tokens):
            return await self._public(request, params, record)
        viewer = await authenticate(
            request.headers.get("authorization"),
            self.state.verifier,
            self.state.engine,
            self.state.users,
        )
        record.viewer, record.role = str(viewer.user_id), viewer.role.value
        slice_ = self.state.schemas.slice(viewer.role)
        key = plans.key_of(viewer, params)
        prepared = slice_.plans.get(key)
        if prepared is None:
            prepared = plans.Prepared(*prepare(params, slice_, self.settings))
            slice_.plans.put(key, prepared)
        else:
            check(prepared.measure, self.settings)
        document, operation, measure = prepared.document, prepared.operation, prepared.measure
        record.operation = operation.name.value if operation.name else None
        record.type, record.cost = operation.operation.value, measure.cost
        if request.method == "GET" and operation.operation != OperationType.QUERY:
            raise RequestProblem(
                "GET runs queries only; send mutations with POST", 405, headers={"allow": "POST"}
            )
        spend = await self.limiter.spend(viewer.user_id, measure.cost)
        if not spend.allowed:
            raise _rate_limited(spend)
        cost = {"requested": measure.cost, "limit": spend.limit, "remaining": spend.remaining}
        call = _Call(params, document, operation, viewer, slice_, request_id, cost, prepared)
        if operation.operation == OperationType.MUTATION:
            record.path = "resolvers"
            return await self._mutate(request, call)
        if self.settings.compiled_reads != "off":
            strict = self.settings.compiled_reads == "strict"
            compiled = await compiled_read(call, self.state.reads, strict=strict)
            if compiled is not None:
                record.path = "compiled"
                return compiled
        record.path = "resolvers"
        return await self._run(call, None)

    async def _public(
        self, request: Request, params: GraphQLParams, record: telemetry.RequestRecord
    ) -> dict[str, Any]:
        """`submitSurvey` needs no sign-in (`prism.public`); a token sent along must still be
        valid, so a bad one is UNAUTHENTICATED here as everywhere."""
        authorization = request.headers.get("authorization")
        if authorization:
            viewer = await authenticate(
                authorization, self.state.verifier, self.state.engine, self.state.users
            )
            record.viewer, record.role = str(viewer.user_id), viewer.role.value
        if request.method == "GET":
            raise RequestProblem("Send mutations with POST", 405, headers={"allow": "POST"})
        record.path, record.type = "public", OperationType.MUTATION.value
        return await public.respond(self.state, params, record.request_id)

    async def _run(self, call: _Call, shared: Any) -> dict[str, Any]:
        db = Database(self.state.engine, shared=shared)
        access = Access(call.viewer, call.slice_.policy)
        context = RequestContext(
            viewer=call.viewer,
            access=access,
            db=db,
            loaders=Loaders(db, access),
            request_id=call.request_id,
            registry=self.state.schemas,
            clock=self.state.clock,
        )
        # A mutation's payload objects are read by the read compiler (`prism.payload_reads`).
        compiled = shared is not None and self.settings.compiled_reads != "off"
        executor = PayloadReads if compiled else StrawberryGraphQLCoreExecutionContext
        try:
            outcome = execute(
                call.slice_.schema,
                call.document,
                context_value=context,
                variable_values=call.params.variables,
                operation_name=call.params.operation_name,
                executor_class=executor,
                hide_suggestions=True,
            )
            # `is_awaitable` narrows only its true branch; either way what remains is the result.
            result = cast(ExecutionResult, await outcome if is_awaitable(outcome) else outcome)
        finally:
            await db.close()
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [field_error(e, call.request_id) for e in result.errors]
        payload["data"] = result.data
        payload["extensions"] = {"cost": call.cost}
        return payload

    async def _mutate(self, request: Request, call: _Call) -> dict[str, Any]:
        """One transaction per mutation request: its writes, and its idempotency record.

        A replay returns the first response as it was, `extensions.cost` included."""
        key = request.headers.get("idempotency-key")
        if key is not None and not 0 < len(key) <= 255:
            raise RequestProblem("Idempotency-Key must be 1 to 255 characters")
        user_id, fingerprint = call.viewer.user_id, call.params.fingerprint()
        async with self.state.engine.connect() as conn:
            async with conn.begin() as tx:
                if key is not None:
                    prior = await idempotency.claim(conn, user_id, key, fingerprint)
                    if prior is not None:
                        if prior.request_hash != fingerprint:
                            raise RequestProblem(
                                "This Idempotency-Key was already used with a different request",
                                status=422,
                            )
                        return dict(prior.response)
                payload = await self._run(call, conn)
                if _failed_unexpectedly(payload):
                    await tx.rollback()
                    return payload
                if key is not None:
                    await idempotency.store(conn, user_id, key, payload)
        return payload


def _unexpected(exc: Exception, request_id: str) -> tuple[dict[str, Any], int]:
    if is_unavailable(exc):
        log.warning("database unavailable [%s]: %r", request_id, exc)
        message = "The service is temporarily unavailable; retry shortly"
        return {"errors": [error(message, "UNAVAILABLE")]}, 503
    log.error("unexpected error [%s]", request_id, exc_info=exc)
    body = error("Internal server error", "INTERNAL_SERVER_ERROR", requestId=request_id)
    return {"errors": [body]}, 500


def _failed_unexpectedly(payload: dict[str, Any]) -> bool:
    return any(
        e["extensions"]["code"] in ("INTERNAL_SERVER_ERROR", "UNAVAILABLE")
        for e in payload.get("errors", [])
    )


def _rate_limited(spend: Spend) -> RequestProblem:
    message = (
        f"Rate limit of {spend.limit} cost points per minute reached; "
        f"retry in {spend.retry_after} s"
    )
    return RequestProblem(
        message, 429, "RATE_LIMITED", headers={"retry-after": str(spend.retry_after)}
    )


class CompiledResponse:
    """A response whose `data` PostgreSQL already wrote as JSON text: sent as it is."""

    def __init__(self, data: str, extensions: dict[str, Any]) -> None:
        tail = json.dumps(extensions, ensure_ascii=False, separators=(",", ":"))
        self.body = f'{{"data":{data},"extensions":{tail}}}'.encode()


async def compiled_read(call: _Call, reads: ReadPool, *, strict: bool) -> CompiledResponse | None:
    """Serve a query with one SQL statement, or None when the compiler does not cover it
    (or a client error in it needs the executor's precise answer): the resolvers serve it.

    The statement is compiled once per prepared operation of the role (`prism.plans`) and
    kept; each request writes its viewer's own values in (`bind_viewer`)."""
    statement = call.prepared.statement
    if statement is None:
        statement = call.prepared.statement = _compile(call)
    if statement is plans.NOT_COMPILED:
        return None
    sql, args = bind_viewer(statement[0], call.viewer), statement[1]
    try:
        data = await reads.fetch_text(sql, args)
    except asyncpg.exceptions.SyntaxOrAccessError:
        # A statement PostgreSQL refuses is the compiler's bug, never the client's: log it
        # for us and let the resolvers answer the client.
        log.error("compiled read refused [%s]: %s", call.request_id, sql, exc_info=True)
        if strict:
            raise
        return None
    return CompiledResponse(data, {"cost": call.cost})


def _compile(call: _Call) -> tuple[str, tuple[Any, ...]]:
    access = Access(call.viewer, call.slice_.policy)
    try:
        roots = ReadPlanner(call.slice_.schema, call.document, call.params.variables, access).plan(
            call.operation
        )
        compiler = ReadCompiler(call.slice_.policy, call.viewer, access.can_read)
        return compiler.statement(roots), tuple(compiler.params.values)
    except (Unsupported, TooWide, BadInput, GraphQLError):
        return plans.NOT_COMPILED


class _InvalidDocument(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid document")
        self.errors = errors
