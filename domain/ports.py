"""What use cases need from storage, as a protocol: the domain names no SQL and no GraphQL."""

from __future__ import annotations

from collections.abc import Mapping
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
    """Scoped writes for one viewer inside the request's transaction."""

    @property
    def actor(self) -> Actor: ...

    def may(self, type_name: str, act: str) -> bool:
        """Whether the viewer's role may perform `act` on `type_name` at all."""
        ...

    async def check_parent(
        self, type_name: str, act: str, parent_type: str, parent_id: int, field: str
    ) -> Mapping[str, Any]:
        """The parent row if the act's scope allows acting under it; else NOT_FOUND/FORBIDDEN."""
        ...

    async def load_for(self, type_name: str, act: str, pk: int, field: str) -> Mapping[str, Any]:
        """The target row if the act's scope covers it; else NOT_FOUND/FORBIDDEN."""
        ...

    async def insert(self, type_name: str, values: Mapping[str, Any]) -> int: ...

    async def update(
        self,
        type_name: str,
        act: str,
        pk: int,
        values: Mapping[str, Any],
        expected_version: int | None,
    ) -> None:
        """Apply `values` if the row is in scope and at `expected_version` (else CONFLICT)."""
        ...

    async def user_role(self, user_id: int, field: str) -> tuple[Role, int | None]:
        """Role and partner of an active user (BAD_USER_INPUT if none)."""
        ...

    async def exists(self, type_name: str, pk: int, field: str) -> None:
        """Require a referenced row to exist (BAD_USER_INPUT naming `field` otherwise)."""
        ...

    async def next_id(self, type_name: str) -> int: ...
