"""Limits on hostile queries: each configurable, each answered before any resolver runs, each
naming itself; the cost every answer reports; the request deadline. Rate limits are in
`test_rate_limits.py`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse

from bench.bench_360 import QUERY_360
from persistence import idempotency
from prism import graphql_http
from prism.limits import Measure, measure_operations
from prism.settings import Settings, SettingsError
from schema.ids import encode_id
from tests import factories as f
from tests.api.limits_kit import admin, app_with, ask, too_complex
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
ADMIN_SCHEMA = build_schema((ROOT / "schema/sdl/ADMIN.graphql").read_text())


def measure(query: str, variables: dict[str, Any] | None = None) -> Measure:
    (found,) = measure_operations(ADMIN_SCHEMA, parse(query), variables).values()
    return found


def deep(levels: int) -> str:
    """`customer { owner { manager { manager … { id } } } }`: `levels` levels in all."""
    inner = "id"
    for _ in range(levels - 3):
        inner = f"manager {{ {inner} }}"
    return f'{{ customer(id: "x") {{ owner {{ {inner} }} }} }}'


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(count)) + " }"


def directives(count: int) -> str:
    return "{ viewer { " + "role @include(if: true) " * count + " } }"


# --- the measure --------------------------------------------------------------------------


def test_the_360_query_fits_every_default_limit() -> None:
    found = measure(QUERY_360)
    assert found == Measure(depth=4, aliases=0, directives=0, fields=70, cost=183)
    defaults = Settings()
    assert found.depth <= defaults.max_depth
    assert found.fields <= defaults.max_fields
    assert found.cost <= defaults.max_query_cost


def test_a_connection_costs_its_page_times_what_each_node_selects() -> None:
    assert measure("{ customers { totalCount } }").cost == 20
    assert measure("{ customers(first: 5) { nodes { name } } }").cost == 5
    assert measure("{ customers(last: 7) { edges { node { owner { id } } } } }").cost == 14
    nested = "{ customers(first: 10) { nodes { contacts(first: 3) { nodes { name } } } } }"
    assert measure(nested).cost == 10 * (1 + 3)
    by_variable = "query($n: Int = 4) { customers(first: $n) { nodes { id } } }"
    assert measure(by_variable).cost == 4
    assert measure(by_variable, {"n": 50}).cost == 50
    assert measure(by_variable, {"n": 10_000}).cost == 100  # refused at 100 by the resolver
    assert measure("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a"] * 3}).cost == 3
    assert measure('mutation { createCustomer(input: {name: "x", region: NORTH}) {'
                   " customer { id } } }").cost == 10 + 1 + 1  # fmt: skip


def test_wrappers_do_not_count_as_depth_and_introspection_is_left_to_graphql_core() -> None:
    relay = (
        "{ customers { edges { node { contacts { pageInfo { hasNextPage } nodes { name } } } } } }"
    )
    assert measure(relay).depth == 3
    assert measure(deep(10)).depth == 10
    assert measure("{ __schema { types { fields { type { ofType { name } } } } } }").depth == 0


def test_fragments_are_measured_once_however_often_they_are_spread() -> None:
    names = [f"F{i}" for i in range(40)]
    chain = " ".join(
        f"fragment {a} on Customer {{ ...{b} ...{b} }}"
        for a, b in zip(names, names[1:], strict=False)
    )
    bomb = f"{{ customers {{ nodes {{ ...F0 }} }} }} {chain} fragment F39 on Customer {{ x: name }}"
    found = measure(bomb)
    assert found.aliases == 2**39
    assert found.fields == 2 + 2**39


def test_fragment_cycles_measure_as_empty_and_end() -> None:
    cycle = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { role ...A }"
    assert measure(cycle).fields == 2


# --- through HTTP -------------------------------------------------------------------------


async def test_the_360_query_runs_and_reports_its_cost(api: Api) -> None:
    sub = await admin(api)
    cid = await f.customer(api.engine, name="Alpha")
    response = await api.post(QUERY_360, {"id": encode_id("Customer", cid)}, sub=sub)
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["customer"]["name"] == "Alpha"
    assert body["extensions"]["cost"] == {"requested": 183, "limit": 20_000, "remaining": 19_817}
    again = (await api.post(QUERY_360, {"id": encode_id("Customer", cid)}, sub=sub)).json()
    assert again["extensions"]["cost"]["remaining"] == 19_817 - 183


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (deep(11), "levels deep limit: 11 > 10"),
        (aliases(16), "aliases limit: 16 > 15"),
        (directives(11), "directives limit: 11 > 10"),
        ("{ viewer { " + "role " * 300 + "} }", "fields limit: 301 > 300"),
        ("{ " + "__typename " * 2001 + "}", "tokens limit: more than 2000"),
        ("{ customers(first: 100) { nodes { contacts(first: 100) { totalCount } } } }",
         "cost points limit: 10100 > 5000"),
        ("{ a " * 250 + "}" * 250, "nests selections too deeply"),
    ],
    ids=["depth", "aliases", "directives", "fields", "tokens", "cost", "parser-nesting"],
)  # fmt: skip
async def test_each_limit_is_named_and_answered_before_any_resolver(
    api: Api, query: str, fragment: str
) -> None:
    sub = await admin(api)
    baseline = api.counter.count
    await api.post("{ noSuchField }", sub=sub)  # authentication, then refused: no resolver
    authentication_only = api.counter.count - baseline
    before = api.counter.count
    too_complex(await api.post(query, sub=sub), fragment)
    assert api.counter.count - before == authentication_only


async def test_limits_at_their_edge_pass(api: Api) -> None:
    sub = await admin(api)
    for query in (deep(10), aliases(15), directives(10), "{ viewer { " + "role " * 299 + "} }"):
        body = (await api.post(query, sub=sub)).json()
        codes = {e["extensions"]["code"] for e in body.get("errors", [])}
        assert "QUERY_TOO_COMPLEX" not in codes, body


async def test_aliases_count_through_fragments(api: Api) -> None:
    sub = await admin(api)
    fragment = "fragment Eight on Viewer { " + " ".join(f"r{i}: role" for i in range(8)) + " }"
    query = f"{{ one: viewer {{ ...Eight }} two: viewer {{ ...Eight }} }} {fragment}"
    too_complex(await api.post(query, sub=sub), "aliases limit: 18 > 15")


async def test_a_fragment_cycle_is_refused_without_hanging(api: Api) -> None:
    sub = await admin(api)
    cycle = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { role ...A }"
    response = await asyncio.wait_for(api.post(cycle, sub=sub), timeout=5)
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Cannot spread fragment 'A' within itself" in error["message"]


async def test_page_sizes_in_variables_count(api: Api) -> None:
    sub = await admin(api)
    query = (
        "query($n: Int) { customers(first: 100) { nodes { contacts(first: $n) { totalCount } } } }"
    )
    assert "errors" not in (await api.post(query, {"n": 10}, sub=sub)).json()
    too_complex(await api.post(query, {"n": 60}, sub=sub), "cost points limit: 6100 > 5000")


# --- configuration ------------------------------------------------------------------------


async def test_every_limit_follows_its_setting(api: Api, database_url: str) -> None:
    await admin(api)
    tight = {"max_depth": 3, "max_aliases": 1, "max_directives": 1, "max_fields": 5}
    async with app_with(database_url, api.settings, max_tokens=40, **tight) as client:
        too_complex(await ask(client, api, deep(4)), "levels deep limit: 4 > 3")
        too_complex(await ask(client, api, aliases(2)), "aliases limit: 2 > 1")
        too_complex(await ask(client, api, directives(2)), "directives limit: 2 > 1")
        too_complex(await ask(client, api, "{ viewer { " + "role " * 6 + "} }"), "fields")
        too_complex(await ask(client, api, "{ " + "__typename " * 41 + "}"), "more than 40")
    async with app_with(database_url, api.settings, max_query_cost=19) as client:
        too_complex(await ask(client, api, "{ customers { totalCount } }"), "20 > 19")
    async with app_with(database_url, api.settings, max_body_bytes=100) as client:
        response = await ask(client, api, "{ __typename }", variables={"pad": "x" * 200})
        assert response.status_code == 413
        assert response.json()["errors"][0]["message"] == "Request body too large (limit 100 bytes)"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {
        "MAX_BODY_BYTES": "max_body_bytes",
        "MAX_TOKENS": "max_tokens",
        "MAX_DEPTH": "max_depth",
        "MAX_ALIASES": "max_aliases",
        "MAX_DIRECTIVES": "max_directives",
        "MAX_FIELDS": "max_fields",
        "MAX_QUERY_COST": "max_query_cost",
        "RATE_LIMIT_PER_MINUTE": "rate_limit_per_minute",
        "REQUEST_TIMEOUT_MS": "request_timeout_ms",
    }
    for n, env in enumerate(names, start=7):
        monkeypatch.setenv(f"PRISM_{env}", str(n))
    settings = Settings.from_env()
    assert [getattr(settings, a) for a in names.values()] == list(range(7, 7 + len(names)))
    monkeypatch.setenv("PRISM_MAX_DEPTH", "0")
    with pytest.raises(SettingsError, match="PRISM_MAX_DEPTH must be a positive integer"):
        Settings.from_env()


# --- the request deadline -----------------------------------------------------------------


async def test_a_request_past_its_deadline_is_unavailable(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin(api)
    real = graphql_http.execute

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(5)
        return real(*args, **kwargs)

    async def slow_compiled(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(5)

    monkeypatch.setattr(graphql_http, "execute", slow)
    monkeypatch.setattr(graphql_http, "compiled_read", slow_compiled)
    async with app_with(database_url, api.settings, request_timeout_ms=100) as client:
        response = await ask(client, api, "{ viewer { role } }")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    (error,) = response.json()["errors"]
    assert error == {
        "message": "The request ran past its 100 ms deadline",
        "extensions": {"code": "UNAVAILABLE"},
    }


async def test_a_mutation_past_its_deadline_writes_nothing(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin(api)

    async def slow_store(*args: Any) -> None:
        await asyncio.sleep(5)  # after the write, inside the transaction

    monkeypatch.setattr(idempotency, "store", slow_store)
    create = 'mutation { createCustomer(input: {name: "Late", region: NORTH}) { customer { id } } }'
    async with app_with(database_url, api.settings, request_timeout_ms=300) as client:
        response = await ask(client, api, create, headers={"Idempotency-Key": "late-1"})
        assert response.status_code == 503
    # Read back through the usual app: under load a read could meet the 300 ms deadline too.
    listed = await api.query("{ customers { totalCount } }", sub="admin")
    assert listed == {"data": {"customers": {"totalCount": 0}}}
