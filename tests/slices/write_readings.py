"""What the write matrix reads around each cell: the mutations and inputs each role's schema
shows, and the database before and after (a digest of every table, the policy's lines, a
row's version).
"""

from __future__ import annotations

from sqlalchemy import text

from persistence import models as m
from schema.ids import decode_id
from tests.conftest import Api
from tests.slices.write_oracle import MUTATIONS, REFERENCE_TYPES, absent_types, id_fields

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


# Mutation -> (input type, input fields), as a role's schema shows it.
RoleSchema = dict[str, tuple[str, frozenset[str]]]
Digest = dict[str, tuple[int, str]]


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
