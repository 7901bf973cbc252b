"""The compiled read path answers exactly as the resolvers do, and it is the one serving.

Every query here runs twice through HTTP, as every role of the scenario world: once as a
client would send it (served by one compiled SQL statement: the response says so in
`x-prism-read-path`) and once with the compiler switched off (the per-field resolvers). The
two bodies must be equal. The documents are generated from each role's own schema: every
leaf field of every root list, each reference, each nested connection, the timeline, every
ordering in both directions and every page of it forwards and backwards.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from domain.enums import Role
from prism import graphql_http
from tests.conftest import Api
from tests.slices import scenario

ROLE_OF = {
    "admin": Role.ADMIN,
    "mgr": Role.SALES_MANAGER,
    "rep1": Role.SALES_REP,
    "pu1": Role.PARTNER_USER,
    "tech2": Role.TECHNICIAN,
    "agent": Role.SERVICE_AGENT,
    "analyst": Role.ANALYST,
}
PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@pytest.fixture
async def world(api: Api) -> scenario.Scenario:
    return await scenario.build(api.engine)


def role_schema(api: Api, role: Role) -> GraphQLSchema:
    app = api.client._transport.app  # type: ignore[attr-defined]
    return app.state.prism.schemas.slice(role).schema  # type: ignore[no-any-return]


def leaves(type_: GraphQLObjectType) -> list[str]:
    return [n for n, f in type_.fields.items() if is_leaf_type(get_named_type(f.type))]


def selection(schema: GraphQLSchema, type_name: str, depth: int = 1) -> str:
    """Every leaf field; references with their leaves; nested connections, first 3."""
    type_ = schema.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    parts = ["__typename", *leaves(type_)]
    for name, field in type_.fields.items():
        target = get_named_type(field.type)
        if not isinstance(target, GraphQLObjectType) or depth == 0:
            continue
        if target.name.endswith("Connection"):
            node = get_named_type(target.fields["nodes"].type)
            inner = (
                "__typename ... on Node { id }"
                if not isinstance(node, GraphQLObjectType)
                else selection(schema, node.name, 0)
            )
            parts.append(f"{name}(first: 3) {{ totalCount {PAGE} nodes {{ {inner} }} }}")
        elif "id" in target.fields:
            parts.append(f"{name} {{ {selection(schema, target.name, depth - 1)} }}")
    return " ".join(parts)


def root_lists(schema: GraphQLSchema) -> dict[str, str]:
    query = schema.query_type
    assert query is not None
    return {
        name: get_named_type(get_named_type(field.type).fields["nodes"].type).name  # type: ignore[union-attr]
        for name, field in query.fields.items()
        if get_named_type(field.type).name.endswith("Connection")
    }


def orderings(schema: GraphQLSchema, list_name: str) -> list[str]:
    query = schema.query_type
    assert query is not None
    order_input = get_named_type(query.fields[list_name].args["orderBy"].type)
    assert isinstance(order_input, GraphQLInputObjectType)
    fields = get_named_type(order_input.fields["field"].type)
    assert isinstance(fields, GraphQLEnumType)
    return [
        f"{{field: {value}, direction: {direction}}}"
        for value in fields.values
        for direction in ("ASC", "DESC")
    ]


class Both:
    """Posts a query down both paths and requires the same answer."""

    def __init__(self, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
        self.api, self.monkeypatch = api, monkeypatch
        self.compiled = 0

    async def ask(self, sub: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        served = await self.api.post(query, variables, sub=sub)
        with self.monkeypatch.context() as patch:
            patch.setattr(graphql_http, "compiled_read", _resolvers_only)
            reference = await self.api.post(query, variables, sub=sub)
        assert served.status_code == reference.status_code == 200, served.text
        body, expected = served.json(), reference.json()
        body.pop("extensions", None)
        expected.pop("extensions", None)
        assert "errors" not in expected, (query, expected)
        assert body == expected, f"{sub}: {difference(body, expected)} in {query}"
        if served.headers.get("x-prism-read-path") == "compiled":
            self.compiled += 1
        return body["data"]


def difference(got: Any, expected: Any, path: str = "") -> str:
    """Where two answers first part: a path and both values."""
    if isinstance(got, dict) and isinstance(expected, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            if got.get(key, "<absent>") != expected.get(key, "<absent>"):
                return difference(
                    got.get(key, "<absent>"), expected.get(key, "<absent>"), f"{path}.{key}"
                )
    if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            if g != e:
                return difference(g, e, f"{path}[{i}]")
    return f"{path}: compiled {got!r}, resolvers {expected!r}"


async def _resolvers_only(*_: Any, **__: Any) -> None:
    return None


@pytest.mark.parametrize("sub", list(ROLE_OF))
async def test_every_root_list_alike_on_both_paths(
    api: Api, world: scenario.Scenario, monkeypatch: pytest.MonkeyPatch, sub: str
) -> None:
    both = Both(api, monkeypatch)
    schema = role_schema(api, ROLE_OF[sub])
    lists = root_lists(schema)
    for list_name, type_name in lists.items():
        body = selection(schema, type_name)
        edges = f"edges {{ cursor node {{ {body} }} }}"
        await both.ask(sub, f"{{ {list_name}(first: 20) {{ totalCount {PAGE} {edges} }} }}")
    assert both.compiled == len(lists.keys() - RESOLVER_LISTS)


#: Root lists the read compiler leaves to the resolvers: the lead routing rules (an admin tool
#: of a few rows whose `match` and `assigneeIds` are built from array columns).
RESOLVER_LISTS = {"assignmentRules"}


@pytest.mark.parametrize("sub", list(ROLE_OF))
async def test_every_ordering_and_page_alike_on_both_paths(
    api: Api, world: scenario.Scenario, monkeypatch: pytest.MonkeyPatch, sub: str
) -> None:
    both = Both(api, monkeypatch)
    schema = role_schema(api, ROLE_OF[sub])
    for list_name in root_lists(schema):
        for order in orderings(schema, list_name):
            forward = (
                f"query($after: String) {{ {list_name}(first: 2, after: $after, orderBy: {order})"
                f" {{ totalCount {PAGE} nodes {{ id }} }} }}"
            )
            backward = (
                f"query($before: String) {{ {list_name}(last: 2, before: $before, "
                f"orderBy: {order}) {{ totalCount {PAGE} edges {{ cursor }} }} }}"
            )
            cursor, pages = None, 0
            while pages < 10:
                page = (await both.ask(sub, forward, {"after": cursor}))[list_name]
                pages += 1
                if not page["pageInfo"]["hasNextPage"]:
                    break
                cursor = page["pageInfo"]["endCursor"]
            cursor = None
            for _ in range(10):
                page = (await both.ask(sub, backward, {"before": cursor}))[list_name]
                if not page["pageInfo"]["hasPreviousPage"]:
                    break
                cursor = page["pageInfo"]["startCursor"]
    assert both.compiled > 0


THREE_SIXTY = """
query Customer360($id: ID!, $after: String) {
  customer(id: $id) {
    ...Basics
    alias: name
    contacts(first: 10) { nodes { id name title } }
    tickets(last: 20) { nodes { number subject status assignee { displayName } } }
    timeline(first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { __typename ... on Node { id } ...Feed } }
      nodes { __typename ...Feed }
    }
  }
  viewer { role user { id displayName } }
  first: node(id: $id) { id ... on Customer { name } }
  nodes(ids: [$id, "Rm9vOjE", "VXNlcjo5OTk5OTk"]) { id __typename }
}
fragment Basics on Customer { id name region tier status owner { id displayName } partner { name } }
fragment Feed on TimelineItem {
  ... on Interaction { channel summary occurredAt }
  ... on TicketEvent { kind toStatus occurredAt }
  ... on OpportunityStageChange { toStage occurredAt }
  ... on ServiceVisit { scheduledStart notes }
}
"""


@pytest.mark.parametrize("sub", list(ROLE_OF))
async def test_the_360_view_and_its_timeline_alike_on_both_paths(
    api: Api, world: scenario.Scenario, monkeypatch: pytest.MonkeyPatch, sub: str
) -> None:
    both = Both(api, monkeypatch)
    schema = role_schema(api, ROLE_OF[sub])
    query = THREE_SIXTY
    customer = schema.type_map["Customer"]
    assert isinstance(customer, GraphQLObjectType)
    if "tickets" not in customer.fields or "OpportunityStageChange" not in schema.type_map:
        query = query.replace("... on OpportunityStageChange { toStage occurredAt }", "")
    if "Interaction" not in schema.type_map:
        query = query.replace("... on Interaction { channel summary occurredAt }", "")
    for name in sorted(world.names_of("Customer")):
        after = None
        for _ in range(6):
            data = await both.ask(sub, query, {"id": world.gid(name), "after": after})
            if (
                data["customer"] is None
                or not data["customer"]["timeline"]["pageInfo"]["hasNextPage"]
            ):
                break
            after = data["customer"]["timeline"]["pageInfo"]["endCursor"]
    assert both.compiled > 0
