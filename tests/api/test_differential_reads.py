"""Random valid queries, generated from each role's own schema, answer alike on both read paths.

Issue 8 keeps the per-field resolvers as the reference for the read compiler, so the two must
never part: for every role of the scenario world, queries that hypothesis-graphql draws from
that role's schema (any root field, any arguments, any nesting, aliases, fragments) are posted
over HTTP once as a client sends them and once with the compiler switched off, and the two
responses (data and errors, not the cost extensions) must be equal. The draw is derandomized,
so a failure names its query and reproduces on the next run.
"""

from __future__ import annotations

import random
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from sqlalchemy import text

from prism import graphql_http
from schema.ids import encode_id
from tests.api.test_compiled_reads import ROLE_OF, difference, role_schema
from tests.conftest import Api
from tests.slices import scenario

EXAMPLES = 40

#: Values for the custom scalars, as a client would send them (some out of range on purpose).
SCALARS = {
    "DateTime": st.sampled_from(
        ["2026-01-01T00:00:00+00:00", "2026-11-01T08:30:00+08:00", "2030-12-31T23:59:59Z"]
    ).map(nodes.String),
    "Date": st.sampled_from(["2026-01-01", "2026-06-30", "2027-02-29"]).map(nodes.String),
    "Decimal": st.sampled_from(["0", "1000.50", "-1", "1e400"]).map(nodes.String),
    "JSON": st.just(nodes.String("{}")),
}


#: The type of the record an `…Id` argument or filter names.
REFERENCE = {
    "customerId": "Customer",
    "assigneeId": "User",
    "ownerId": "User",
    "userId": "User",
    "partnerId": "Partner",
    "leadId": "Lead",
    "contactId": "Contact",
    "ticketId": "Ticket",
    "campaignId": "Campaign",
}


class _Realistic(graphql.Visitor):
    """Arguments as a client would mostly send them: ids of records that exist, of the type the
    field asks for (the viewer's and others', so hidden ones are asked for too), a page size, no
    cursor of another list (those are refused alike on both paths and would hide the rest)."""

    def __init__(self, info: graphql.TypeInfo, ids: dict[str, list[str]], pick: random.Random):
        super().__init__()
        self.info, self.ids, self.pick = info, ids, pick

    def _id(self, type_name: str | None) -> graphql.StringValueNode:
        pool = self.ids.get(type_name or "") or [i for ids in self.ids.values() for i in ids]
        return graphql.StringValueNode(value=self.pick.choice(pool))

    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
        name = node.name.value
        if name in ("after", "before", "last"):
            return graphql.REMOVE
        if name == "first":
            size = graphql.IntValueNode(value=str(self.pick.choice((1, 3, 20))))
            return graphql.ArgumentNode(name=node.name, value=size)
        if name in ("id", "ids"):
            field = self.info.get_field_def()
            target = graphql.get_named_type(field.type).name if field else None
            chosen = self._id(target)
            value: graphql.ValueNode = (
                graphql.ListValueNode(values=(chosen,)) if name == "ids" else chosen
            )
            return graphql.ArgumentNode(name=node.name, value=value)
        if name in REFERENCE:
            return graphql.ArgumentNode(name=node.name, value=self._id(REFERENCE[name]))
        return None

    def enter_object_field(self, node: graphql.ObjectFieldNode, *_: Any) -> Any:
        name = node.name.value
        if name in REFERENCE and isinstance(node.value, graphql.StringValueNode):
            return graphql.ObjectFieldNode(name=node.name, value=self._id(REFERENCE[name]))
        return None


def drawn(schema: graphql.GraphQLSchema, count: int, ids: dict[str, list[str]]) -> list[str]:
    """`count` distinct queries of `schema`, the same ones on every run."""
    found: list[str] = []
    pick = random.Random(8)

    def realistic(document: graphql.DocumentNode) -> str:
        info = graphql.TypeInfo(schema)
        visitor = graphql.TypeInfoVisitor(info, _Realistic(info, ids, pick))
        return graphql.print_ast(graphql.visit(document, visitor))

    @seed(8)
    @settings(
        max_examples=count * 3,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(schema, custom_scalars=SCALARS, allow_x00=False, print_ast=realistic))
    def collect(query: object) -> None:
        if len(found) < count and query not in found:
            found.append(str(query))

    collect()
    return found


async def every_id(api: Api) -> dict[str, list[str]]:
    """The global ids of every record of the main types in the world, whoever may see it."""
    ids: dict[str, list[str]] = {}
    async with api.engine.connect() as conn:
        for type_name, table in TABLES.items():
            rows = await conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))
            ids[type_name] = [encode_id(type_name, pk) for (pk,) in rows]
    assert sum(map(len, ids.values())) > 20
    return ids


TABLES = {
    "Customer": "customer",
    "Contact": "contact",
    "Lead": "lead",
    "Opportunity": "opportunity",
    "Ticket": "ticket",
    "User": "app_user",
    "Partner": "partner",
    "Asset": "asset",
    "Contract": "contract",
    "Campaign": "campaign",
    "ServiceVisit": "service_visit",
    "Interaction": "interaction",
    "Task": "task",
}


async def _resolvers_only(*_: Any, **__: Any) -> None:
    return None


@pytest.fixture
async def world(api: Api) -> scenario.Scenario:
    return await scenario.build(api.engine)


@pytest.mark.parametrize("sub", list(ROLE_OF))
async def test_random_queries_answer_alike_on_both_paths(
    api: Api, world: scenario.Scenario, monkeypatch: pytest.MonkeyPatch, sub: str
) -> None:
    schema = role_schema(api, ROLE_OF[sub])
    compiled = answered = 0
    for query in drawn(schema, EXAMPLES, await every_id(api)):
        served = await api.post(query, None, sub=sub)
        with monkeypatch.context() as patch:
            patch.setattr(graphql_http, "compiled_read", _resolvers_only)
            reference = await api.post(query, None, sub=sub)
        assert served.status_code == reference.status_code, (query, served.text, reference.text)
        body, expected = served.json(), reference.json()
        body.pop("extensions", None)
        expected.pop("extensions", None)
        assert body == expected, f"{sub}: {difference(body, expected)} in {query}"
        compiled += served.headers.get("x-prism-read-path") == "compiled"
        answered += bool(body.get("data")) and "errors" not in body
    # The draw is no use if nothing was answered, or if the compiler never served one.
    assert answered >= EXAMPLES // 4, answered
    assert compiled >= 1
