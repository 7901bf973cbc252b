"""What each request tells the operator: Prometheus series, one log line, and (optionally) a span.

The request path pays for a few dictionary look-ups and one log call; traces cost nothing unless
an OpenTelemetry exporter is configured (`prism.tracing`). With several workers,
`PROMETHEUS_MULTIPROC_DIR` (set by `prism serve --workers N`) makes every series the sum over
the workers.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from prism.pids import running

if TYPE_CHECKING:
    from persistence.read_pool import ReadPool

log = logging.getLogger("prism.request")

#: Operation names come from clients: past this many distinct ones, new names count as "other".
MAX_OPERATION_NAMES = 200

REQUEST_SECONDS = Histogram(
    "prism_graphql_request_duration_seconds",
    "Time to answer a GraphQL request, by operation name, operation type and role.",
    ["operation", "type", "role"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "prism_graphql_requests", "GraphQL requests answered, by HTTP status.", ["status"]
)
ERRORS = Counter("prism_graphql_errors", "GraphQL errors returned, by error code.", ["code"])
RATE_LIMITED = Counter(
    "prism_rate_limit_refusals", "Requests refused with RATE_LIMITED, by role.", ["role"]
)
STATEMENTS = Histogram(
    "prism_graphql_statements_per_request",
    "SQL statements one GraphQL request sent to PostgreSQL.",
    buckets=(1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)
JOB_LAG = Histogram(
    "prism_job_lag_seconds",
    "How late a job ran after its due time, by kind.",
    ["kind"],
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
JOBS = Counter(
    "prism_jobs", "Jobs run, by kind and outcome (done, again, retry, failed).", ["kind", "outcome"]
)
POOL_IN_USE = Gauge(
    "prism_db_pool_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "prism_db_pool_waiting",
    "Requests waiting for a database connection.",
    multiprocess_mode="livesum",
)
UP_SINCE = Gauge(
    "prism_process_start_time_seconds",
    "When this server process started (Unix time).",
    multiprocess_mode="min",
)


@dataclass
class RequestRecord:
    """What one request did, filled in as it goes and reported once at its end."""

    request_id: str
    started: float = field(default_factory=time.perf_counter)
    started_ns: int = field(default_factory=time.time_ns)
    viewer: str | None = None
    role: str | None = None
    operation: str | None = None
    type: str | None = None
    cost: int | None = None
    statements: int = 0
    #: "compiled" (one SQL statement wrote the JSON) or "resolvers" (the executor ran).
    path: str | None = None


_current: ContextVar[RequestRecord | None] = ContextVar("prism_request", default=None)
_operation_names: set[str] = set()
#: An OpenTelemetry tracer when an exporter is configured (`prism.tracing`), else None.
tracer: Any | None = None


def use_tracer(new: Any | None) -> None:
    global tracer
    tracer = new


def begin(request_id: str) -> RequestRecord:
    record = RequestRecord(request_id)
    _current.set(record)
    return record


def count_statements(engine: AsyncEngine, reads: ReadPool | None = None) -> None:
    """Count each statement against the request that sent it (loaders' tasks included: they
    inherit the request's context, and SQLAlchemy's greenlets inherit the task's)."""

    def counted(*_: object) -> None:
        record = _current.get()
        if record is not None:
            record.statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    if reads is not None:
        reads.observers.append(counted)


def _operation_label(name: str | None) -> str:
    if name is None:
        return "anonymous"
    if name in _operation_names:
        return name
    if len(_operation_names) >= MAX_OPERATION_NAMES or len(name) > 100:
        return "other"
    _operation_names.add(name)
    return name


def _error_codes(payload: dict[str, Any]) -> list[str]:
    return [
        str((error.get("extensions") or {}).get("code", "INTERNAL_SERVER_ERROR"))
        for error in payload.get("errors") or ()
    ]


def finish(record: RequestRecord, payload: dict[str, Any], status: int) -> None:
    seconds = time.perf_counter() - record.started
    role = record.role or "none"
    codes = _error_codes(payload)
    REQUEST_SECONDS.labels(_operation_label(record.operation), record.type or "none", role).observe(
        seconds
    )
    REQUESTS.labels(str(status)).inc()
    STATEMENTS.observe(record.statements)
    for code in codes:
        ERRORS.labels(code).inc()
    if "RATE_LIMITED" in codes:
        RATE_LIMITED.labels(role).inc()
    _current.set(None)
    if tracer is not None:
        _span(record, status, codes)
    if log.isEnabledFor(logging.INFO):
        fields = request_fields(record, seconds, status, codes)
        log.info("%s", _plain(fields), extra={"prism": fields})


def request_fields(
    record: RequestRecord, seconds: float, status: int, codes: list[str]
) -> dict[str, Any]:
    """The request's log line: JSON in prod (`JsonFormatter`), `key=value` pairs in dev."""
    return {
        "event": "graphql_request",
        "request_id": record.request_id,
        "viewer": record.viewer,
        "role": record.role,
        "operation": record.operation,
        "type": record.type,
        "path": record.path,
        "duration_ms": round(seconds * 1000, 2),
        "statements": record.statements,
        "cost": record.cost,
        "status": status,
        "errors": codes,
    }


def _span(record: RequestRecord, status: int, codes: list[str]) -> None:
    assert tracer is not None
    name = f"graphql {record.type or 'request'} {record.operation or ''}".rstrip()
    span = tracer.start_span(name, start_time=record.started_ns)
    attributes = {
        "graphql.operation.name": record.operation,
        "graphql.operation.type": record.type,
        "http.response.status_code": status,
        "prism.request_id": record.request_id,
        "prism.role": record.role,
        "prism.viewer": record.viewer,
        "prism.read_path": record.path,
        "prism.statements": record.statements,
        "prism.cost": record.cost,
        "prism.error_codes": codes,
    }
    span.set_attributes({k: v for k, v in attributes.items() if v is not None})
    span.end()


def _plain(line: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in line.items() if value not in (None, []))


def observe_job(job: Any, lag_seconds: float, outcome: str) -> None:
    """A job ran (`persistence.jobs.Worker.observe`)."""
    JOB_LAG.labels(job.kind).observe(max(0.0, lag_seconds))
    JOBS.labels(job.kind, outcome).inc()


def observe_pool(engine: AsyncEngine, reads: ReadPool | None = None) -> None:
    """The engine's connections in use, with those of the compiled reads' pool."""
    pool: Any = engine.pool
    POOL_IN_USE.set(pool.checkedout() + (reads.in_use() if reads is not None else 0))
    # AsyncAdaptedQueuePool keeps its waiters on an asyncio.Queue; no public counter exists.
    queue = getattr(getattr(pool, "_pool", None), "_queue", None)
    POOL_WAITING.set(len(getattr(queue, "_getters", ()) or ()))


def share_across_workers(data_dir: Path) -> None:
    """Before `serve` starts several workers: each writes its series to files in one folder,
    which /metrics sums (prometheus-client's multiprocess mode). The folder is emptied first
    so a previous run's workers do not count. Must run before the workers import this module."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = (data_dir / "metrics").resolve()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _forget_dead_workers(folder: str) -> None:
    """A worker uvicorn replaced leaves its live gauges behind (uvicorn has no hook to say it
    died), and they would stay in the sums: drop those of processes that are gone."""
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if not running(pid):
            mark_process_dead(pid, folder)


def exposition(engine: AsyncEngine) -> tuple[bytes, str]:
    observe_pool(engine)
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        _forget_dead_workers(folder)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


UP_SINCE.set(time.time())
