from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id name taxId version owner { externalId } }
    userErrors { field message code }
  }
}"""

UPDATE_STATUS = """
mutation($input: UpdateTicketStatusInput!) {
  updateTicketStatus(input: $input) {
    ticket { status version }
    userErrors { field message code }
  }
}"""


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][name]  # type: ignore[no-any-return]


async def count(api: Api, table: str) -> int:
    async with api.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_sales_rep_creates_a_customer_they_own(api: Api) -> None:
    await f.user(api.engine, "SALES_REP", external_id="rep")
    body = await api.query(
        CREATE_CUSTOMER,
        {
            "input": {
                "name": "华星精密机械有限公司",
                "region": "EAST",
                "taxId": "91350100M000100Y43",
            }
        },
        sub="rep",
    )
    result = payload(body, "createCustomer")
    assert result["userErrors"] == []
    assert result["customer"]["name"] == "华星精密机械有限公司"
    assert result["customer"]["owner"]["externalId"] == "rep"
    assert result["customer"]["version"] == 1


async def test_invalid_input_is_a_user_error_and_writes_nothing(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    body = await api.query(
        CREATE_CUSTOMER,
        {
            "input": {
                "name": "  ",
                "region": "EAST",
                "taxId": "91350100M000100Y44",
                "phone": "12345",
            }
        },
        sub="admin",
    )
    result = payload(body, "createCustomer")
    assert result["customer"] is None
    fields = {e["field"]: e["code"] for e in result["userErrors"]}
    assert fields == {
        "name": "BAD_USER_INPUT",
        "taxId": "BAD_USER_INPUT",
        "phone": "BAD_USER_INPUT",
    }
    assert await count(api, "customer") == 0


async def test_duplicate_tax_id_is_a_conflict(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    await f.customer(api.engine, tax_id="91350100M000100Y43")
    body = await api.query(
        CREATE_CUSTOMER,
        {"input": {"name": "Other", "region": "EAST", "taxId": "91350100M000100Y43"}},
        sub="admin",
    )
    errors = payload(body, "createCustomer")["userErrors"]
    assert errors == [
        {
            "field": "taxId",
            "message": "taxId is already used by another customer",
            "code": "CONFLICT",
        }
    ]


async def test_bad_reference_is_a_user_error_and_a_missing_one_not_found(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    body = await api.query(
        CREATE_CUSTOMER,
        {"input": {"name": "X", "region": "EAST", "ownerId": "not-an-id"}},
        sub="admin",
    )
    errors = payload(body, "createCustomer")["userErrors"]
    assert (errors[0]["field"], errors[0]["code"]) == ("ownerId", "BAD_USER_INPUT")
    body = await api.query(
        CREATE_CUSTOMER,
        {"input": {"name": "X", "region": "EAST", "ownerId": encode_id("User", 999_999)}},
        sub="admin",
    )
    errors = payload(body, "createCustomer")["userErrors"]
    assert (errors[0]["field"], errors[0]["code"]) == ("ownerId", "NOT_FOUND")


async def test_stale_version_is_a_conflict_and_changes_nothing(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cid = await f.customer(api.engine, name="Before")
    mutation = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
        customer { name version } userErrors { field code } } }"""
    gid = encode_id("Customer", cid)
    ok = await api.query(
        mutation, {"input": {"customerId": gid, "expectedVersion": 1, "name": "After"}}, sub="admin"
    )
    assert payload(ok, "updateCustomer")["customer"] == {"name": "After", "version": 2}
    stale = await api.query(
        mutation, {"input": {"customerId": gid, "expectedVersion": 1, "name": "Lost"}}, sub="admin"
    )
    result = payload(stale, "updateCustomer")
    assert result["userErrors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    assert result["customer"] == {"name": "After", "version": 2}


async def test_twenty_racing_status_updates_one_wins_per_version(api: Api) -> None:
    await f.user(api.engine, "SERVICE_AGENT", external_id="agent")
    cid = await f.customer(api.engine)
    tid = await f.ticket(api.engine, cid, status="NEW")
    variables = {
        "input": {"ticketId": encode_id("Ticket", tid), "status": "ACCEPTED", "expectedVersion": 1}
    }
    bodies = await asyncio.gather(
        *(api.query(UPDATE_STATUS, variables, sub="agent") for _ in range(20))
    )
    results = [payload(b, "updateTicketStatus") for b in bodies]
    winners = [r for r in results if not r["userErrors"]]
    losers = [r for r in results if r["userErrors"]]
    assert len(winners) == 1
    assert winners[0]["ticket"]["version"] == 2
    assert len(losers) == 19
    assert {e["code"] for r in losers for e in r["userErrors"]} == {"CONFLICT"}
    assert await count(api, "ticket_event WHERE kind = 'STATUS_CHANGED'") == 1


async def test_idempotency_key_applies_a_write_once(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    variables = {"input": {"name": "Idempotent Co", "region": "NORTH"}}
    headers = {"Idempotency-Key": "create-idem-1"}
    first = await api.query(CREATE_CUSTOMER, variables, sub="admin", headers=headers)
    retries = await asyncio.gather(
        *(api.query(CREATE_CUSTOMER, variables, sub="admin", headers=headers) for _ in range(5))
    )
    assert all(r == first for r in retries)
    assert await count(api, "customer") == 1
    other = await api.post(
        CREATE_CUSTOMER,
        {"input": {"name": "Other", "region": "NORTH"}},
        sub="admin",
        headers=headers,
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await count(api, "customer") == 1


async def test_ticket_flow_records_events_on_the_timeline(api: Api) -> None:
    await f.user(api.engine, "SERVICE_AGENT", external_id="agent")
    tech = await f.user(api.engine, "TECHNICIAN", external_id="tech")
    cid = await f.customer(api.engine)
    created = await api.query(
        """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
            ticket { id number status priority firstResponseDueAt } userErrors { field } } }""",
        {
            "input": {
                "customerId": encode_id("Customer", cid),
                "subject": "设备异响",
                "kind": "REPAIR",
                "priority": "URGENT",
            }
        },
        sub="agent",
    )
    ticket = payload(created, "createTicket")["ticket"]
    assert ticket["status"] == "NEW"
    assert ticket["number"].startswith("T")
    assigned = await api.query(
        """mutation($input: AssignTicketInput!) { assignTicket(input: $input) {
            ticket { status assignee { externalId } } userErrors { field } } }""",
        {"input": {"ticketId": ticket["id"], "assigneeId": encode_id("User", tech)}},
        sub="agent",
    )
    # Assigning is not answering: the ticket waits in NEW for its first move (受理).
    assert payload(assigned, "assignTicket")["ticket"] == {
        "status": "NEW",
        "assignee": {"externalId": "tech"},
    }
    bad = await api.query(
        UPDATE_STATUS, {"input": {"ticketId": ticket["id"], "status": "FOLLOW_UP"}}, sub="agent"
    )
    assert payload(bad, "updateTicketStatus")["userErrors"][0]["field"] == "status"
    timeline = await api.query(
        """query($id: ID!) { customer(id: $id) { timeline { nodes {
            ... on TicketEvent { kind toStatus } } } } }""",
        {"id": encode_id("Customer", cid)},
        sub="agent",
    )
    kinds = [n["kind"] for n in timeline["data"]["customer"]["timeline"]["nodes"]]  # type: ignore[index]
    assert sorted(kinds) == ["ASSIGNED", "CREATED"]
