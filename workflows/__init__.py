"""The processes Prism runs by itself (CONTRACT §7, §8): the handlers of durable jobs.

Each module here owns one process (ticket SLAs, renewals, webhook deliveries, …) and declares
its job handlers in `HANDLERS` (job kind → handler) and its periodic sweeps in `PERIODIC`.
`handlers()` and `sweeps()` gather them for the worker (`persistence.jobs.Worker`) that
`prism serve` runs in every process and `prism worker` runs alone.

A handler gets the job's transaction and the worker's clock; it re-reads the row its job is
about and does nothing when the state has moved on (a ticket answered before its due time, a
task done), so the row, not the job, is the truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType

from persistence.jobs import Handler, Periodic
from workflows import (
    calendar,
    contracts,
    events,
    lead_scoring,
    leads,
    nurture,
    surveys,
    tickets,
    webhooks,
)

#: Every module that declares jobs; a new process adds itself here.
MODULES: tuple[ModuleType, ...] = (
    events,
    tickets,
    contracts,
    webhooks,
    surveys,
    leads,
    lead_scoring,
    calendar,
    nurture,
)


def handlers() -> Mapping[str, Handler]:
    merged: dict[str, Handler] = {}
    for module in MODULES:
        for kind, handler in module.HANDLERS.items():
            if kind in merged:
                raise RuntimeError(f"two handlers for jobs of kind {kind!r}")
            merged[kind] = handler
    return merged


def slow_kinds() -> frozenset[str]:
    """Kinds whose jobs wait on the outside world (`Worker.slow`)."""
    return frozenset().union(*(getattr(module, "SLOW", ()) for module in MODULES))


def sweeps() -> Sequence[Periodic]:
    return [sweep for module in MODULES for sweep in getattr(module, "PERIODIC", ())]
