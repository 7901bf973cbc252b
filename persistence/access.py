"""A viewer's access for one request: row scopes per type and action, from the role's policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from authz.viewer import Viewer
from persistence.scopes import RowScope, compile_scope


class CompiledPolicy(Protocol):
    """What a role's compiled policy offers (see `authz.policy.RolePolicy`)."""

    @property
    def read(self) -> Mapping[str, str]: ...

    @property
    def actions(self) -> Mapping[tuple[str, str], str]: ...

    @property
    def hidden_fields(self) -> frozenset[str]: ...


class Access:
    """Scopes are compiled lazily and once per request; the policy itself was decided at load."""

    def __init__(self, viewer: Viewer, policy: CompiledPolicy) -> None:
        self.viewer = viewer
        self.policy = policy
        self._reads: dict[str, RowScope] = {}

    def _read_scope_name(self, type_name: str) -> str:
        return self.policy.read.get(type_name, "none")

    def read(self, type_name: str) -> RowScope:
        """Rows of `type_name` the viewer may read; a type absent for the role reads nothing."""
        scope = self._reads.get(type_name)
        if scope is None:
            scope = compile_scope(
                self.viewer, type_name, self._read_scope_name(type_name), self._read_scope_name
            )
            self._reads[type_name] = scope
        return scope

    def can_read(self, type_name: str) -> bool:
        return self._read_scope_name(type_name) != "none"

    def write(self, type_name: str, act: str) -> RowScope | None:
        """Rows the viewer may act on, or None when the role may not perform the act at all."""
        name = self.policy.actions.get((type_name, act))
        if name is None:
            return None
        return compile_scope(self.viewer, type_name, name, self._read_scope_name)
