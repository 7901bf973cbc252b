"""Shared steps of the workflow tests: GraphQL calls as real clients make them, and SQL looks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from persistence.calendars import seed_years
from schema.ids import encode_id
from tests.conftest import Api

CREATE_TICKET = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { id number status priority createdAt firstResponseDueAt resolutionDueAt
           firstRespondedAt resolvedAt escalationLevel version }
  userErrors { field message code } } }"""
UPDATE_STATUS = """mutation($input: UpdateTicketStatusInput!) { updateTicketStatus(input: $input) {
  ticket { status version firstRespondedAt resolvedAt } userErrors { field message code } } }"""
UPDATE_SLA = """mutation($input: UpdateSlaPolicyInput!) { updateSlaPolicy(input: $input) {
  slaPolicy { priority firstResponseMinutes resolutionMinutes calendar version }
  userErrors { field message code } } }"""


def data(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][name]  # type: ignore[no-any-return]


async def seed_calendar(api: Api, *years: int) -> None:
    async with api.engine.begin() as conn:
        await seed_years(conn, list(years))


async def rows(api: Api, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with api.engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(text(sql), params)]


async def scalar(api: Api, sql: str, **params: Any) -> Any:
    async with api.engine.connect() as conn:
        return await conn.scalar(text(sql), params)


async def events(api: Api, event_type: str) -> list[dict[str, Any]]:
    found = await rows(
        api, "SELECT data FROM outbox_event WHERE type = :t ORDER BY occurred_at, id", t=event_type
    )
    return [r["data"] for r in found]


async def set_sla(
    api: Api, priority: str, respond: int, resolve: int, calendar: str = "ALWAYS"
) -> dict[str, Any]:
    variables = {
        "input": {
            "priority": priority,
            "firstResponseMinutes": respond,
            "resolutionMinutes": resolve,
            "calendar": calendar,
        }
    }
    body = await api.query(UPDATE_SLA, variables, sub="admin")
    payload = data(body, "updateSlaPolicy")
    assert payload["userErrors"] == [], payload
    return payload["slaPolicy"]  # type: ignore[no-any-return]


async def create_ticket(
    api: Api, customer_id: int, *, sub: str = "agent", priority: str = "NORMAL"
) -> dict[str, Any]:
    variables = {
        "input": {
            "customerId": encode_id("Customer", customer_id),
            "subject": "水泵漏水",
            "kind": "REPAIR",
            "priority": priority,
        }
    }
    payload = data(await api.query(CREATE_TICKET, variables, sub=sub), "createTicket")
    assert payload["userErrors"] == [], payload
    return payload["ticket"]  # type: ignore[no-any-return]


async def move(api: Api, ticket_id: str, status: str, *, sub: str = "agent") -> dict[str, Any]:
    variables = {"input": {"ticketId": ticket_id, "status": status}}
    return data(await api.query(UPDATE_STATUS, variables, sub=sub), "updateTicketStatus")
