"""What use cases need from storage, as a protocol: the domain names no SQL and no GraphQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.enums import Role


class Actor(Protocol):
    """Who is acting; read-only, so a frozen viewer (or any richer object) satisfies it."""

    @property
    def user_id(self) -> int: ...

    @property
    def role(self) -> Role: ...

    @property
    def partner_id(self) -> int | None: ...


class Store(Protocol):
    """Writes for one viewer and one act of the policy, inside the request's transaction.

    The store was opened for the act the mutation names: the viewer's policy allows it, and
    every record the input refers to was read within the viewer's slice before the use case
    runs. A use case asks for nothing by hand; it cannot write outside the act.
    """

    @property
    def actor(self) -> Actor: ...

    def referenced(self, field: str) -> Mapping[str, Any]:
        """The record the input field `field` (`customer_id`) names, as the viewer reads it."""
        ...

    async def target(self, field: str) -> Mapping[str, Any]:
        """The record the act changes, named by the input field `field`; FORBIDDEN when the
        act's scope does not reach it."""
        ...

    async def insert(self, type_name: str, values: Mapping[str, Any]) -> int:
        """A new record of the act's type (refused outside the act's scope) or of a type the
        act writes as a consequence (its history)."""
        ...

    async def update(
        self, pk: int, values: Mapping[str, Any], expected_version: int | None
    ) -> None:
        """Apply `values` to the act's record if in scope and at `expected_version` (else
        CONFLICT)."""
        ...

    async def next_id(self, type_name: str) -> int: ...

    def now(self) -> datetime:
        """The instant of this write, from the clock port (tests move it)."""
        ...

    async def emit(self, event_type: str, data: Mapping[str, Any]) -> str:
        """Record an event (CONTRACT §8) in this write's transaction; its id."""
        ...

    async def schedule(
        self, kind: str, key: str, at: datetime, payload: Mapping[str, Any] | None = None
    ) -> bool:
        """Enqueue a durable timer in this write's transaction (once per `key`)."""
        ...

    async def replace_policy(
        self, lines: Sequence[Sequence[str]], catalogue: Mapping[str, Iterable[str]]
    ) -> None:
        """Put a new access policy in force (the act `Policy manage`)."""
        ...
