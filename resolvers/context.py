"""What every resolver can reach for the current request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authz.viewer import Viewer
from domain.clock import Clock, SystemClock
from persistence.access import Access
from persistence.loaders import Loaders
from persistence.session import Database


@dataclass
class RequestContext:
    viewer: Viewer
    access: Access
    db: Database
    loaders: Loaders
    request_id: str
    registry: Any = None  # prism.schemas.SchemaRegistry: the policy and schemas in force
    clock: Clock = field(default_factory=SystemClock)


def context_of(info: Any) -> RequestContext:
    ctx: RequestContext = info.context
    return ctx
