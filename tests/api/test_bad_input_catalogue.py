"""The bad-input catalogue: hostile and broken requests through HTTP. Each gets its clear error
code, none writes anything, and no answer carries a traceback, SQL or a driver's name."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    build_schema,
    get_named_type,
)
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import insert, text

from authn.devkeys import DEV_ISSUER, issue_dev_token, load_or_create_dev_key
from persistence import models as m
from persistence.models import TABLES_IN_DELETE_ORDER
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = build_schema((ROOT / "schema/sdl/ADMIN.graphql").read_text())
LEAKS = ("Traceback", 'File "', "sqlalchemy", "asyncpg", "psycopg", "SELECT ", "INSERT ", "UPDATE ")
# Tables a refused request must leave alone (the policy and the rate-limit counters aside).
DATA_TABLES = [t for t in TABLES_IN_DELETE_ORDER if t not in ("casbin_rule", "rate_limit_window")]
INJECTIONS = ["' OR 1=1 --", "%", "_", "\\", "$1", "'); DROP TABLE customer; --", "a\u0000b"]
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id name } userErrors { field message code } } }"""


# --- helpers ------------------------------------------------------------------------------


def no_leak(response: httpx.Response) -> None:
    for leak in LEAKS:
        assert leak not in response.text, response.text


def refused(response: httpx.Response, status: int, code: str, fragment: str) -> None:
    """Refused before execution: one error with the code, a message naming the problem."""
    assert response.status_code == status, response.text
    no_leak(response)
    body = response.json()
    assert "data" not in body, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert fragment in error["message"], error


def bad_input(response: httpx.Response, fragment: str = "") -> None:
    """BAD_USER_INPUT as a request error, a field error or a payload's userErrors."""
    assert response.status_code in (200, 400), response.text
    no_leak(response)
    body = response.json()
    errors = body.get("errors") or [
        e for payload in (body.get("data") or {}).values() for e in payload["userErrors"]
    ]
    codes = {(e.get("extensions") or e).get("code") for e in errors}
    assert codes == {"BAD_USER_INPUT"}, body
    assert any(fragment in e["message"] for e in errors), body


async def data_rows(api: Api) -> dict[str, int]:
    async with api.engine.connect() as conn:
        return {
            t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in DATA_TABLES
        }


async def writes_nothing(api: Api, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    before = await data_rows(api)
    response = await send()
    assert await data_rows(api) == before, response.text
    return response


async def world(api: Api) -> dict[str, str]:
    """An admin and one row of every type, so a filter that let everything through would show."""
    db = api.engine
    await f.user(db, "ADMIN", external_id="admin")
    rep = await f.user(db, "SALES_REP")
    partner = await f.partner(db)
    cid = await f.customer(db, name="Alpha", owner_id=rep, partner_id=partner)
    ticket = await f.ticket(db, cid, assignee_id=rep)
    opportunity = await f.opportunity(db, cid)
    await f.contact(db, cid)
    await f.asset(db, cid)
    await f.contract(db, cid)
    await f.interaction(db, cid)
    await f.service_visit(
        db, ticket, cid, scheduled_start=f.NOW, scheduled_end=f.NOW + timedelta(hours=1)
    )
    lead = await f.lead(db)
    async with db.begin() as conn:
        task = m.Task.__table__
        task_id = await conn.scalar(
            insert(task)
            .values(subject="Call back", due_at=f.NOW, customer_id=cid)
            .returning(task.c.id)
        )
        hook = m.WebhookEndpoint.__table__
        endpoint = await conn.scalar(
            insert(hook)
            .values(url="https://hooks.example.com/a", events=["ticket.created"], secret="whsec_x")
            .returning(hook.c.id)
        )
        rule = m.AssignmentRule.__table__
        rule_id = await conn.scalar(
            insert(rule).values(name="East", assignee_ids=[rep]).returning(rule.c.id)
        )
        nurture = m.NurtureSequence.__table__
        sequence_id = await conn.scalar(
            insert(nurture)
            .values(name="白皮书培育", trigger_kind="CONTENT_DOWNLOAD")
            .returning(nurture.c.id)
        )
        weight = m.ScoringRule.__table__
        scoring_id = await conn.scalar(
            insert(weight)
            .values(name="Demo", kind="BEHAVIOUR", points=25, interaction_kind="DEMO_REQUEST")
            .returning(weight.c.id)
        )
    return {
        "nurtureSequence": encode_id("NurtureSequence", int(sequence_id or 0)),
        "task": encode_id("Task", int(task_id or 0)),
        "webhookEndpoint": encode_id("WebhookEndpoint", int(endpoint or 0)),
        "assignmentRule": encode_id("AssignmentRule", int(rule_id or 0)),
        "scoringRule": encode_id("ScoringRule", int(scoring_id or 0)),
        "campaign": encode_id("Campaign", 1),
        "customer": encode_id("Customer", cid),
        "ticket": encode_id("Ticket", ticket),
        "lead": encode_id("Lead", lead),
        "opportunity": encode_id("Opportunity", opportunity),
        "user": encode_id("User", rep),
        "partner": encode_id("Partner", partner),
    }


def raw(api: Api, content: bytes | str, content_type: str = "application/json") -> Any:
    headers = {"authorization": f"Bearer {api.token('admin')}", "content-type": content_type}
    return lambda: api.client.post("/graphql", content=content, headers=headers)


# --- hostile documents --------------------------------------------------------------------


def _fragment_bomb(levels: int) -> str:
    chain = " ".join(
        f"fragment F{i} on Customer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return (
        f"{{ customers {{ nodes {{ ...F0 }} }} }} {chain} fragment F{levels} on Customer {{ id }}"
    )


def _deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"manager {{ {inner} }}"
    return f"{{ viewer {{ user {{ {inner} }} }} }}"


HOSTILE_DOCUMENTS = {
    "depth bomb": (_deep(60), "levels deep limit"),
    "parser nesting bomb": ("{ a " * 400 + "}" * 400, "nests selections too deeply"),
    "nested list value": (
        "{ customers(filter: {region: " + "[" * 300 + "]" * 300 + "}) { totalCount } }",
        "nests selections too deeply",
    ),
    "alias bomb": ("{ " + " ".join(f"a{i}: __typename" for i in range(600)) + " }", "aliases"),
    "token bomb": ("{ " + "__typename " * 100_000 + "}", "tokens limit"),
    "comment bomb": ("{ __typename }\n" + "#\n" * 5000, "tokens limit"),
    "directive bomb": ("{ " + "__typename @skip(if: false) " * 200 + "}", "directives limit"),
    "fragment bomb": (_fragment_bomb(60), "fields limit"),
    "overlapping fields": ("{ " + "viewer { user { id } } " * 280 + "}", "fields limit"),
    "cost bomb": (
        "{ customers(first: 100) { nodes { contacts(first: 100) { nodes { customer {"
        " contacts(first: 100) { totalCount } } } } } } }",
        "cost points limit",
    ),
    "mutation alias bomb": (
        "mutation { "
        + " ".join(f'a{i}: createCustomer(input: {{name: "x", region: NORTH}}) {{ __typename }}'
                   for i in range(20))
        + " }",
        "aliases limit",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE_DOCUMENTS, ids=list(HOSTILE_DOCUMENTS))
async def test_hostile_documents_are_too_complex(api: Api, case: str) -> None:
    await world(api)
    query, fragment = HOSTILE_DOCUMENTS[case]
    started = time.monotonic()
    response = await writes_nothing(api, lambda: api.post(query, sub="admin"))
    refused(response, 400, "QUERY_TOO_COMPLEX", fragment)
    assert time.monotonic() - started < 2, "refusing a hostile document must be cheap"


async def test_a_fragment_cycle_is_invalid(api: Api) -> None:
    await world(api)
    cycle = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }"
    bad_input(await api.post(cycle, sub="admin"), "Cannot spread fragment")


# --- huge inputs --------------------------------------------------------------------------


async def test_huge_strings_and_lists(api: Api) -> None:
    ids = await world(api)
    megabyte = "x" * 1_000_000
    search = "query($s: String) { customers(filter: {search: $s}) { totalCount } }"
    bad_input(await api.post(search, {"s": megabyte}, sub="admin"), "must be at most")
    big_name = {"input": {"name": megabyte, "region": "NORTH"}}
    response = await writes_nothing(api, lambda: api.post(CREATE_CUSTOMER, big_name, sub="admin"))
    bad_input(response, "name must be at most 200 characters")
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    bad_input(await api.post(nodes, {"ids": [ids["customer"]] * 10_000}, sub="admin"), "100 IDs")
    regions = "query($r: [Region!]) { customers(filter: {region: $r}) { totalCount } }"
    many = await api.post(regions, {"r": ["NORTH", "SOUTH"] * 5_000}, sub="admin")
    assert many.json()["data"] == {"customers": {"totalCount": 1}}


async def test_a_body_over_the_limit_is_refused_unread(api: Api) -> None:
    await world(api)
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 2 * 1024 * 1024}})
    refused(await raw(api, body)(), 413, "BAD_USER_INPUT", "Request body too large")


# --- broken JSON and text -----------------------------------------------------------------


NESTED = "[" * 10_000 + "]" * 10_000
BROKEN_BODIES = {
    "invalid UTF-8": (b'{"query": "{ __typename }", "x": "\xff\xfe"}', "not valid JSON"),
    "not JSON": (b"query { __typename }", "not valid JSON"),
    "JSON nested 10,000 levels": (
        '{"query": "{ __typename }", "variables": {"v": ' + NESTED + "}}",
        "nests JSON too deeply",
    ),
    "variables nested 100 levels": (
        '{"query": "{ __typename }", "variables": {"v": ' + "[" * 100 + "]" * 100 + "}}",
        "nest deeper than 32 levels",
    ),
    "a lone surrogate": (
        '{"query": "{ __typename }", "variables": {"s": "\\ud800"}}',
        "not UTF-8",
    ),
    "a number": (b"42", "must be a JSON object"),
    "no query": (b'{"variables": {}}', "`query` must be a non-empty string"),
    "variables not an object": (
        b'{"query": "{ __typename }", "variables": [1]}',
        "`variables` must be an object",
    ),
    "a batch": (
        b'[{"query": "{ __typename }"}, {"query": "{ __typename }"}]',
        "Batched requests (a JSON array of operations) are not supported",
    ),
}


@pytest.mark.parametrize("case", BROKEN_BODIES, ids=list(BROKEN_BODIES))
async def test_broken_bodies_are_bad_input(api: Api, case: str) -> None:
    await world(api)
    content, fragment = BROKEN_BODIES[case]
    refused(await raw(api, content)(), 400, "BAD_USER_INPUT", fragment)


async def test_a_nul_in_the_document_is_a_syntax_error(api: Api) -> None:
    await world(api)
    bad_input(await api.post("{ __typename \u0000 }", sub="admin"), "Syntax Error")


async def test_broken_mutation_bodies_write_nothing(api: Api) -> None:
    ids = await world(api)
    create = {"query": CREATE_CUSTOMER, "variables": {"input": {"name": "X", "region": "NORTH"}}}
    batch = json.dumps([create, create])
    refused(await writes_nothing(api, raw(api, batch)), 400, "BAD_USER_INPUT", "Batched")
    visit = """mutation($input: RecordServiceVisitInput!) { recordServiceVisit(input: $input) {
      userErrors { message code } } }"""
    parts: Any = "bolt"
    for _ in range(40):
        parts = {"parts": [parts]}
    deep = {
        "ticketId": ids["ticket"],
        "scheduledStart": "2026-11-02T09:00:00+00:00",
        "scheduledEnd": "2026-11-02T10:00:00+00:00",
        "partsUsed": parts,
    }
    body = json.dumps({"query": visit, "variables": {"input": deep}})
    refused(await writes_nothing(api, raw(api, body)), 400, "BAD_USER_INPUT", "nest deeper")
    nul = {"input": {**deep, "partsUsed": {"bolt\u0000": ["M8\u0000"]}}}
    bad_input(await writes_nothing(api, lambda: api.post(visit, nul, sub="admin")), "NUL")
    surrogate = json.dumps(create).replace('"X"', '"\\udfff"')
    refused(await writes_nothing(api, raw(api, surrogate)), 400, "BAD_USER_INPUT", "not UTF-8")


# --- transport: content types and methods -------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/graphql",
        "",
    ],
)
async def test_only_json_posts_are_read(api: Api, content_type: str) -> None:
    """A browser can send forms and text/plain cross-site without a preflight: refuse them."""
    await world(api)
    create = {"query": CREATE_CUSTOMER, "variables": {"input": {"name": "CSRF", "region": "NORTH"}}}
    body = json.dumps(create) if "form" not in content_type else f"query={CREATE_CUSTOMER}"
    response = await writes_nothing(api, raw(api, body, content_type))
    refused(response, 415, "BAD_USER_INPUT", "POST requires Content-Type: application/json")


async def test_get_runs_no_mutation(api: Api) -> None:
    await world(api)
    params = {
        "query": CREATE_CUSTOMER,
        "variables": json.dumps({"input": {"name": "Via GET", "region": "NORTH"}}),
    }
    headers = {"authorization": f"Bearer {api.token('admin')}"}
    response = await writes_nothing(
        api, lambda: api.client.get("/graphql", params=params, headers=headers)
    )
    refused(response, 405, "BAD_USER_INPUT", "GET runs queries only")
    assert response.headers["allow"] == "POST"


# --- IDs ----------------------------------------------------------------------------------

BY_ID = [
    name
    for name, field in SCHEMA.query_type.fields.items()  # type: ignore[union-attr]
    if list(field.args) == ["id"] and name != "node"
]


@pytest.mark.parametrize("field", BY_ID)
async def test_malformed_and_foreign_ids_on_every_root_lookup(api: Api, field: str) -> None:
    ids = await world(api)
    query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
    for malformed in ("zzz", "", "' OR 1=1 --", base64.b64encode(b"Customer:1 OR 1=1").decode()):
        bad_input(await api.post(query, {"id": malformed}, sub="admin"), "not a valid Prism ID")
    foreign = ids["partner"] if field != "partner" else ids["customer"]
    bad_input(await api.post(query, {"id": foreign}, sub="admin"), "must be the ID of a")


async def test_foreign_ids_in_mutations_write_nothing(api: Api) -> None:
    ids = await world(api)
    update = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
      customer { id } userErrors { field message code } } }"""
    for customer_id in (ids["ticket"], "zzz"):
        variables = {"input": {"customerId": customer_id, "name": "Hijacked"}}
        response = await writes_nothing(api, lambda v=variables: api.post(update, v, sub="admin"))
        bad_input(response)
    variables = {"input": {"name": "X", "region": "NORTH", "ownerId": ids["customer"]}}
    response = await writes_nothing(api, lambda: api.post(CREATE_CUSTOMER, variables, sub="admin"))
    bad_input(response, "must be the ID of a User")


# --- SQL injection ------------------------------------------------------------------------

ROOT_LISTS = [
    name
    for name, field in SCHEMA.query_type.fields.items()  # type: ignore[union-attr]
    if "filter" in field.args
]


def text_filters(root: str) -> dict[str, str]:
    """The filter's fields a string can be put in: name -> scalar type name."""
    filter_type = get_named_type(SCHEMA.query_type.fields[root].args["filter"].type)  # type: ignore[union-attr]
    assert isinstance(filter_type, GraphQLInputObjectType)
    return {
        name: named.name
        for name, field in filter_type.fields.items()
        if (named := get_named_type(field.type)).name in ("String", "ID", "DateTime", "Date")
    }


@pytest.mark.parametrize("root", ROOT_LISTS)
async def test_injection_strings_in_every_filter_match_nothing(api: Api, root: str) -> None:
    await world(api)
    filters = text_filters(root)
    assert filters, root
    before = await data_rows(api)
    for name, scalar in filters.items():
        query = f"""query($v: {scalar}) {{ {root}(filter: {{{name}: $v}}) {{
          totalCount nodes {{ id }} }} }}"""
        for value in INJECTIONS:
            response = await api.post(query, {"v": value}, sub="admin")
            if scalar == "String" and "\u0000" not in value:
                assert response.status_code == 200, response.text
                no_leak(response)
                assert response.json()["data"][root] == {"totalCount": 0, "nodes": []}, (
                    name,
                    value,
                )
            else:
                bad_input(response, "NUL" if scalar == "String" else "")
    assert await data_rows(api) == before


async def test_injection_strings_are_stored_as_written(api: Api) -> None:
    await world(api)
    for value in INJECTIONS[:-1]:
        name = f"Acme {value}"
        body = await api.query(
            CREATE_CUSTOMER, {"input": {"name": name, "region": "NORTH"}}, sub="admin"
        )
        assert body["data"]["createCustomer"]["customer"]["name"] == name  # type: ignore[index]
    search = "query($s: String) { customers(filter: {search: $s}) { totalCount } }"
    found = await api.query(search, {"s": "Acme"}, sub="admin")
    assert found["data"] == {"customers": {"totalCount": len(INJECTIONS) - 1}}


# --- NUL in every text field of every mutation ---------------------------------------------

# Which record a required `…Id` input names.
ID_OF = {
    "assignee": "user",
    "technician": "user",
    "owner": "user",
    "manager": "user",
    "assigneeIds": "user",
}


def mutation_inputs(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every mutation with a minimal input of its required fields, built from the schema."""
    mutation = SCHEMA.mutation_type
    assert mutation is not None
    samples = {"String": "ok", "Decimal": "100.00", "Int": 1, "Boolean": False}
    samples |= {"DateTime": "2026-11-02T09:00:00+00:00", "Date": "2026-12-01"}
    inputs: dict[str, dict[str, Any]] = {}

    def required(input_type: GraphQLInputObjectType) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, arg in input_type.fields.items():
            if not isinstance(arg.type, GraphQLNonNull):
                continue
            named = get_named_type(arg.type)
            if isinstance(named, GraphQLEnumType):
                values[key] = next(iter(named.values))
            elif isinstance(named, GraphQLInputObjectType):  # a nested input: its own minimum
                values[key] = required(named)
            elif named.name == "ID":
                record = key.removesuffix("Id")
                values[key] = ids[ID_OF.get(record, record)]
            else:
                values[key] = samples[named.name]
            if isinstance(arg.type.of_type, GraphQLList):
                values[key] = [values[key]]
        return values

    for name, field in mutation.fields.items():
        input_type = get_named_type(field.args["input"].type)
        assert isinstance(input_type, GraphQLInputObjectType)
        inputs[name] = {"type": input_type, "values": required(input_type)}
    return inputs


async def test_a_nul_in_any_text_field_is_bad_input_and_writes_nothing(api: Api) -> None:
    ids = await world(api)
    inputs = mutation_inputs(ids)
    assert len(inputs) == 36, inputs
    for name, spec in inputs.items():
        document = f"""mutation($input: {spec["type"].name}!) {{ {name}(input: $input) {{
          userErrors {{ field message code }} }} }}"""
        text_fields = [
            k for k, v in spec["type"].fields.items() if get_named_type(v.type).name == "String"
        ]
        for field in text_fields:
            variables = {"input": {**spec["values"], field: "a\u0000b"}}
            response = await writes_nothing(
                api, lambda d=document, v=variables: api.post(d, v, sub="admin")
            )
            bad_input(response)


# --- broken tokens ------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": DEV_ISSUER, "aud": "prism", "sub": "admin", "iat": now, "exp": now + 300} | (
        overrides
    )


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    return f"{head}.{_b64(signature)}"


def broken_tokens(api: Api) -> dict[str, str]:
    """The classic forgeries, against Prism's own dev key (test_auth_http covers an IdP's)."""
    key = load_or_create_dev_key(api.settings.data_dir)
    public = key.as_pem(private=False)
    hs_header = {"alg": "HS256", "kid": key.kid, "typ": "JWT"}
    hs_head = _unsigned(hs_header, _claims()).rsplit(".", 1)[0]
    hs_signature = hmac.new(public, hs_head.encode(), hashlib.sha256).digest()
    stranger = ECKey.generate_key("P-256", parameters={"kid": key.kid}, auto_kid=False)
    valid = issue_dev_token(key, "admin", "prism")
    head, payload, signature = valid.split(".")
    swapped = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"sub": "someone-else"}
    return {
        "expired": issue_dev_token(key, "admin", "prism", ttl=timedelta(hours=-1)),
        "wrong issuer": jwt.encode({"alg": "ES256", "kid": key.kid}, _claims(iss="evil"), key),
        "alg none": _unsigned({"alg": "none", "kid": key.kid}, _claims()),
        "HMAC keyed with the public key": f"{hs_head}.{_b64(hs_signature)}",
        "unknown kid": jwt.encode({"alg": "ES256", "kid": "no-such-key"}, _claims(), key),
        "another key, same kid": jwt.encode({"alg": "ES256", "kid": key.kid}, _claims(), stranger),
        "payload swapped": f"{head}.{_b64(json.dumps(swapped).encode())}.{signature}",
        "oversized": "a" * 20_000,
        "garbage": "not.a.jwt",
    }


async def test_every_broken_token_is_unauthenticated(api: Api) -> None:
    await world(api)
    for case, token in broken_tokens(api).items():
        headers = {"authorization": f"Bearer {token}"}
        response = await api.client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers=headers
        )
        assert response.status_code == 401, (case, response.text)
        refused(response, 401, "UNAUTHENTICATED", "")
    for header in ("Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer    "):
        response = await api.client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"authorization": header}
        )
        refused(response, 401, "UNAUTHENTICATED", "")
