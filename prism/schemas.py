"""The compiled policy and the per-role schemas, rebuilt together whenever the policy changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, TypeVar

import strawberry
from graphql import DocumentNode, GraphQLError, GraphQLSchema, print_schema, validate

from authz.policy import RolePolicy, compile_policies
from domain.enums import Role
from prism.plans import PlanCache
from schema.build import build_full_schema
from schema.catalogue import field_catalogue
from schema.metrics import absent_for
from schema.roles import role_schema

VALIDATION_CACHE_SIZE = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class RoleSlice:
    """What one role gets: its compiled policy and its own GraphQL schema."""

    policy: RolePolicy
    schema: GraphQLSchema
    # Validation errors per document text: a document is validated once per schema, since
    # clients send the same few operations over and over.
    validated: dict[str, list[GraphQLError]] = field(default_factory=dict, compare=False)
    measured: dict[tuple[DocumentNode, str], Any] = field(default_factory=dict, compare=False)
    # Operations already admitted in this schema, down to their compiled SQL (`prism.plans`).
    plans: PlanCache = field(default_factory=PlanCache, compare=False)

    def measures(
        self, document: DocumentNode, variables: Mapping[str, Any] | None, measure: Callable[[], T]
    ) -> T:
        """A document's measures (depth, cost, …) for variables of this shape: they depend on
        numbers and list lengths (`first: $n`, `nodes(ids: $ids)`), never on a string's text,
        so one measurement serves every customer ID a client asks about."""
        key = (document, _shape(variables))
        found = self.measured.get(key)
        if found is None:
            found = measure()
            if len(self.measured) >= VALIDATION_CACHE_SIZE:
                self.measured.clear()
            self.measured[key] = found
        return found  # type: ignore[no-any-return]

    def validation_errors(self, query: str, document: DocumentNode) -> list[GraphQLError]:
        errors = self.validated.get(query)
        if errors is None:
            errors = validate(self.schema, document, hide_suggestions=True)
            if len(self.validated) >= VALIDATION_CACHE_SIZE:
                self.validated.clear()
            self.validated[query] = errors
        return errors


class SchemaRegistry:
    """Holds the current slices; `load` swaps them atomically, so requests never see a mix."""

    def __init__(self) -> None:
        self.full: strawberry.Schema = build_full_schema()
        self.catalogue = field_catalogue(self.full._schema)
        self._slices: dict[Role, RoleSlice] = {}

    def load(self, lines: list[list[str]]) -> None:
        policies = compile_policies(lines, self.catalogue)
        slices = {}
        for role, policy in policies.items():
            schema = role_schema(
                self.full._schema,
                policy.hidden_types,
                policy.hidden_fields | policy.absent_operations() | analytics_absent(policy),
            )
            slices[role] = RoleSlice(policy=_as_served(policy, schema), schema=schema)
        self._slices = slices
        self.lines = lines
        self.policies = {role: slice_.policy for role, slice_ in slices.items()}

    lines: list[list[str]]
    policies: dict[Role, RolePolicy]

    def slice(self, role: Role) -> RoleSlice:
        return self._slices[role]

    def sdl(self, role: Role) -> str:
        return print_schema(self.slice(role).schema)


def analytics_absent(policy: RolePolicy) -> frozenset[str]:
    """KPIs, dimensions and analytics fields computed from what the role may not read."""
    return absent_for(policy.fields)


def _shape(value: Any) -> str:
    """Variables with every string blanked: what a document's measures can depend on."""

    def blank(v: Any) -> Any:
        if isinstance(v, str):
            return ""
        if isinstance(v, list):
            return [blank(i) for i in v]
        if isinstance(v, dict):
            return {k: blank(i) for k, i in v.items()}
        return v

    return json.dumps(blank(value), sort_keys=True)


def _as_served(policy: RolePolicy, schema: GraphQLSchema) -> RolePolicy:
    """The policy with each type's fields as the role's schema has them, so `explain` does not
    list a field the schema dropped with its type (a technician's `Customer.opportunities`)."""
    present = {
        type_name: tuple(
            f for f in fields if f in getattr(schema.type_map.get(type_name), "fields", {})
        )
        for type_name, fields in policy.fields.items()
    }
    return replace(policy, fields=MappingProxyType(present))
