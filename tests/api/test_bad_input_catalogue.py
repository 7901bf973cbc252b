"""The bad-input catalogue: hostile and broken requests through HTTP. Each gets its clear error
code, none writes anything, and no answer carries a traceback, SQL or a driver's name.

Here the documents, bodies, transport and tokens; malformed IDs, injection strings and NULs in
the values are in `test_bad_input_values.py`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from authn.devkeys import DEV_ISSUER, issue_dev_token, load_or_create_dev_key
from tests.api.bad_input_kit import CREATE_CUSTOMER, bad_input, raw, refused, world, writes_nothing
from tests.conftest import Api

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
