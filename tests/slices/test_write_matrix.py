"""Write authorization, cell by cell: every mutation x every role x (own target, foreign
target, a foreign or nonexistent ID in each reference field), against `write_oracle.py`.

For each cell the viewer posts one mutation through the app and the test asserts what
CONTRACT §1, §3 and §5 promise:

- a mutation the role may never call is absent from its schema (a GraphQL error, no data; a
  read-only role has no mutation type), also when the input is about a lead alone;
- a reference field to a type absent from the role's schema is absent from its input;
- an own, valid write succeeds and shows in the database (one new row, or `version` + 1);
- a foreign ID (exists, outside the slice) and a nonexistent one both get `NOT_FOUND` on that
  field, with the same field and message, so IDs cannot be probed;
- a contact or asset of another visible customer is `BAD_USER_INPUT`;
- a refused write changes nothing: a digest of every domain table (row count and md5 of all
  rows) is the same before and after; every response is HTTP 200.

A write that changed the world is undone by inserting the world again. Every failing cell is
collected, and one assertion lists them all. Two tests: a hand-built anchor world in which every
role has own and foreign rows of every kind (and the test asserts that every cell ran), and
Hypothesis worlds as in `test_no_leak.py` (`PRISM_WRITE_MATRIX_EXAMPLES`, default 4).
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from persistence import models as m
from schema.ids import decode_id
from tests.conftest import Api
from tests.slices.world import (
    ROLES,
    ChildRow,
    CustomerRow,
    Ids,
    InteractionRow,
    LeadRow,
    OpportunityRow,
    TaskRow,
    TicketRow,
    UserRow,
    VisitRow,
    World,
    clear,
    insert_world,
    viewer_sub,
    worlds,
)
from tests.slices.write_oracle import (
    EFFECTS,
    MUTATIONS,
    REFERENCE_TYPES,
    Case,
    Inputs,
    absent_types,
    base_of,
    cases,
    id_fields,
)

EXAMPLES = int(os.environ.get("PRISM_WRITE_MATRIX_EXAMPLES", "4"))
PHASES = (
    tuple(Phase)
    if os.environ.get("PRISM_WRITE_MATRIX_SHRINK")
    else tuple(set(Phase) - {Phase.shrink})
)
# Tables that change on every request whatever it does: rate-limit counters, idempotency keys.
BOOKKEEPING = frozenset({m.RateLimitWindow.__tablename__, m.IdempotencyKey.__tablename__})
POLICY_TABLE = m.CasbinRule.__tablename__
TABLE_OF = {
    "Partner": m.Partner.__tablename__,
    "Campaign": m.Campaign.__tablename__,
    "User": m.User.__tablename__,
    "Customer": m.Customer.__tablename__,
    "Contact": m.Contact.__tablename__,
    "Lead": m.Lead.__tablename__,
    "Opportunity": m.Opportunity.__tablename__,
    "Ticket": m.Ticket.__tablename__,
    "ServiceVisit": m.ServiceVisit.__tablename__,
    "Interaction": m.Interaction.__tablename__,
    "Task": m.Task.__tablename__,
    "Contract": m.Contract.__tablename__,
    "WebhookEndpoint": m.WebhookEndpoint.__tablename__,
    "Job": m.Job.__tablename__,
    "AssignmentRule": m.AssignmentRule.__tablename__,
    "WebForm": m.WebForm.__tablename__,
    "NurtureSequence": m.NurtureSequence.__tablename__,
    "ScoringRule": m.ScoringRule.__tablename__,
}
INTROSPECTION = """{ __schema { mutationType { fields { name args { name type { kind name
  ofType { kind name inputFields { name } } } } } } } }"""
_serial = itertools.count(1)

# Mutation -> (input type, input fields), as a role's schema shows it.
RoleSchema = dict[str, tuple[str, frozenset[str]]]
Digest = dict[str, tuple[int, str]]


# --- the anchor world: every role has own and foreign rows of every kind --------------------

ANCHOR = World(
    partners=2,
    users=(
        UserRow("ADMIN", None, None),  # 0
        UserRow("SALES_MANAGER", None, None),  # 1
        UserRow("SALES_REP", None, 1),  # 2: in the manager's team
        UserRow("SALES_REP", None, None),  # 3: outside it
        UserRow("PARTNER_USER", 0, None),  # 4
        UserRow("PARTNER_USER", 1, None),  # 5: another partner
        UserRow("TECHNICIAN", None, None),  # 6
        UserRow("TECHNICIAN", 1, None),  # 7: another technician
        UserRow("SERVICE_AGENT", None, None),  # 8
        UserRow("ANALYST", None, None),  # 9
    ),
    customers=(
        CustomerRow(owner=2, partner=0),  # 0: the rep's, partner 0's
        CustomerRow(owner=3, partner=1),  # 1: foreign to all but ADMIN and SERVICE_AGENT
        CustomerRow(owner=1, partner=None),  # 2: the manager's own
        CustomerRow(owner=2, partner=0),  # 3: a second own customer for the same viewers
    ),
    contacts=(ChildRow(0), ChildRow(1), ChildRow(2), ChildRow(3)),
    assets=(ChildRow(0), ChildRow(1), ChildRow(3)),
    contracts=(ChildRow(0),),
    surveys=(),
    opportunities=(
        OpportunityRow(0, 2, 0, "PROPOSAL", 1000),
        OpportunityRow(1, 3, 1, "NEGOTIATION", 2000),
        OpportunityRow(2, 1, None, "QUALIFICATION", 3000),
    ),
    leads=(LeadRow(2, 0), LeadRow(3, 1), LeadRow(1, None)),
    tickets=(
        TicketRow(customer=0, contact=0, asset=0, assignee=6),
        TicketRow(customer=1, contact=1, asset=1, assignee=7),
        TicketRow(customer=2, contact=2, asset=None, assignee=None),
        TicketRow(customer=3, contact=3, asset=2, assignee=6),
    ),
    visits=(VisitRow(0, 0, 6), VisitRow(1, 1, 7)),
    interactions=(InteractionRow(0, 0, None, False), InteractionRow(None, None, 1, False)),
    tasks=tuple(TaskRow(user, None) for user in range(10)),  # one for each user
)
ANCHOR_VIEWERS = {"ADMIN": 0, "SALES_MANAGER": 1, "SALES_REP": 2, "PARTNER_USER": 4}
ANCHOR_VIEWERS |= {"TECHNICIAN": 6, "SERVICE_AGENT": 8, "ANALYST": 9}


# --- the schema each role is served ---------------------------------------------------------


async def role_schema(api: Api, sub: str) -> RoleSchema:
    response = await api.post(INTROSPECTION, sub=sub)
    assert response.status_code == 200, response.text
    mutation_type = response.json()["data"]["__schema"]["mutationType"]
    schema: RoleSchema = {}
    for field in (mutation_type or {}).get("fields", []):
        arg = next(a for a in field["args"] if a["name"] == "input")
        input_type = arg["type"]["ofType"]
        names = frozenset(f["name"] for f in input_type["inputFields"])
        schema[field["name"]] = (input_type["name"], names)
    return schema


def schema_failures(schemas: dict[str, RoleSchema]) -> list[str]:
    """The oracle knows every mutation and reference; each role's inputs lack exactly the
    references to its absent types."""
    admin = schemas["ADMIN"]
    failures = [
        f"{name}: a mutation with no oracle entry" for name in admin if name not in MUTATIONS
    ]
    failures += [
        f"{name}: in the oracle, not in ADMIN's schema" for name in MUTATIONS - admin.keys()
    ]
    for name, (_, fields) in sorted(admin.items()):
        unknown = id_fields(fields) - REFERENCE_TYPES.keys()
        failures += [f"{name}.{field}: a reference the oracle does not know" for field in unknown]
    for role, schema in schemas.items():
        if not _allowed(role) and schema:  # a read-only role has no mutation type at all
            failures.append(f"{role}: has a mutation type ({len(schema)} mutations)")
        for name in sorted(schema.keys() & admin.keys() & _allowed(role)):
            known = id_fields(admin[name][1]) & REFERENCE_TYPES.keys()
            want = {f for f in known if REFERENCE_TYPES[f] not in absent_types(role)}
            got = id_fields(schema[name][1])
            for field in sorted(got - want):
                failures.append(f"{role} {name}.{field}: in its input, but its type is absent")
            for field in sorted(want - got):
                failures.append(f"{role} {name}.{field}: missing from its input")
    return failures


def _allowed(role: str) -> set[str]:
    return {name for name, roles in MUTATIONS.items() if role in roles}


def document(name: str, input_type: str) -> str:
    extra = " lineCount" if name == "updatePolicy" else ""
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ userErrors {{ field message code }}{extra} }} }}"
    )


# --- the database, before and after ---------------------------------------------------------


async def digest(api: Api) -> Digest:
    """Row count and md5 of all rows of every table but the bookkeeping ones."""
    tables = [t for t in m.Base.metadata.tables if t not in BOOKKEEPING]
    parts = [
        f"SELECT '{t}', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))"
        f' FROM "{t}" AS x'
        for t in tables
    ]
    async with api.engine.connect() as conn:
        rows = (await conn.execute(text(" UNION ALL ".join(parts)))).all()
    return {str(name): (int(n), str(md5)) for name, n, md5 in rows}


async def policy_lines(api: Api) -> list[str]:
    query = f"SELECT ptype, v0, v1, v2, v3, v4, v5 FROM {POLICY_TABLE} ORDER BY id"
    async with api.engine.connect() as conn:
        rows = (await conn.execute(text(query))).all()
    lines = []
    for row in rows:
        values = [str(v) for v in row]
        while values and not values[-1]:
            values.pop()
        lines.append(", ".join(values))
    return lines


async def deleted(api: Api, type_name: str, global_id: str) -> bool:
    query = f"SELECT deleted_at IS NOT NULL FROM {TABLE_OF[type_name]} WHERE id = :pk"
    async with api.engine.connect() as conn:
        return bool(await conn.scalar(text(query), {"pk": decode_id(global_id)[1]}))


async def version(api: Api, type_name: str, global_id: str) -> int | None:
    query = f"SELECT version FROM {TABLE_OF[type_name]} WHERE id = :pk"
    async with api.engine.connect() as conn:
        found = await conn.scalar(text(query), {"pk": decode_id(global_id)[1]})
    return None if found is None else int(found)


# --- the matrix -----------------------------------------------------------------------------


class Matrix:
    """Runs every cell for the viewers of one world and collects what broke the contract."""

    def __init__(self, api: Api, world: World, schemas: dict[str, RoleSchema]) -> None:
        self.api, self.world, self.schemas = api, world, schemas
        self.admin = schemas["ADMIN"]
        self.schema_failures = schema_failures(schemas)
        self.problems: dict[str, list[str]] = {}
        self.exercised: set[Case] = set()
        self.ids: Ids = {}
        self.before: Digest = {}
        self.policy = ""
        self.refused: dict[tuple[int, str, str], dict[str, Any]] = {}

    async def start(self) -> None:
        await self.restore()
        self.policy = "\n".join(await policy_lines(self.api)) + "\n"

    async def restore(self) -> None:
        await clear(self.api.engine)
        self.ids = await insert_world(self.api.engine, self.world)
        self.before = await digest(self.api)

    def expected(self, me: int) -> list[Case]:
        role = self.world.users[me].role
        known = sorted(self.admin.keys() & MUTATIONS.keys())
        return [c for n in known for c in cases(n, role, id_fields(self.admin[n][1]))]

    async def viewer(self, me: int) -> None:
        for case in self.expected(me):
            await self.cell(case, me)

    def fail(self, case: Case, me: int, problem: str) -> None:
        self.problems.setdefault(f"{case} (user {me})", []).append(problem)

    @property
    def failures(self) -> list[str]:
        cells = [f"{cell}: {'; '.join(problems)}" for cell, problems in self.problems.items()]
        return self.schema_failures + sorted(cells)

    # --- one cell --------------------------------------------------------------------------

    async def cell(self, case: Case, me: int) -> None:
        inputs = Inputs(self.world, self.ids, me, self.policy, str(next(_serial)))
        values = self.input_for(case, inputs)
        if values is None:
            return  # this world has no such row; the anchor world proves coverage
        self.exercised.add(case)
        type_name, effect = EFFECTS[case.mutation]
        target = self.version_target(case.mutation, values)
        version_before = (
            await version(self.api, type_name, target) if target and effect == "version" else None
        )
        before = self.before
        body, changed = await self.post(case, me, values)
        if body is None:
            if changed:
                await self.restore()
            return
        if case.kind in ("absent", "absent-lead", "absent-field"):
            self.expect_schema_refusal(case, me, body, changed)
        elif case.kind in ("own", "own-lead"):
            added = {t: self.before[t][0] - before[t][0] for t in before if t in self.before}
            await self.expect_success(case, me, body, added, target, version_before)
        elif case.kind == "other-customer":
            self.expect_user_error(case, me, body, changed, "BAD_USER_INPUT")
        else:
            self.expect_user_error(case, me, body, changed, "NOT_FOUND")
            self.compare_refusals(case, me, body)
        if case.kind == "absent-field":
            input_fields = self.schemas[case.role].get(case.mutation, ("", frozenset()))[1]
            if case.field in input_fields:
                self.fail(case, me, "the field is in the role's input type")
        if changed:
            await self.restore()

    def input_for(self, case: Case, inputs: Inputs) -> dict[str, Any] | None:
        if case.kind in ("absent", "absent-lead"):
            return inputs.probe(case.mutation, case.kind.replace("absent", "own"))
        if case.kind == "absent-field":  # the role has no such rows: start from the usual input
            values = inputs.own(case.mutation)
        else:
            values = inputs.own(case.mutation, base_of(case) if case.field else case.kind)
        if values is None or case.field is None:
            return values
        type_name = REFERENCE_TYPES[case.field]
        if case.kind == "foreign":
            ref = inputs.foreign(type_name)
        elif case.kind == "other-customer":
            ref = inputs.other_customer(case.mutation, case.field)
        else:
            ref = inputs.missing(type_name)
        return None if ref is None else {**values, case.field: ref}

    @staticmethod
    def version_target(mutation: str, values: dict[str, Any]) -> str | None:
        type_name, effect = EFFECTS[mutation]
        if effect not in ("version", "deleted"):
            return None
        fields = [f for f, t in REFERENCE_TYPES.items() if t == type_name and f in values]
        return str(values[fields[0]]) if fields else None

    async def post(
        self, case: Case, me: int, values: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, set[str]]:
        input_type = self.admin[case.mutation][0]
        response = await self.api.post(
            document(case.mutation, input_type), {"input": values}, sub=viewer_sub(me)
        )
        after = await digest(self.api)
        changed = {
            t
            for t in after
            if after[t] != self.before.get(t)
            and (t != POLICY_TABLE or case.mutation == "updatePolicy")
        }
        self.before = after
        if response.status_code != 200:
            self.fail(case, me, f"HTTP {response.status_code}: {response.text[:200]}")
            return None, changed
        body: dict[str, Any] = response.json()
        body.pop("extensions", None)
        return body, changed

    # --- what each cell must answer --------------------------------------------------------

    def expect_schema_refusal(
        self, case: Case, me: int, body: dict[str, Any], changed: set[str]
    ) -> None:
        if not body.get("errors") or body.get("data") is not None:
            self.fail(case, me, f"in its schema: answered {_short(body)}")
        elif case.kind != "absent-field" and case.mutation in self.schemas[case.role]:
            self.fail(case, me, "refused, yet introspection shows it in the role's schema")
        if changed:
            self.fail(case, me, f"changed {sorted(changed)}")

    async def expect_success(
        self,
        case: Case,
        me: int,
        body: dict[str, Any],
        added: dict[str, int],
        target: str | None,
        version_before: int | None,
    ) -> None:
        if body.get("errors") or not body.get("data"):
            self.fail(case, me, f"refused: {_short(body)}")
            return
        payload = body["data"][case.mutation]
        if payload["userErrors"]:
            self.fail(case, me, f"refused: userErrors {payload['userErrors']}")
            return
        type_name, effect = EFFECTS[case.mutation]
        if effect == "same":
            lines = await policy_lines(self.api)
            if "\n".join(lines) + "\n" != self.policy or payload["lineCount"] != len(lines):
                self.fail(case, me, f"the policy changed ({payload['lineCount']} lines)")
        elif effect == "config":
            pass  # configuration rows: the empty userErrors above is the contract
        elif effect == "insert":
            new = added[TABLE_OF[type_name]]
            if new != 1:
                self.fail(case, me, f"{new} new {type_name} rows, not 1")
        elif effect == "deleted" and target is not None:
            if not await deleted(self.api, type_name, target):
                self.fail(case, me, f"the {type_name} is not deleted")
        elif target is not None:
            now = await version(self.api, type_name, target)
            if version_before is None or now != version_before + 1:
                self.fail(case, me, f"{type_name} version {version_before} -> {now}")

    def expect_user_error(
        self, case: Case, me: int, body: dict[str, Any], changed: set[str], code: str
    ) -> None:
        if body.get("errors") or not body.get("data"):
            self.fail(case, me, f"not an answer with userErrors: {_short(body)}")
        else:
            errors = body["data"][case.mutation]["userErrors"]
            if not any(e["field"] == case.field and e["code"] == code for e in errors):
                got = errors or "accepted"
                self.fail(case, me, f"expected {code} on {case.field}, got {got}")
        if changed:
            self.fail(case, me, f"changed {sorted(changed)}")

    def compare_refusals(self, case: Case, me: int, body: dict[str, Any]) -> None:
        """A foreign ID and a nonexistent one must get the very same userErrors."""
        assert case.field is not None
        data = body.get("data") or {}
        errors = (data.get(case.mutation) or {}).get("userErrors")
        key = (me, case.mutation, case.field)
        other = self.refused.pop(key, None)
        if other is None:
            self.refused[key] = {"kind": case.kind, "errors": errors}
            return
        if errors is not None and other["errors"] is not None and errors != other["errors"]:
            pair = Case(case.mutation, case.role, "foreign vs nonexistent", case.field)
            self.fail(pair, me, f"{other['kind']}: {other['errors']}; {case.kind}: {errors}")


def _short(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return "errors " + "; ".join(str(e.get("message"))[:120] for e in body["errors"])
    return str(body.get("data"))[:300]


# --- the tests ------------------------------------------------------------------------------


async def matrix_for(api: Api, world: World) -> Matrix:
    """A matrix for `world`, inserted, with every role's schema read by one of its users."""
    await clear(api.engine)
    await insert_world(api.engine, world)
    subs = {u.role: viewer_sub(i) for i, u in enumerate(world.users)}
    schemas = {role: await role_schema(api, subs[role]) for role in ROLES}
    matrix = Matrix(api, world, schemas)
    await matrix.start()
    return matrix


#: Mutations whose targets the anchor world does not hold: the world has open offers, PENDING
#: registrations and the admins' configuration (`world._lead_desk`), but no scoring rule. A
#: mutation listed here is tested in tests/workflows only, not cell by cell.
COVERED_ELSEWHERE = frozenset({"updateScoringRule"})  # tests/workflows/test_lead_scoring.py


def report(failures: list[str]) -> str:
    return f"{len(failures)} cells break the contract:\n" + "\n".join(failures)


async def test_anchor_world_every_cell(api: Api) -> None:
    matrix = await matrix_for(api, ANCHOR)
    for me in ANCHOR_VIEWERS.values():
        await matrix.viewer(me)
    expected = {c for me in ANCHOR_VIEWERS.values() for c in matrix.expected(me)}
    skipped = sorted(
        str(c) for c in expected - matrix.exercised if c.mutation not in COVERED_ELSEWHERE
    )
    assert not skipped, f"the anchor world leaves cells untested: {skipped}"
    assert not matrix.failures, report(matrix.failures)


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
async def test_random_worlds_every_cell(api: Api, world: World, data: st.DataObject) -> None:
    matrix = await matrix_for(api, world)
    for role in ROLES:  # one viewer of each role, drawn among the world's users of that role
        users = [i for i, u in enumerate(world.users) if u.role == role]
        await matrix.viewer(data.draw(st.sampled_from(users), label=role))
    assert not matrix.failures, report(matrix.failures)
