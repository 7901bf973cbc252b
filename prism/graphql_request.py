"""Reading a GraphQL-over-HTTP request: the body, its JSON, and the three parameters."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

#: Far deeper than any input type of the schema; keeps hostile JSON away from recursive code.
MAX_VARIABLE_NESTING = 32


class RequestProblem(Exception):
    def __init__(
        self,
        message: str,
        status: int = 400,
        code: str = "BAD_USER_INPUT",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code
        self.headers = dict(headers or {})


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
    if isinstance(data, list):
        raise RequestProblem(
            "Batched requests (a JSON array of operations) are not supported: "
            "send one operation per request"
        )
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
    _check_json(data)
    return GraphQLParams(query, variables, operation)


def _loads(raw: str | bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except RecursionError:
        raise RequestProblem(f"{what} nests JSON too deeply") from None
    except ValueError:  # UnicodeDecodeError included: the body is not UTF-8
        raise RequestProblem(f"{what} is not valid JSON") from None


def _check_json(data: Any) -> None:
    """Refuse nesting no input type needs, and text PostgreSQL cannot store (lone surrogates)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_VARIABLE_NESTING:
            raise RequestProblem(f"`variables` nest deeper than {MAX_VARIABLE_NESTING} levels")
        if isinstance(value, str):
            try:
                value.encode()
            except UnicodeEncodeError:
                raise RequestProblem("The request holds a string that is not UTF-8") from None
        elif isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in (*value.keys(), *value.values()))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


async def read_params(request: Request, max_bytes: int) -> GraphQLParams:
    if request.method == "GET":
        q = request.query_params
        variables = _loads(q["variables"], "`variables`") if q.get("variables") else None
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
    return _params(_loads(await _body(request, max_bytes), "The request body"))


async def _body(request: Request, max_bytes: int) -> bytes:
    too_large = RequestProblem(f"Request body too large (limit {max_bytes:,} bytes)", 413)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
