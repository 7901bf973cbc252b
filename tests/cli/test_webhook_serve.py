"""`prism serve` delivers webhooks by itself: its worker wakes on the commit's NOTIFY, fans the
event out and POSTs it, signed, to a real receiver; nobody calls the worker by hand."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook

from schema.ids import encode_id
from tests import factories as f
from tests.processes import Served, free_port
from tests.workflows.receiver import receiver
from tests.workflows.test_webhooks import CREATE, MOVE_STAGE


async def test_a_served_process_delivers_an_event_on_its_own(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    await f.user(db, "ADMIN", external_id="demo-admin")
    customer = await f.customer(db)
    deal = await f.opportunity(db, customer, stage="QUALIFICATION")
    port = free_port()
    server = Served(tmp_path, port, env={"PRISM_DATABASE_URL": database_url})
    base = f"http://127.0.0.1:{port}/graphql"
    try:
        lines = server.until("ADMIN ")
        token = next(line for line in lines if line.strip().startswith("ADMIN ")).split()[-1]
        headers = {"authorization": f"Bearer {token}"}
        with receiver(200) as hook:
            async with httpx.AsyncClient(headers=headers) as client:
                made = await client.post(
                    base,
                    json={
                        "query": CREATE,
                        "variables": {
                            "input": {"url": hook.url, "events": ["opportunity.stage_changed"]}
                        },
                    },
                )
                secret = made.json()["data"]["createWebhookEndpoint"]["secret"]
                variables = {
                    "input": {"opportunityId": encode_id("Opportunity", deal), "stage": "PROPOSAL"}
                }
                committed = time.monotonic()
                await client.post(base, json={"query": MOVE_STAGE, "variables": variables})
            for _ in range(600):  # a bound on the wait, not a timing assertion
                if hook.received:
                    break
                await asyncio.sleep(0.05)
            lag = time.monotonic() - committed
        assert len(hook.received) == 1
        request = hook.received[0]
        Webhook(secret).verify(request.body, request.headers)
        assert json.loads(request.body)["data"]["to"] == "PROPOSAL"
        print(f"first attempt {lag:.3f} s after the commit")  # noqa: T201 - for the report
    finally:
        server.stop(signal.SIGTERM)
