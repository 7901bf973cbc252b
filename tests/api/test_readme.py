"""Every query example in the README runs, as written, as the role its first line names.

The examples are read from README.md itself, so an edited example is tested as edited: a
fenced block whose first line is `# as ROLE` is an example (a `graphql` block is sent as it is;
a `sh` block's `curl -d '…'` body is sent as its JSON says).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.enums import Role
from persistence.seed import DEMO_PERSONAS, seed
from tests.conftest import ROOT, Api

FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
AS_ROLE = re.compile(r"^# as ([A-Z_]+)")
CURL_BODY = re.compile(r"-d '(\{.*?\})'", re.DOTALL)


@dataclass(frozen=True)
class Example:
    role: Role
    query: str
    variables: dict[str, Any]

    @property
    def label(self) -> str:
        name = re.search(r"query (\w+)", self.query)
        return f"{self.role.value}:{name.group(1) if name else 'anonymous'}"


def readme_examples() -> list[Example]:
    examples = []
    for language, text in FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        marker = AS_ROLE.match(text)
        if marker is None:
            continue
        role = Role(marker.group(1))
        if language == "graphql":
            examples.append(Example(role, text, {}))
        elif language == "sh":
            found = CURL_BODY.search(text)
            assert found, f"no curl -d body in the {role.value} example"
            body = json.loads(found.group(1))
            examples.append(Example(role, body["query"], body.get("variables") or {}))
    return examples


EXAMPLES = readme_examples()


def test_the_readme_has_an_example_for_every_client() -> None:
    roles = {example.role for example in EXAMPLES}
    assert {Role.SALES_REP, Role.PARTNER_USER, Role.TECHNICIAN, Role.ANALYST} <= roles
    assert any(example.variables for example in EXAMPLES), "the curl line passes variables"


@pytest.fixture
async def demo_world(database_url: str, db: AsyncEngine) -> AsyncEngine:
    await seed(database_url, "demo", 1, progress=False)
    return db


async def a_customer_id(api: Api, sub: str) -> str:
    body = await api.query("{ customers(first: 1) { nodes { id } } }", sub=sub)
    nodes = body["data"]["customers"]["nodes"]  # type: ignore[index]
    assert nodes, f"{sub} sees no customer in the demo world"
    return str(nodes[0]["id"])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.label)
async def test_readme_example_runs_as_its_role(
    api: Api, demo_world: AsyncEngine, example: Example
) -> None:
    sub = DEMO_PERSONAS[example.role]
    variables = dict(example.variables)
    if "$id" in example.query:
        variables["id"] = await a_customer_id(api, sub)
    body = await api.query(example.query, variables, sub=sub)
    assert "errors" not in body, body
    data = body["data"]
    assert isinstance(data, dict)
    assert data, body
    assert all(value is not None for value in data.values()), data
