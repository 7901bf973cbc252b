"""How Prism's own log lines look: JSON objects in prod, plain lines in dev."""

from __future__ import annotations

import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """One JSON object per line (prod): a request line's own fields, or the message."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "prism", None)
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(prod: bool) -> None:
    """Prism's own loggers to stderr at INFO: JSON lines in prod, plain lines in dev."""
    logger = logging.getLogger("prism")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if prod else logging.Formatter("%(levelname)s: %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
