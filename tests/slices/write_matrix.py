"""The write matrix: posts every cell (`tests/slices/write_oracle.py`) for the viewers of one
world and collects each answer that breaks CONTRACT §1, §3 or §5.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.conftest import Api
from tests.slices.world import ROLES, World
from tests.slices.world_db import Ids, clear, insert_world, viewer_sub
from tests.slices.write_inputs import Inputs
from tests.slices.write_oracle import (
    EFFECTS,
    MUTATIONS,
    REFERENCE_TYPES,
    Case,
    base_of,
    cases,
    id_fields,
)
from tests.slices.write_readings import (
    POLICY_TABLE,
    TABLE_OF,
    Digest,
    RoleSchema,
    deleted,
    digest,
    document,
    policy_lines,
    role_schema,
    schema_failures,
    version,
)

_serial = itertools.count(1)


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


async def matrix_for(api: Api, world: World) -> Matrix:
    """A matrix for `world`, inserted, with every role's schema read by one of its users."""
    await clear(api.engine)
    await insert_world(api.engine, world)
    subs = {u.role: viewer_sub(i) for i, u in enumerate(world.users)}
    schemas = {role: await role_schema(api, subs[role]) for role in ROLES}
    matrix = Matrix(api, world, schemas)
    await matrix.start()
    return matrix
