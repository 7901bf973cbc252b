"""Webhooks (CONTRACT §8) end to end: an admin registers an endpoint, a change emits an event,
the worker fans it out and delivers it to a real HTTP receiver on 127.0.0.1, signed as Standard
Webhooks (checked with the `standardwebhooks` library), retried with the same `webhook-id`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from domain.clock import ManualClock
from persistence.jobs import Worker
from schema.ids import decode_id, encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.receiver import receiver

CREATE = """
mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    webhookEndpoint { id url events description active }
    secret
    userErrors { field message code }
  }
}"""
DELETE = """
mutation($input: DeleteWebhookEndpointInput!) {
  deleteWebhookEndpoint(input: $input) {
    deletedWebhookEndpointId
    userErrors { field message code }
  }
}"""
DELIVERIES = """
query($id: ID!) {
  webhookEndpoint(id: $id) {
    deliveries(first: 10) {
      totalCount
      nodes {
        eventId eventType status attempts responseStatus nextAttemptAt lastError
        lastAttemptAt deliveredAt webhookEndpoint { id }
      }
    }
  }
}"""
ENDPOINTS = "{ webhookEndpoints(first: 10) { totalCount nodes { id url events } } }"
MOVE_STAGE = """
mutation($input: UpdateOpportunityInput!) {
  updateOpportunity(input: $input) { opportunity { stage } userErrors { field code } }
}"""


async def create_endpoint(api: Api, url: str, events: list[str], sub: str = "admin") -> Any:
    body = await api.query(
        CREATE, {"input": {"url": url, "events": events, "description": "CRM 同步"}}, sub=sub
    )
    assert "errors" not in body, body
    return body["data"]["createWebhookEndpoint"]


async def deliveries(api: Api, endpoint_id: str) -> dict[str, Any]:
    body = await api.query(DELIVERIES, {"id": endpoint_id}, sub="admin")
    assert "errors" not in body, body
    return body["data"]["webhookEndpoint"]["deliveries"]  # type: ignore[no-any-return]


async def a_deal(api: Api) -> int:
    """An opportunity at QUALIFICATION, and an admin who may move it."""
    await f.user(api.engine, "ADMIN", external_id="admin")
    customer = await f.customer(api.engine)
    return await f.opportunity(api.engine, customer, stage="QUALIFICATION")


async def move_stage(api: Api, deal: int, stage: str) -> None:
    body = await api.query(
        MOVE_STAGE,
        {"input": {"opportunityId": encode_id("Opportunity", deal), "stage": stage}},
        sub="admin",
    )
    assert body["data"]["updateOpportunity"]["userErrors"] == [], body


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_a_delivery_is_signed_and_retried_with_the_same_webhook_id(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    deal = await a_deal(api)
    with receiver(500, 200) as hook:
        created = await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        assert created["userErrors"] == []
        secret, endpoint_id = created["secret"], created["webhookEndpoint"]["id"]
        assert secret.startswith("whsec_")
        await move_stage(api, deal, "PROPOSAL")

        await worker.run_due()  # fan-out, then the first attempt: 500
        assert len(hook.received) == 1
        log = await deliveries(api, endpoint_id)
        first = log["nodes"][0]
        assert (first["status"], first["attempts"], first["responseStatus"]) == ("PENDING", 1, 500)
        assert "500" in first["lastError"]
        retry_at = at(first["nextAttemptAt"])
        assert timedelta(0) < retry_at - clock.now() <= timedelta(seconds=60)

        clock.set(retry_at - timedelta(seconds=1))
        await worker.run_due()
        assert len(hook.received) == 1, "retried before its time"
        clock.set(retry_at)
        await worker.run_due()
        assert len(hook.received) == 2

    done = (await deliveries(api, endpoint_id))["nodes"][0]
    assert (done["status"], done["attempts"], done["responseStatus"]) == ("DELIVERED", 2, 200)
    assert done["nextAttemptAt"] is None
    assert done["lastError"] is None
    assert done["deliveredAt"] is not None
    assert done["webhookEndpoint"]["id"] == endpoint_id
    ids = {r.headers["webhook-id"] for r in hook.received}
    assert ids == {done["eventId"]}
    for request in hook.received:
        assert request.path == "/hooks/prism"
        assert request.headers["content-type"] == "application/json"
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload == json.loads(request.body)
    body = json.loads(hook.received[0].body)
    assert set(body) == {"id", "type", "occurredAt", "data"}
    assert body["id"] == done["eventId"]
    assert body["type"] == "opportunity.stage_changed"
    assert at(body["occurredAt"]).tzinfo is not None
    assert body["data"] == {
        "id": encode_id("Opportunity", deal),
        "from": "QUALIFICATION",
        "to": "PROPOSAL",
    }


async def test_a_forged_signature_does_not_verify(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    """The receiver's check can fail: another secret does not verify our deliveries."""
    deal = await a_deal(api)
    with receiver(200) as hook:
        await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        await move_stage(api, deal, "PROPOSAL")
        await worker.run_due()
    request = hook.received[0]
    other = Webhook("whsec_" + "b3RoZXItc2VjcmV0LW9mLTI0LWJ5dGVz")
    with pytest.raises(WebhookVerificationError, match="signature"):
        other.verify(request.body, request.headers)


async def test_retries_grow_then_the_delivery_fails(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    deal = await a_deal(api)
    with receiver(503) as hook:
        created = await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        await move_stage(api, deal, "PROPOSAL")
        await worker.run_due()
        delays = []
        for _ in range(10):
            node = (await deliveries(api, created["webhookEndpoint"]["id"]))["nodes"][0]
            if node["nextAttemptAt"] is None:
                break
            delays.append(at(node["nextAttemptAt"]) - clock.now())
            clock.set(at(node["nextAttemptAt"]))
            await worker.run_due()
    assert delays == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=10),
        timedelta(hours=1),
        timedelta(hours=6),
    ]
    assert (node["status"], node["attempts"], node["responseStatus"]) == ("FAILED", 6, 503)
    assert len(hook.received) == 6
    assert len({r.headers["webhook-id"] for r in hook.received}) == 1


async def test_an_event_reaches_only_the_endpoints_subscribed_to_it(
    api: Api, worker: Worker
) -> None:
    deal = await a_deal(api)
    with receiver(200) as stages, receiver(200) as tickets:
        await create_endpoint(api, stages.url, ["opportunity.stage_changed", "deal.registered"])
        await create_endpoint(api, tickets.url, ["ticket.created"])
        await move_stage(api, deal, "PROPOSAL")
        await move_stage(api, deal, "NEGOTIATION")
        await worker.run_due()
    assert len(stages.received) == 2
    assert tickets.received == []
    moves = [json.loads(r.body)["data"]["to"] for r in stages.received]
    assert sorted(moves) == ["NEGOTIATION", "PROPOSAL"]


async def test_a_deleted_endpoint_gets_nothing_more(api: Api, worker: Worker) -> None:
    deal = await a_deal(api)
    with receiver(200) as hook:
        created = await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        endpoint_id = created["webhookEndpoint"]["id"]
        await move_stage(api, deal, "PROPOSAL")
        async with api.engine.connect() as conn:  # the event's delivery, not yet tried
            pending = await conn.execute(text("SELECT status, attempts FROM webhook_delivery"))
            assert [tuple(row) for row in pending] == [("PENDING", 0)]
        body = await api.query(DELETE, {"input": {"webhookEndpointId": endpoint_id}}, sub="admin")
        assert body["data"]["deleteWebhookEndpoint"] == {
            "deletedWebhookEndpointId": endpoint_id,
            "userErrors": [],
        }
        await move_stage(api, deal, "NEGOTIATION")
        await worker.run_due()
    assert hook.received == []
    listed = await api.query(ENDPOINTS, sub="admin")
    assert listed["data"]["webhookEndpoints"] == {"totalCount": 0, "nodes": []}
    again = await api.query(DELETE, {"input": {"webhookEndpointId": endpoint_id}}, sub="admin")
    assert again["data"]["deleteWebhookEndpoint"]["userErrors"][0]["code"] == "NOT_FOUND"
    async with api.engine.connect() as conn:
        statuses = (await conn.scalars(text("SELECT status FROM webhook_delivery"))).all()
    assert list(statuses) == ["CANCELLED"]


async def test_the_secret_is_shown_only_at_creation(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    created = await create_endpoint(api, "https://hooks.example.com/a", ["ticket.created"])
    assert created["webhookEndpoint"]["events"] == ["ticket.created"]
    probe = await api.query(
        "query($id: ID!) { webhookEndpoint(id: $id) { secret } }",
        {"id": created["webhookEndpoint"]["id"]},
        sub="admin",
    )
    assert "Cannot query field 'secret'" in probe["errors"][0]["message"]
    listed = await api.query(ENDPOINTS, sub="admin")
    assert listed["data"]["webhookEndpoints"]["totalCount"] == 1


async def test_events_and_urls_are_validated(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    cases = [
        ("https://hooks.example.com/a", ["ticket.created", "ticket.deleted"], "events"),
        ("https://hooks.example.com/a", [], "events"),
        ("ftp://hooks.example.com/a", ["ticket.created"], "url"),
        ("https://user:pw@hooks.example.com/a", ["ticket.created"], "url"),
        ("https:///no-host", ["ticket.created"], "url"),
        ("https://hooks.example.com:99999/a", ["ticket.created"], "url"),
        ("not a url", ["ticket.created"], "url"),
    ]
    for url, events, field in cases:
        result = await create_endpoint(api, url, events)
        assert result["webhookEndpoint"] is None, url
        assert result["secret"] is None, url
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
            (field, "BAD_USER_INPUT")
        ], (url, events, result)
    listed = await api.query(ENDPOINTS, sub="admin")
    assert listed["data"]["webhookEndpoints"]["totalCount"] == 0


async def test_only_admins_have_webhooks(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    partner = await f.partner(api.engine)
    created = await create_endpoint(api, "https://hooks.example.com/a", ["ticket.created"])
    endpoint_id = created["webhookEndpoint"]["id"]
    for role in (
        "SALES_MANAGER",
        "SALES_REP",
        "PARTNER_USER",
        "TECHNICIAN",
        "SERVICE_AGENT",
        "ANALYST",
    ):
        sub = f"who-{role.lower()}"
        await f.user(
            api.engine,
            role,
            external_id=sub,
            partner_id=partner if role == "PARTNER_USER" else None,
        )
        listed = await api.query(ENDPOINTS, sub=sub)
        assert listed.get("data") is None, role
        assert "Cannot query field 'webhookEndpoints'" in listed["errors"][0]["message"]
        made = await api.query(
            CREATE,
            {"input": {"url": "https://x.example.com", "events": ["lead.created"]}},
            sub=sub,
        )
        assert made.get("data") is None, role
        assert made["errors"], role
        node = await api.query(
            "query($id: ID!) { node(id: $id) { id } }", {"id": endpoint_id}, sub=sub
        )
        assert node["data"] == {"node": None}, role
        schema = await api.query("{ __schema { types { name } } }", sub=sub)
        names = {t["name"] for t in schema["data"]["__schema"]["types"]}
        assert not {n for n in names if n.startswith("Webhook")}, (role, names)
    async with api.engine.connect() as conn:
        count = await conn.scalar(text("SELECT count(*) FROM webhook_endpoint"))
    assert count == 1
    assert decode_id(endpoint_id)[0] == "WebhookEndpoint"


async def test_the_delivery_log_is_read_in_one_compiled_statement(api: Api, worker: Worker) -> None:
    deal = await a_deal(api)
    with receiver(200) as hook:
        created = await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        await move_stage(api, deal, "PROPOSAL")
        await worker.run_due()
    endpoint_id = created["webhookEndpoint"]["id"]
    for query, variables in ((DELIVERIES, {"id": endpoint_id}), (ENDPOINTS, None)):
        response = await api.post(query, variables, sub="admin")
        assert response.headers.get("x-prism-read-path") == "compiled", query
        assert "errors" not in response.json()
    nodes = (await deliveries(api, endpoint_id))["nodes"]
    assert [n["status"] for n in nodes] == ["DELIVERED"]
    listed = await api.query(ENDPOINTS, sub="admin")
    assert listed["data"]["webhookEndpoints"]["nodes"][0]["events"] == ["opportunity.stage_changed"]
