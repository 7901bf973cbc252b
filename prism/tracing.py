"""OpenTelemetry: one span per GraphQL request, only when an exporter is configured.

Configured the standard way (`OTEL_TRACES_EXPORTER=otlp|console`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
`OTEL_SERVICE_NAME`), with the `otel` extra installed (`pip install 'prism[otel]'`). Without an
exporter nothing is imported and each request pays one `is None` check.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger("prism.tracing")


def _wanted() -> str | None:
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter == "none":
        return None
    if exporter:
        return exporter
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    return "otlp" if endpoint else None


def tracer_from_env() -> Any | None:
    """A tracer exporting in batches, or None when no exporter is configured (or installable)."""
    kind = _wanted()
    if kind is None:
        return None
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

        if kind == "console":
            exporter: Any = ConsoleSpanExporter()
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
    except ImportError:
        log.warning(
            "OTEL_* asks for %s traces, but the otel extra is not installed: no traces", kind
        )
        return None
    service = os.environ.get("OTEL_SERVICE_NAME", "prism")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider.get_tracer("prism")
