"""No leak, no gap: in random worlds every viewer sees exactly what CONTRACT §3 gives its role.

Hypothesis draws a world (`tests/slices/world.py`); each example empties the database, inserts
the world and then, signed in as one user of each of the seven roles, asks for every
root list of that role's schema, every record of the world by ID (`nodes(ids:)`, which resolves
each ID exactly as `node(id:)` does), and under every visible
customer its nested connections, `timeline` and `lifetimeValue`, plus each reference field
(`owner`, `partner`, `customer`, ...). All of it must match `tests/slices/oracle.py`, which
knows nothing of `authz`: no row beyond the oracle (a leak) and none missing (a gap), with
`totalCount` equal to the number of rows the oracle allows.

How async meets Hypothesis: `@given` sits on the `async def` test and pytest-asyncio runs each
example's coroutine on the session loop (it substitutes `hypothesis.inner_test`), so the `api`
fixture is built once per test and the world is cleared at the start of every example; the
viewers are drawn inside the example with `st.data()`. The number of worlds is
`PRISM_NO_LEAK_EXAMPLES` (default 30).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from schema.ids import decode_id, encode_id
from tests.conftest import Api
from tests.slices.oracle import Slice, field_present, visible
from tests.slices.world import ROLES, TYPES, World, worlds
from tests.slices.world_db import Ids, clear, insert_world, viewer_sub

# 30 worlds x 7 viewers take about a minute on a quiet 2-core machine; raise it for a deep run.
EXAMPLES = int(os.environ.get("PRISM_NO_LEAK_EXAMPLES", "30"))
# Shrinking re-runs whole worlds through HTTP for minutes; the failure message already names
# the role, the user and the row. Set PRISM_NO_LEAK_SHRINK=1 to get a minimal world anyway.
PHASES = (
    tuple(Phase) if os.environ.get("PRISM_NO_LEAK_SHRINK") else tuple(set(Phase) - {Phase.shrink})
)
NODE_CHUNK = 100

ROOT_LISTS = {
    "customers": "Customer",
    "contacts": "Contact",
    "leads": "Lead",
    "opportunities": "Opportunity",
    "tickets": "Ticket",
    "serviceVisits": "ServiceVisit",
    "assets": "Asset",
    "contracts": "Contract",
    "interactions": "Interaction",
    "partners": "Partner",
    "users": "User",
    "tasks": "Task",
}

# Reference fields: (GraphQL field, target type, attribute of the world's row holding its index).
REFS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Customer": (("owner", "User", "owner"), ("partner", "Partner", "partner")),
    "Contact": (("customer", "Customer", "customer"),),
    "Asset": (("customer", "Customer", "customer"),),
    "Contract": (("customer", "Customer", "customer"),),
    "Opportunity": (
        ("customer", "Customer", "customer"),
        ("owner", "User", "owner"),
        ("partner", "Partner", "partner"),
    ),
    "Lead": (("assignee", "User", "assignee"), ("partner", "Partner", "partner")),
    "Ticket": (
        ("customer", "Customer", "customer"),
        ("contact", "Contact", "contact"),
        ("asset", "Asset", "asset"),
        ("assignee", "User", "assignee"),
    ),
    "ServiceVisit": (("ticket", "Ticket", "ticket"), ("technician", "User", "technician")),
    "Interaction": (
        ("customer", "Customer", "customer"),
        ("contact", "Contact", "contact"),
        ("lead", "Lead", "lead"),
    ),
    "Task": (("assignee", "User", "assignee"),),
    "User": (("partner", "Partner", "partner"), ("manager", "User", "manager")),
}

# Connections under a customer: field -> type of its rows.
CUSTOMER_CHILDREN = {
    "contacts": "Contact",
    "assets": "Asset",
    "contracts": "Contract",
    "opportunities": "Opportunity",
    "tickets": "Ticket",
    "interactions": "Interaction",
    "surveyResponses": "SurveyResponse",
    "tasks": "Task",
}
TIMELINE_TYPES = ("Interaction", "TicketEvent", "OpportunityStageChange", "ServiceVisit")


# --- the questions, a few documents per role ------------------------------------------------
#
# The API limits one request to 5000 cost points (a connection costs its page size times what
# each node selects) and a viewer to 20000 points a minute, as it would for any client. So each
# connection asks for a page as large as the whole world's rows of its type, passed as the
# variable `$<Type>` (`$Feed` for timelines): enough for every row, whatever the slice, while
# the oracle's answer stays out of the question. The root lists go in three requests.

LIST_GROUPS = (
    ("customers",),
    ("tickets", "serviceVisits", "contacts", "assets", "contracts"),
    ("leads", "opportunities", "interactions", "partners", "users", "tasks"),
)
NODES_DOCUMENT = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def _connection(field: str, size: str, selection: str) -> str:
    page = "totalCount pageInfo { hasNextPage }"
    return f"{field}(first: ${size}) {{ {page} nodes {{ {selection} }} }}"


def _refs(role: str, present: frozenset[str], type_name: str) -> list[tuple[str, str, str]]:
    return [
        ref
        for ref in REFS.get(type_name, ())
        if ref[1] in present and field_present(role, type_name, ref[0])
    ]


def _selection(role: str, present: frozenset[str], type_name: str) -> str:
    """A root list's rows: references, and the nested lists (their rows' ids are enough, since
    references resolve through the same scoped loaders wherever the row was found)."""
    parts = ["id", *(f"{field} {{ id }}" for field, _, _ in _refs(role, present, type_name))]
    if type_name == "Ticket":
        parts.append(_connection("serviceVisits", "ServiceVisit", "id"))
    if type_name == "Customer":
        parts += [
            _connection(field, child, "id")
            for field, child in CUSTOMER_CHILDREN.items()
            if child in present
        ]
        parts.append(_connection("timeline", "Feed", "__typename ... on Node { id }"))
        if field_present(role, "Customer", "lifetimeValue"):
            parts.append("lifetimeValue")
    return " ".join(parts)


@cache
def lists_document(role: str, present: frozenset[str], fields: tuple[str, ...]) -> str | None:
    roots = [
        _connection(field, ROOT_LISTS[field], _selection(role, present, ROOT_LISTS[field]))
        for field in fields
        if ROOT_LISTS[field] in present
    ]
    if not roots:
        return None
    body = " ".join(roots)
    sizes = sorted(set(re.findall(r"\$(\w+)", body)))
    return f"query({', '.join(f'${n}: Int!' for n in sizes)}) {{ {body} }}"


def page_sizes(world: World) -> dict[str, int]:
    """Every row of the world fits one page: sizes from the world, never from the slice."""
    sizes = {t: max(1, world.count(t)) for t in TYPES}
    feed = sum(world.count(t) for t in TIMELINE_TYPES)
    return {**sizes, "Feed": max(1, feed)}


# --- the answers against the oracle ---------------------------------------------------------


class ViewerCheck:
    """One viewer of one world: compares what the API returned with the oracle's slice."""

    def __init__(self, world: World, ids: Ids, me: int) -> None:
        self.world, self.ids, self.me = world, ids, me
        self.role = world.users[me].role
        self.slice: Slice = visible(world, me)
        self.present = frozenset(self.slice)
        self.index = {t: {pk: i for i, pk in enumerate(pks)} for t, pks in ids.items()}

    def gid(self, type_name: str, index: int) -> str:
        return encode_id(type_name, self.ids[type_name][index])

    def _where(self, what: str) -> str:
        return f"{self.role} (user {self.me}) {what}"

    def connection(
        self, conn: dict[str, Any], type_name: str, rows: set[int], what: str, *, root: bool
    ) -> None:
        expected = {self.gid(type_name, i) for i in rows}
        got = [node["id"] for node in conn["nodes"]]
        leaked = sorted(self._describe(g) for g in set(got) - expected)
        missing = sorted(self._describe(g) for g in expected - set(got))
        assert not leaked, self._where(f"{what}: leaked {leaked} (missing {missing})")
        assert not missing, self._where(f"{what}: missing {missing}")
        assert len(got) == len(expected), self._where(f"{what}: duplicates {got}")
        assert conn["totalCount"] == len(expected), self._where(f"{what}: totalCount")
        assert conn["pageInfo"]["hasNextPage"] is False, self._where(f"{what}: hasNextPage")
        for node in conn["nodes"] if root else ():
            self.node(type_name, node, what)

    def _describe(self, global_id: str) -> str:
        type_name, pk = decode_id(global_id)
        return f"{type_name}#{self.index.get(type_name, {}).get(pk, '?')}"

    def node(self, type_name: str, node: dict[str, Any], what: str) -> None:
        found, pk = decode_id(node["id"])
        assert found == type_name, self._where(f"{what}: {node['id']} is a {found}")
        index = self.index[type_name][pk]
        row = self.world.rows(type_name)[index] if type_name != "Partner" else None
        for field, target, attribute in _refs(self.role, self.present, type_name):
            ref = getattr(row, attribute)
            expected = self.gid(target, ref) if ref in self.slice[target] else None
            got = node[field]["id"] if node[field] is not None else None
            assert got == expected, self._where(f"{what}: {type_name}#{index}.{field}")
        if type_name == "Ticket":
            visits = {v for v in self.slice["ServiceVisit"] if self.world.visits[v].ticket == index}
            what = f"ticket {index}.serviceVisits"
            self.connection(node["serviceVisits"], "ServiceVisit", visits, what, root=False)
        if type_name == "Customer":
            self.customer(index, node)

    def customer(self, index: int, node: dict[str, Any]) -> None:
        where = f"customer {index}"
        for field, child in CUSTOMER_CHILDREN.items():
            if child in self.present:
                rows = {i for i in self.slice[child] if self._about(child, i) == index}
                self.connection(node[field], child, rows, f"{where}.{field}", root=False)
        feed = {
            self.gid(t, i)
            for t in TIMELINE_TYPES
            if t in self.present
            for i in self.slice[t]
            if self.world.rows(t)[i].customer == index
        }
        timeline = node["timeline"]
        got = [entry["id"] for entry in timeline["nodes"]]
        assert sorted(got) == sorted(feed), self._where(f"{where}.timeline")
        assert timeline["totalCount"] == len(feed), self._where(f"{where}.timeline totalCount")
        if "lifetimeValue" in node:
            expected = self._won(index)
            assert Decimal(node["lifetimeValue"]) == expected, self._where(f"{where}.lifetimeValue")

    def _won(self, customer: int) -> Decimal:
        """lifetimeValue: the customer's CLOSED_WON deals, only those in the slice."""
        deals = [self.world.opportunities[i] for i in self.slice["Opportunity"]]
        won = [o.amount for o in deals if o.customer == customer and o.stage == "CLOSED_WON"]
        return Decimal(sum(won))

    def _about(self, type_name: str, index: int) -> int | None:
        if type_name == "Task":
            about = self.world.tasks[index].about
            return about[1] if about is not None and about[0] == "Customer" else None
        customer: int | None = self.world.rows(type_name)[index].customer
        return customer

    def lists(self, fields: tuple[str, ...], data: dict[str, Any]) -> None:
        for field in fields:
            type_name = ROOT_LISTS[field]
            if type_name in self.present:
                self.connection(data[field], type_name, self.slice[type_name], field, root=True)

    def every_record(self) -> list[tuple[str, int]]:
        return [(t, i) for t in TYPES for i in range(len(self.ids[t]))]

    def nodes(self, asked: list[tuple[str, int]], found: list[Any]) -> None:
        for (type_name, index), node in zip(asked, found, strict=True):
            allowed = index in self.slice.get(type_name, set())
            expected = {"id": self.gid(type_name, index)} if allowed else None
            assert node == expected, self._where(f"node({type_name}#{index})")


async def _ask(api: Api, document: str, sub: str, variables: dict[str, Any] | None = None) -> Any:
    body = await api.query(document, variables, sub=sub)
    assert "errors" not in body, body["errors"]
    return body["data"]


async def check_viewer(api: Api, world: World, ids: Ids, me: int) -> None:
    check = ViewerCheck(world, ids, me)
    sub = viewer_sub(me)
    for fields in LIST_GROUPS:
        document = lists_document(check.role, check.present, fields)
        if document is not None:
            check.lists(fields, await _ask(api, document, sub, page_sizes(world)))
    records = check.every_record()
    for start in range(0, len(records), NODE_CHUNK):
        asked = records[start : start + NODE_CHUNK]
        variables = {"ids": [check.gid(t, i) for t, i in asked]}
        check.nodes(asked, (await _ask(api, NODES_DOCUMENT, sub, variables))["nodes"])


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # `api` is shared; each example clears the data
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds(), data=st.data())
async def test_every_viewer_sees_exactly_the_contract_slice(
    api: Api, world: World, data: st.DataObject
) -> None:
    await clear(api.engine)
    ids = await insert_world(api.engine, world)
    for role in ROLES:  # one viewer of each role, drawn among the world's users of that role
        users = [i for i, u in enumerate(world.users) if u.role == role]
        await check_viewer(api, world, ids, data.draw(st.sampled_from(users), label=role))
