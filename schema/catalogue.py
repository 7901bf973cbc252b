"""The field catalogue of the full schema, which the policy compiler decides cell by cell."""

from __future__ import annotations

from graphql import GraphQLObjectType, GraphQLSchema

from authz.policy import DOMAIN_TYPES


def field_catalogue(schema: GraphQLSchema) -> dict[str, list[str]]:
    """Each policy-governed type and its GraphQL field names."""
    return {
        name: list(type_.fields)
        for name in DOMAIN_TYPES
        if isinstance(type_ := schema.type_map.get(name), GraphQLObjectType)
    }
