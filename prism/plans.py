"""Prepared operations, kept per role schema so a repeated request skips straight to its SQL.

Clients send the same few operations over and over. The first time an operation comes (per
role schema, document, operation name and variables) it is parsed, held to the limits,
validated against the role's schema and, for a query, planned and compiled into its one SQL
statement; all of that is kept here. The next identical request, from any viewer of the role,
reuses it: no parsing, validation, planning or compiling, only the rate limit (charged on
every request, from the kept cost), the viewer's own values written into the statement
(`persistence.scope_sql.bind_viewer`) and the statement itself.

The cache hangs off the `RoleSlice`, so a policy reload (new slices) starts empty, and a
viewer whose role changed reads through their new role's slice. Within a role only one thing
about the viewer changes a statement's shape: whether they belong to a partner (a partner
user's row scopes name their partner), so that is part of the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode

from authz.viewer import Viewer
from prism.graphql_request import GraphQLParams
from prism.limits import Measure

#: Entries per role schema; past it the cache starts over (hot operations come back at once).
PLAN_CACHE_SIZE = 2000

#: `statement` of an operation the read compiler does not cover: the resolvers serve it.
NOT_COMPILED = ("", ())


@dataclass
class Prepared:
    """One admitted operation, as far as it is known; `statement` is filled on first use."""

    document: DocumentNode
    operation: OperationDefinitionNode
    measure: Measure
    #: (SQL text, its parameters), NOT_COMPILED, or None while not compiled yet.
    statement: tuple[str, tuple[Any, ...]] | None = field(default=None)


Key = tuple[bool, str, str | None, str]


def key_of(viewer: Viewer, params: GraphQLParams) -> Key | None:
    """The cache key, or None when the variables do not make one (they always do for JSON)."""
    try:
        variables = json.dumps(params.variables, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return (viewer.partner_id is not None, params.query, params.operation_name, variables)


class PlanCache:
    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self.size = size
        self._entries: dict[Key, Prepared] = {}

    def get(self, key: Key | None) -> Prepared | None:
        return None if key is None else self._entries.get(key)

    def put(self, key: Key | None, prepared: Prepared) -> None:
        if key is None:
            return
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = prepared

    def __len__(self) -> int:
        return len(self._entries)
