"""ASGI entry for `uvicorn prism.asgi:app` and for `prism serve --workers N`."""

from __future__ import annotations

from prism.app import create_app
from prism.embedded import database_url
from prism.logformat import configure_logging
from prism.settings import Settings
from prism.telemetry import use_tracer
from prism.tracing import tracer_from_env

settings = Settings.from_env()
configure_logging(prod=not settings.is_dev)
use_tracer(tracer_from_env())
app = create_app(settings, database_url(settings.database_url, settings.data_dir))
