"""A mutation's payload object is read by the read compiler in the mutation's transaction
(`prism.payload_reads`): what it answers is what a query answers right after, aliases, nested
connections and the viewer's slice included, and the compiler is what served it."""

from __future__ import annotations

from typing import Any

import pytest

from persistence import read_sql
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

SELECTION = """{ id renamed: name region version
  owner { displayName }
  contacts(first: 2) { totalCount nodes { name } }
  opportunities(first: 5) { totalCount pageInfo { hasNextPage } nodes { name amount } } }"""
UPDATE = (
    "mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {"
    f" customer {SELECTION} userErrors {{ field code }} }} }}"
)
READ = f"query($id: ID!) {{ customer(id: $id) {SELECTION} }}"


@pytest.fixture
def compiled_objects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The keys of the objects the read compiler was asked for."""
    asked: list[int] = []
    real = read_sql.ReadCompiler.object_statement

    def counting(self: Any, target: Any, pk: int) -> str:
        asked.append(pk)
        return real(self, target, pk)

    monkeypatch.setattr(read_sql.ReadCompiler, "object_statement", counting)
    return asked


async def test_a_payload_object_is_compiled_and_answers_as_a_query(
    api: Api, compiled_objects: list[int]
) -> None:
    rep = await f.user(api.engine, "SALES_REP", external_id="payload-rep", display_name="Rep")
    cid = await f.customer(api.engine, owner_id=rep, name="Before")
    for name in ("甲", "乙", "丙"):
        await f.contact(api.engine, cid, name=name)
    await f.opportunity(api.engine, cid, owner_id=rep, name="Deal")
    gid = encode_id("Customer", cid)
    body = await api.query(
        UPDATE, {"input": {"customerId": gid, "name": "After"}}, sub="payload-rep"
    )
    assert "errors" not in body, body
    payload = body["data"]["updateCustomer"]  # type: ignore[index]
    assert payload["userErrors"] == []
    assert compiled_objects == [cid]
    customer = payload["customer"]
    assert customer["renamed"] == "After"
    assert customer["version"] == 2
    assert customer["contacts"]["totalCount"] == 3
    assert len(customer["contacts"]["nodes"]) == 2
    assert customer["owner"] == {"displayName": "Rep"}
    read = await api.query(READ, {"id": gid}, sub="payload-rep")
    assert read["data"] == {"customer": customer}


async def test_a_refused_mutation_answers_its_object_unchanged(
    api: Api, compiled_objects: list[int]
) -> None:
    rep = await f.user(api.engine, "SALES_REP", external_id="payload-rep2")
    cid = await f.customer(api.engine, owner_id=rep, name="Kept")
    gid = encode_id("Customer", cid)
    update = {"input": {"customerId": gid, "expectedVersion": 7, "name": "Lost"}}
    body = await api.query(UPDATE, update, sub="payload-rep2")
    payload = body["data"]["updateCustomer"]  # type: ignore[index]
    assert payload["userErrors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    assert payload["customer"]["renamed"] == "Kept"
    assert payload["customer"]["version"] == 1
    assert compiled_objects == [cid]
