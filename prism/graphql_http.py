"""GraphQL over HTTP: read the request, pick the viewer's schema, execute, shape the response."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    validate,
)
from graphql.pyutils import is_awaitable
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from authz.access import Access
from authz.viewer import Viewer
from persistence import idempotency
from persistence.loaders import Loaders
from persistence.session import Database
from prism.auth import Unauthenticated, authenticate
from prism.errors import error, field_error, request_error
from prism.schemas import RoleSlice
from resolvers.context import RequestContext

log = logging.getLogger("prism.http")

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TOKENS = 5000
GRAPHQL_RESPONSE = "application/graphql-response+json"


class RequestProblem(Exception):
    def __init__(self, message: str, status: int = 400, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None

    def fingerprint(self) -> str:
        body = json.dumps(
            [self.query, self.variables, self.operation_name], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(body.encode()).hexdigest()


def _params(data: Any) -> GraphQLParams:
    if not isinstance(data, dict):
        raise RequestProblem("The request body must be a JSON object")
    query, variables, operation = (
        data.get("query"),
        data.get("variables"),
        data.get("operationName"),
    )
    if not isinstance(query, str) or not query.strip():
        raise RequestProblem("`query` must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise RequestProblem("`variables` must be an object")
    if operation is not None and not isinstance(operation, str):
        raise RequestProblem("`operationName` must be a string")
    return GraphQLParams(query, variables, operation)


async def read_params(request: Request) -> GraphQLParams:
    if request.method == "GET":
        q = request.query_params
        try:
            variables = json.loads(q["variables"]) if q.get("variables") else None
        except ValueError:
            raise RequestProblem("`variables` must be JSON") from None
        return _params(
            {
                "query": q.get("query"),
                "variables": variables,
                "operationName": q.get("operationName"),
            }
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RequestProblem("POST requires Content-Type: application/json", status=415)
    body = await _body(request)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RequestProblem("The request body is not valid JSON") from None
    return _params(data)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise RequestProblem("Request body too large (limit 2 MB)", status=413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise RequestProblem("Request body too large (limit 2 MB)", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


@lru_cache(maxsize=512)
def parse_document(query: str) -> DocumentNode:
    return parse(query, max_tokens=MAX_TOKENS)


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


class GraphQLEndpoint:
    def __init__(self, app_state: Any) -> None:
        self.state = app_state

    async def __call__(self, request: Request) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        wants_gql = GRAPHQL_RESPONSE in request.headers.get("accept", "")
        media = GRAPHQL_RESPONSE if wants_gql else "application/json"
        try:
            params = await read_params(request)
            viewer = await authenticate(
                request.headers.get("authorization"), self.state.verifier, self.state.engine
            )
            slice_ = self.state.schemas.slice(viewer.role)
            document, operation = self._prepare(params, slice_)
            if request.method == "GET" and operation.operation != OperationType.QUERY:
                raise RequestProblem("GET runs queries only; send mutations with POST", status=405)
            if operation.operation == OperationType.MUTATION:
                payload = await self._mutate(request, params, document, viewer, slice_, request_id)
            else:
                payload = await self._run(params, document, viewer, slice_, request_id, None)
            status = 200
        except Unauthenticated as exc:
            payload, status = {"errors": [error(str(exc), "UNAUTHENTICATED")]}, 401
        except RequestProblem as exc:
            payload, status = {"errors": [error(exc.message, exc.code)]}, exc.status
        except _InvalidDocument as exc:
            payload, status = {"errors": exc.errors}, 400 if wants_gql else 200
        headers = {"x-request-id": request_id}
        if status == 405:
            headers["allow"] = "POST"
        return JSONResponse(payload, status_code=status, media_type=media, headers=headers)

    def _prepare(
        self, params: GraphQLParams, slice_: RoleSlice
    ) -> tuple[DocumentNode, OperationDefinitionNode]:
        try:
            document = parse_document(params.query)
        except GraphQLError as exc:
            raise _InvalidDocument([request_error(exc)]) from None
        errors = validate(slice_.schema, document, hide_suggestions=True)
        if errors:
            raise _InvalidDocument([request_error(e) for e in errors])
        return document, _operation(document, params.operation_name)

    async def _run(
        self,
        params: GraphQLParams,
        document: DocumentNode,
        viewer: Viewer,
        slice_: RoleSlice,
        request_id: str,
        shared: Any,
    ) -> dict[str, Any]:
        db = Database(self.state.engine, shared=shared)
        access = Access(viewer, slice_.policy)
        context = RequestContext(
            viewer=viewer,
            access=access,
            db=db,
            loaders=Loaders(db, access),
            request_id=request_id,
            registry=self.state.schemas,
        )
        outcome = execute(
            slice_.schema,
            document,
            context_value=context,
            variable_values=params.variables,
            operation_name=params.operation_name,
            executor_class=StrawberryGraphQLCoreExecutionContext,
            hide_suggestions=True,
        )
        # `is_awaitable` narrows only its true branch; either way what remains is the result.
        result = cast(ExecutionResult, await outcome if is_awaitable(outcome) else outcome)
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [field_error(e, request_id) for e in result.errors]
        payload["data"] = result.data
        return payload

    async def _mutate(
        self,
        request: Request,
        params: GraphQLParams,
        document: DocumentNode,
        viewer: Viewer,
        slice_: RoleSlice,
        request_id: str,
    ) -> dict[str, Any]:
        """One transaction per mutation request: its writes, and its idempotency record."""
        key = request.headers.get("idempotency-key")
        if key is not None and not 0 < len(key) <= 255:
            raise RequestProblem("Idempotency-Key must be 1 to 255 characters")
        async with self.state.engine.connect() as conn:
            async with conn.begin() as tx:
                if key is not None:
                    prior = await idempotency.claim(conn, viewer.user_id, key, params.fingerprint())
                    if prior is not None:
                        if prior.request_hash != params.fingerprint():
                            raise RequestProblem(
                                "This Idempotency-Key was already used with a different request",
                                status=422,
                            )
                        return dict(prior.response)
                payload = await self._run(params, document, viewer, slice_, request_id, conn)
                if _failed_unexpectedly(payload):
                    await tx.rollback()
                    return payload
                if key is not None:
                    await idempotency.store(conn, viewer.user_id, key, payload)
        return payload


def _failed_unexpectedly(payload: dict[str, Any]) -> bool:
    return any(
        e["extensions"]["code"] in ("INTERNAL_SERVER_ERROR", "UNAVAILABLE")
        for e in payload.get("errors", [])
    )


class _InvalidDocument(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid document")
        self.errors = errors
