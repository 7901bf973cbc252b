"""The series an operator scrapes exist and move, and every request leaves one complete log line."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.db import make_engine
from prism import logformat, telemetry
from prism.app import create_app, load_policy
from prism.tracing import tracer_from_env
from tests import factories as f
from tests.conftest import Api, StatementCounter

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
NAMED_QUERY = (
    "query RepCustomers { viewer { role } customers(first: 5) { totalCount nodes { name } } }"
)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_request_series_move_with_requests(api: Api) -> None:
    await f.user(api.engine, "SALES_REP", external_id="rep")
    before = await scrape(api.client)
    assert (await api.post(NAMED_QUERY, sub="rep")).status_code == 200
    assert (
        await api.post(NAMED_QUERY, headers={"authorization": "Bearer nope"})
    ).status_code == 401
    after = await scrape(api.client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    latency = {"operation": "RepCustomers", "type": "query", "role": "SALES_REP"}
    assert moved("prism_graphql_request_duration_seconds_count", **latency) == 1
    assert moved("prism_graphql_request_duration_seconds_bucket", le="+Inf", **latency) == 1
    assert moved("prism_graphql_errors_total", code="UNAUTHENTICATED") == 1
    assert moved("prism_graphql_requests_total", status="200") == 1
    assert moved("prism_graphql_requests_total", status="401") == 1
    assert moved("prism_graphql_statements_per_request_count") == 2
    assert moved("prism_graphql_statements_per_request_sum") >= 2
    assert ("prism_db_pool_in_use", frozenset()) in after
    assert ("prism_db_pool_waiting", frozenset()) in after


async def test_rate_limit_refusals_are_counted_by_role(api: Api, database_url: str) -> None:
    await f.user(api.engine, "SALES_REP", external_id="rep")
    strict = dataclasses.replace(api.settings, rate_limit_per_minute=20)
    app = create_app(strict, database_url)
    await load_policy(app.state.prism)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
            before = await scrape(client)
            body = {"query": NAMED_QUERY}
            headers = {"authorization": f"Bearer {api.token('rep')}"}
            statuses = [
                (await client.post("/graphql", json=body, headers=headers)).status_code
                for _ in range(5)
            ]
            assert statuses[0] == 200
            assert 429 in statuses
            after = await scrape(client)
    finally:
        await app.state.prism.reads.aclose()
        await app.state.prism.engine.dispose()
    key = ("prism_rate_limit_refusals_total", frozenset({("role", "SALES_REP")}))
    assert after.get(key, 0) - before.get(key, 0) == statuses.count(429)


async def test_each_request_logs_one_line_with_its_fields(
    api: Api, statement_counter: StatementCounter, caplog: pytest.LogCaptureFixture
) -> None:
    rep = await f.user(api.engine, "SALES_REP", external_id="rep")
    statements_before = statement_counter.count
    with caplog.at_level(logging.INFO, logger="prism.request"):
        response = await api.post(NAMED_QUERY, sub="rep", headers={"x-request-id": "req-42"})
    sent = statement_counter.count - statements_before
    lines = [r for r in caplog.records if r.name == "prism.request"]
    assert len(lines) == 1
    fields = lines[0].prism  # type: ignore[attr-defined]
    assert fields["request_id"] == "req-42" == response.headers["x-request-id"]
    assert fields["viewer"] == str(rep)
    assert fields["role"] == "SALES_REP"
    assert fields["operation"] == "RepCustomers"
    assert fields["type"] == "query"
    assert fields["status"] == 200
    assert fields["statements"] == sent
    assert fields["cost"] == response.json()["extensions"]["cost"]["requested"]
    assert fields["duration_ms"] >= 0
    assert fields["errors"] == []
    assert fields["path"] == response.headers.get("x-prism-read-path", "resolvers")
    # In prod the same line is one JSON object.
    as_json = json.loads(logformat.JsonFormatter().format(lines[0]))
    assert {k: as_json[k] for k in fields} == fields


async def test_pool_waiting_counts_requests_queued_for_a_connection(database_url: str) -> None:
    engine: AsyncEngine = make_engine(database_url, pool_size=1)  # 1 + 1 overflow
    try:
        held = [await engine.connect() for _ in range(2)]
        queued = asyncio.create_task(engine.connect().start())
        for _ in range(500):  # until the third checkout is queued in the pool
            telemetry.observe_pool(engine)
            if telemetry.POOL_WAITING._value.get():  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.01)
        assert telemetry.POOL_IN_USE._value.get() == 2  # type: ignore[attr-defined]
        assert telemetry.POOL_WAITING._value.get() == 1  # type: ignore[attr-defined]
        await held[0].close()
        third = await queued
        await third.execute(text("SELECT 1"))
        telemetry.observe_pool(engine)
        assert telemetry.POOL_WAITING._value.get() == 0  # type: ignore[attr-defined]
        for conn in (held[1], third):
            await conn.close()
    finally:
        await engine.dispose()


async def test_each_request_is_one_span_when_a_tracer_is_configured(api: Api) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    await f.user(api.engine, "SALES_REP", external_id="rep")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.use_tracer(provider.get_tracer("test"))
    try:
        await api.post(NAMED_QUERY, sub="rep", headers={"x-request-id": "traced"})
    finally:
        telemetry.use_tracer(None)
    (span,) = exporter.get_finished_spans()
    assert span.name == "graphql query RepCustomers"
    attributes = dict(span.attributes or {})
    assert attributes["prism.request_id"] == "traced"
    assert attributes["prism.role"] == "SALES_REP"
    assert attributes["http.response.status_code"] == 200
    assert attributes["prism.statements"] >= 1


def test_tracing_is_off_unless_an_exporter_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert tracer_from_env() is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    assert tracer_from_env() is not None
