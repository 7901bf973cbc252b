"""The bad-input catalogue, values: malformed and foreign IDs, SQL injection strings in every
filter, and a NUL in every text field of every mutation. Each is a clear error or matches
nothing, none writes anything, and no answer leaks a traceback, SQL or a driver's name.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    get_named_type,
)

from tests.api.bad_input_kit import (
    CREATE_CUSTOMER,
    SCHEMA,
    bad_input,
    data_rows,
    no_leak,
    world,
    writes_nothing,
)
from tests.conftest import Api

INJECTIONS = ["' OR 1=1 --", "%", "_", "\\", "$1", "'); DROP TABLE customer; --", "a\u0000b"]


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
