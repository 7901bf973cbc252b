"""What the bad-input catalogue shares: a world with one row of every type, the checks that an
answer is a clean refusal that leaks nothing, and that a request wrote nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from graphql import build_schema
from sqlalchemy import insert, text

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
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id name } userErrors { field message code } } }"""


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
