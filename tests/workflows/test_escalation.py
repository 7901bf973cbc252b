"""CONTRACT §7, escalation: a target missed is escalated once (level + 1, an ESCALATION task for
the assignee's manager or an admin, a TicketEvent ESCALATED, `ticket.escalated`), by whichever
worker gets there, even when the process that created the ticket is gone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.clock import ManualClock
from persistence.db import make_engine
from persistence.jobs import Worker
from prism.app import make_worker
from schema.ids import decode_id, encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.helpers import create_ticket, events, move, rows, scalar, set_sla


@pytest.fixture
async def desk(api: Api) -> int:
    """Admins, an agent; URGENT tickets due in 1 and 3 minutes on the 24×7 calendar."""
    await f.user(api.engine, "ADMIN", external_id="admin")
    await f.user(api.engine, "SERVICE_AGENT", external_id="agent")
    await set_sla(api, "URGENT", 1, 3, "ALWAYS")
    return await f.customer(api.engine)


async def escalations(api: Api) -> list[dict[str, object]]:
    return await rows(
        api, "SELECT ticket_id, target FROM ticket_escalation ORDER BY ticket_id, target"
    )


async def test_a_missed_response_escalates_once_to_the_assignees_manager(
    api: Api, desk: int, clock: ManualClock, worker: Worker
) -> None:
    manager = await f.user(api.engine, "SERVICE_AGENT", external_id="lead-agent")
    tech = await f.user(api.engine, "TECHNICIAN", external_id="tech", manager_id=manager)
    ticket = await create_ticket(api, desk, priority="URGENT")
    pk = decode_id(ticket["id"])[1]
    async with api.engine.begin() as conn:  # dispatched without a response yet
        await conn.execute(
            text("UPDATE ticket SET assignee_id = :a WHERE id = :t"), {"a": tech, "t": pk}
        )
    clock.advance(timedelta(seconds=59))
    await worker.run_due()
    assert await escalations(api) == []
    clock.advance(timedelta(seconds=1))
    await worker.run_due()
    await worker.run_due()
    assert await escalations(api) == [{"ticket_id": pk, "target": "RESPONSE"}]
    tasks = await rows(api, "SELECT kind, assignee_id, ticket_id, status, rule FROM task")
    assert tasks == [
        {
            "kind": "ESCALATION",
            "assignee_id": manager,
            "ticket_id": pk,
            "status": "OPEN",
            "rule": "sla.response",
        }
    ]
    # On the timeline, through GraphQL, and in the task's own view.
    query = """query($id: ID!) { ticket(id: $id) { escalationLevel } customer(id: $c) {
      timeline { nodes { ... on TicketEvent { kind occurredAt } } } } }"""
    body = await api.query(
        query.replace("query($id: ID!)", "query($id: ID!, $c: ID!)"),
        {"id": ticket["id"], "c": encode_id("Customer", desk)},
        sub="agent",
    )
    assert body["data"]["ticket"]["escalationLevel"] == 1  # type: ignore[index]
    kinds = [n["kind"] for n in body["data"]["customer"]["timeline"]["nodes"]]  # type: ignore[index]
    assert kinds.count("ESCALATED") == 1
    assert await events(api, "ticket.escalated") == [
        {"id": ticket["id"], "target": "RESPONSE", "escalationLevel": 1}
    ]
    assert [e["kind"] for e in await events(api, "task.created")] == ["ESCALATION"]
    # The resolution target is missed two minutes later: a second, separate escalation.
    clock.advance(timedelta(minutes=2))
    await worker.run_due()
    assert await escalations(api) == [
        {"ticket_id": pk, "target": "RESOLUTION"},
        {"ticket_id": pk, "target": "RESPONSE"},
    ]
    assert await scalar(api, "SELECT escalation_level FROM ticket WHERE id = :t", t=pk) == 2


async def test_targets_met_in_time_do_not_escalate(
    api: Api, desk: int, clock: ManualClock, worker: Worker
) -> None:
    ticket = await create_ticket(api, desk, priority="URGENT")
    clock.advance(timedelta(seconds=30))
    for status in ("ACCEPTED", "ANALYZING", "IN_PROGRESS", "RESOLVED"):
        assert (await move(api, ticket["id"], status))["userErrors"] == []
    clock.advance(timedelta(minutes=10))
    await worker.run_due()
    assert await escalations(api) == []
    assert await scalar(api, "SELECT count(*) FROM task") == 0
    done = await scalar(
        api, "SELECT count(*) FROM job WHERE kind = 'ticket.escalate' AND done_at IS NOT NULL"
    )
    assert done == 2


async def test_without_a_manager_an_active_admin_gets_the_task(
    api: Api, desk: int, clock: ManualClock, worker: Worker
) -> None:
    admin = await scalar(api, "SELECT id FROM app_user WHERE external_id = 'admin'")
    await f.user(api.engine, "ADMIN", external_id="retired", active=False)
    await create_ticket(api, desk, priority="URGENT")  # unassigned
    clock.advance(timedelta(minutes=1))
    await worker.run_due()
    assert await rows(api, "SELECT assignee_id FROM task") == [{"assignee_id": admin}]


async def test_two_workers_racing_fire_each_escalation_once(
    api: Api, desk: int, clock: ManualClock, database_url: str
) -> None:
    tickets = [await create_ticket(api, desk, priority="URGENT") for _ in range(12)]
    clock.advance(timedelta(minutes=5))
    engines = [make_engine(database_url, pool_size=3) for _ in range(2)]
    try:
        workers = [make_worker(engine, clock) for engine in engines]
        ran = await asyncio.gather(*(w.run_due() for w in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(ran) >= 2 * len(tickets)  # every timer ran, split between the two
    assert len(await escalations(api)) == 2 * len(tickets)
    escalated = await scalar(api, "SELECT count(*) FROM ticket_event WHERE kind = 'ESCALATED'")
    assert escalated == 2 * len(tickets)
    assert await scalar(api, "SELECT count(*) FROM task WHERE kind = 'ESCALATION'") == 24
    assert len(await events(api, "ticket.escalated")) == 24
    levels = await rows(api, "SELECT DISTINCT escalation_level FROM ticket")
    assert levels == [{"escalation_level": 2}]


async def test_a_timer_held_by_a_dying_process_is_fired_by_another(
    api: Api, desk: int, clock: ManualClock, database_url: str
) -> None:
    ticket = await create_ticket(api, desk, priority="URGENT")
    pk = decode_id(ticket["id"])[1]
    clock.advance(timedelta(minutes=1))
    dying = make_engine(database_url, pool_size=1)
    survivor_engine = make_engine(database_url, pool_size=2)
    try:
        survivor = make_worker(survivor_engine, clock)
        conn = await dying.connect()
        await conn.begin()
        # The dying process took the response timer (row-locked, as a worker takes a job) ...
        taken = await conn.scalar(
            text("SELECT id FROM job WHERE key = :k FOR UPDATE SKIP LOCKED"),
            {"k": f"ticket.escalate:{pk}:RESPONSE"},
        )
        assert taken is not None
        # ... so the other worker skips it while that process lives,
        await survivor.run_due()
        assert await escalations(api) == []
        # and runs it once the process is gone (its transaction dies with its connection).
        await conn.invalidate()
        await conn.close()
        await survivor.run_due()
        assert await escalations(api) == [{"ticket_id": pk, "target": "RESPONSE"}]
    finally:
        await dying.dispose()
        await survivor_engine.dispose()


async def test_the_sweep_escalates_tickets_whose_timer_was_lost(
    api: Api, desk: int, clock: ManualClock, worker: Worker
) -> None:
    ticket = await create_ticket(api, desk, priority="URGENT")
    pk = decode_id(ticket["id"])[1]
    async with api.engine.begin() as conn:  # a timer lost (a restored backup, an old bug)
        await conn.execute(text("DELETE FROM job WHERE kind = 'ticket.escalate'"))
    clock.advance(timedelta(minutes=5))
    await worker.run_due()
    assert await escalations(api) == [
        {"ticket_id": pk, "target": "RESOLUTION"},
        {"ticket_id": pk, "target": "RESPONSE"},
    ]
    clock.advance(timedelta(minutes=5))
    await worker.run_due()  # the next sweep finds nothing more to do
    assert await scalar(api, "SELECT escalation_level FROM ticket") == 2
