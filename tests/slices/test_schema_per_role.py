"""Each role's schema is exactly its slice (CONTRACT §3 and §5), as introspection shows it.

The absent fields and types below are copied from CONTRACT §3. A role's type must have exactly
ADMIN's fields minus its absent fields and minus the fields that lead to an absent type, and
asking for an absent field must fail exactly like asking for one that never existed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories as f
from tests.conftest import Api

ROLES = (
    "ADMIN",
    "SALES_MANAGER",
    "SALES_REP",
    "PARTNER_USER",
    "TECHNICIAN",
    "SERVICE_AGENT",
    "ANALYST",
)
DOMAIN_TYPES = (
    "Customer",
    "Contact",
    "Lead",
    "Opportunity",
    "Ticket",
    "ServiceVisit",
    "Asset",
    "Contract",
    "Interaction",
    "Partner",
    "User",
    "Task",
    "SurveyResponse",
)
ROOT_LISTS = {
    "customers",
    "contacts",
    "leads",
    "opportunities",
    "tickets",
    "serviceVisits",
    "assets",
    "contracts",
    "interactions",
    "partners",
    "users",
    "tasks",
}
# The reads of the query root every role may have (admin tools such as policy ones aside).
QUERY_READS = ROOT_LISTS | {
    "node",
    "nodes",
    "viewer",
    "customer",
    "contact",
    "lead",
    "opportunity",
    "ticket",
    "serviceVisit",
    "asset",
    "contract",
    "interaction",
    "partner",
    "user",
    "task",
}

# CONTRACT §3, column "absent fields and types".
ABSENT: dict[str, frozenset[str]] = {
    "ADMIN": frozenset(),
    "SALES_MANAGER": frozenset({"Ticket.internalNotes"}),
    "SALES_REP": frozenset(
        {
            "Opportunity.marginPercent",
            "Customer.creditLimit",
            "Ticket.internalNotes",
            "Partner.commissionRate",
        }
    ),
    "PARTNER_USER": frozenset(
        {
            "Opportunity.marginPercent",
            "Customer.creditLimit",
            "Customer.internalNotes",
            "Customer.lifetimeValue",
            "Ticket.internalNotes",
            "User.manager",
        }
    ),
    "TECHNICIAN": frozenset(
        {
            "Opportunity",
            "Lead",
            "Contract",
            "Customer.creditLimit",
            "Customer.lifetimeValue",
            "Customer.internalNotes",
            "Customer.taxId",
            "Partner.commissionRate",
        }
    ),
    "SERVICE_AGENT": frozenset(
        {
            "Opportunity",
            "Lead",
            "Customer.creditLimit",
            "Customer.lifetimeValue",
            "Partner.commissionRate",
        }
    ),
    "ANALYST": frozenset(
        {
            "Contact.email",
            "Contact.phone",
            "Customer.phone",
            "Customer.address",
            "Lead.email",
            "Lead.phone",
            "Lead.contactName",
        }
    ),
}

TYPE_REF = "name kind ofType { name kind ofType { name kind ofType { name kind } } }"
TYPES_QUERY = f"""{{ __schema {{
    queryType {{ name }}
    types {{ name kind fields {{ name type {{ {TYPE_REF} }} }} possibleTypes {{ name }} }} }} }}"""
TYPE_QUERY = f"""query($name: String!) {{ __type(name: $name) {{
    name fields {{ name type {{ {TYPE_REF} }} }} }} }}"""


def sub_of(role: str) -> str:
    return role.lower()


@pytest.fixture
async def viewers(api: Api) -> Api:
    """One signed-in user per role (the partner user with a partner, as the database wants)."""
    partner = await f.partner(api.engine)
    for role in ROLES:
        partner_id = partner if role == "PARTNER_USER" else None
        await f.user(api.engine, role, external_id=sub_of(role), partner_id=partner_id)
    return api


def absent_types(role: str) -> set[str]:
    types = {a for a in ABSENT[role] if "." not in a}
    if "Opportunity" in types:
        types.add("OpportunityStageChange")  # a deal's history goes with the deal
    return types | {f"{t}{suffix}" for t in types for suffix in ("Connection", "Edge")}


def named_type(ref: dict[str, Any]) -> str:
    while ref.get("ofType") is not None:
        ref = ref["ofType"]
    return str(ref["name"])


async def schema_of(api: Api, role: str) -> dict[str, dict[str, Any]]:
    body = await api.query(TYPES_QUERY, sub=sub_of(role))
    assert "errors" not in body, body
    return {t["name"]: t for t in body["data"]["__schema"]["types"]}  # type: ignore[index]


def fields_of(type_: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: named_type(f["type"]) for f in type_["fields"] or ()}


@pytest.mark.parametrize("role", ROLES)
async def test_introspection_shows_exactly_the_contract_slice(viewers: Api, role: str) -> None:
    full, mine = await schema_of(viewers, "ADMIN"), await schema_of(viewers, role)
    gone = absent_types(role)
    assert not gone & set(mine), f"{role} sees absent types {sorted(gone & set(mine))}"
    for type_name in [*DOMAIN_TYPES, "Query"]:
        if type_name in gone:
            continue
        expected = {
            name
            for name, target in fields_of(full[type_name]).items()
            if f"{type_name}.{name}" not in ABSENT[role] and target not in gone
        }
        present = set(fields_of(mine[type_name]))
        if type_name == "Query":
            expected, present = expected & QUERY_READS, present & QUERY_READS
        assert present == expected, f"{role} {type_name}"
    for type_ in mine.values():
        for name, target in fields_of(type_).items():
            assert target not in gone, f"{role} {type_['name']}.{name} leads to {target}"
        members = {m["name"] for m in type_["possibleTypes"] or ()}
        assert not members & gone, f"{role} {type_['name']} includes {members & gone}"


@pytest.mark.parametrize("role", ["PARTNER_USER", "TECHNICIAN"])
async def test_absent_fields_are_not_in_the_customer_type(viewers: Api, role: str) -> None:
    body = await viewers.query(TYPE_QUERY, {"name": "Customer"}, sub=sub_of(role))
    names = {f["name"] for f in body["data"]["__type"]["fields"]}  # type: ignore[index]
    absent = {a.partition(".")[2] for a in ABSENT[role] if a.startswith("Customer.")}
    assert absent
    assert not names & absent
    assert {"name", "region", "tickets", "contacts"} <= names


async def test_a_technician_schema_has_no_sales_types_at_all(viewers: Api) -> None:
    names = set(await schema_of(viewers, "TECHNICIAN"))
    hidden = [n for n in names if n.startswith(("Opportunity", "Lead", "Contract"))]
    assert hidden == []
    for type_name in ("Opportunity", "Lead", "Contract"):
        body = await viewers.query(TYPE_QUERY, {"name": type_name}, sub="technician")
        assert body == {"data": {"__type": None}}


async def test_an_analyst_contact_has_no_personal_data(viewers: Api) -> None:
    body = await viewers.query(TYPE_QUERY, {"name": "Contact"}, sub="analyst")
    names = {f["name"] for f in body["data"]["__type"]["fields"]}  # type: ignore[index]
    assert "name" in names
    assert not names & {"email", "phone"}


async def test_admin_sees_every_field_and_type(viewers: Api) -> None:
    schema = await schema_of(viewers, "ADMIN")
    every = set().union(*ABSENT.values())
    for item in every:
        type_name, _, field = item.partition(".")
        assert type_name in schema, item
        if field:
            assert field in fields_of(schema[type_name]), item
    assert ROOT_LISTS <= set(fields_of(schema["Query"]))


async def _failure(api: Api, query: str, sub: str, variables: dict[str, Any] | None = None) -> Any:
    response = await api.post(query, variables, sub=sub)
    body = response.json()
    assert "errors" in body, body
    assert "did you mean" not in response.text.lower()
    return response.status_code, body


@pytest.mark.parametrize(
    ("role", "template", "hidden"),
    [
        ("PARTNER_USER", "{ opportunities { nodes { %s } } }", "marginPercent"),
        ("PARTNER_USER", "{ customers { nodes { %s } } }", "creditLimit"),
        ("PARTNER_USER", "{ users { nodes { %s { id } } } }", "manager"),
        ("SALES_REP", "{ partners { nodes { %s } } }", "commissionRate"),
        ("SALES_MANAGER", "{ tickets { nodes { %s } } }", "internalNotes"),
        ("ANALYST", "{ contacts { nodes { %s } } }", "email"),
        ("ANALYST", "{ leads { nodes { %s } } }", "contactName"),
        ("TECHNICIAN", "{ customers { nodes { %s } } }", "taxId"),
        ("TECHNICIAN", "{ %s { totalCount } }", "opportunities"),
        ("TECHNICIAN", "{ %s { totalCount } }", "leads"),
        ("TECHNICIAN", "{ %s { totalCount } }", "contracts"),
        ("TECHNICIAN", "{ customers { nodes { %s { totalCount } } } }", "opportunities"),
        ("SERVICE_AGENT", "{ %s { totalCount } }", "opportunities"),
        ("SERVICE_AGENT", "{ customers { nodes { %s } } }", "lifetimeValue"),
        ("TECHNICIAN", '{ node(id: "x") { ... on %s { id } } }', "Opportunity"),
        ("TECHNICIAN", "query($f: %s) { __typename }", "OpportunityFilter"),
    ],
)
async def test_an_absent_name_fails_exactly_like_a_name_that_never_existed(
    viewers: Api, role: str, template: str, hidden: str
) -> None:
    invented = "noSuchField" if hidden[0].islower() else "NoSuchType"
    absent = await _failure(viewers, template % hidden, sub_of(role))
    unknown = await _failure(viewers, template % invented, sub_of(role))
    errors = unknown[1]["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}
    assert any(invented in e["message"] for e in errors)
    assert re.sub(rf"\b{hidden}\b", invented, repr(absent)) == repr(unknown)


@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("ADMIN", "{ opportunities { nodes { marginPercen } } }"),
        ("ADMIN", "{ customer { nodes { id } } }"),
        ("PARTNER_USER", "{ opportunities { nodes { marginPercen } } }"),
        ("TECHNICIAN", "{ opportunitie { totalCount } }"),
        ("TECHNICIAN", "{ customers { nodes { creditLimi } } }"),
        ("ANALYST", "{ contacts { nodes { emai } } }"),
        ("SERVICE_AGENT", '{ node(id: "x") { ... on Opportunit { id } } }'),
    ],
)
async def test_no_error_ever_suggests_a_name(viewers: Api, role: str, query: str) -> None:
    await _failure(viewers, query, sub_of(role))
