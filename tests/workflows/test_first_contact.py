"""CONTRACT §7, first contact: the assignee's touchpoint records it; a missed due time hands the
lead on (the rule's next assignee, or the manager), with a new due time, task and event."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import ManualClock
from persistence.jobs import Worker
from tests.conftest import Api
from tests.workflows.lead_world import (
    LEAD,
    LOG,
    MONDAY_10,
    create_lead,
    create_rule,
    data,
    events,
    team,
)

CALL = {"channel": "PHONE", "direction": "OUTBOUND", "summary": "首次电话联系"}


async def test_the_assignees_touchpoint_is_the_first_contact(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(api, name="rr", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids[:2])
    lead = await create_lead(api)
    assert lead["assignee"]["id"] == people.rep_ids[0]
    # Someone else's note is not the first contact.
    body = await api.query(LOG, {"input": {**CALL, "leadId": lead["id"]}}, sub="manager")
    assert data(body, "logInteraction")["userErrors"] == []
    assert data(await api.query(LEAD, {"id": lead["id"]}, sub="rep0"), "lead")["status"] == (
        "ASSIGNED"
    )
    clock.advance(timedelta(minutes=30))
    body = await api.query(LOG, {"input": {**CALL, "leadId": lead["id"]}}, sub="rep0")
    assert data(body, "logInteraction")["userErrors"] == []
    seen = data(await api.query(LEAD, {"id": lead["id"]}, sub="rep0"), "lead")
    assert seen["status"] == "CONTACTED"
    assert seen["firstContactedAt"] is not None
    # The timer at the due time finds the lead contacted and leaves it alone.
    clock.advance(timedelta(hours=3))
    assert await worker.run_due() >= 1
    after = data(await api.query(LEAD, {"id": lead["id"]}, sub="rep0"), "lead")
    assert after["assignee"]["id"] == people.rep_ids[0]
    assert len(await events(api, "lead.assigned")) == 1


async def test_a_missed_first_contact_goes_to_the_rules_next_assignee(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(api, name="rr", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids[:3])
    lead = await create_lead(api)
    assert lead["assignee"]["id"] == people.rep_ids[0]
    clock.advance(timedelta(minutes=119))
    await worker.run_due()
    assert await _assignee(api, lead) == people.rep_ids[0]
    clock.advance(timedelta(minutes=1))
    await worker.run_due()
    moved = data(await api.query(LEAD, {"id": lead["id"]}, sub="admin"), "lead")
    assert moved["assignee"]["id"] == people.rep_ids[1]
    assert moved["status"] == "ASSIGNED"
    assert moved["firstContactDueAt"] > lead["firstContactDueAt"]
    assert len(await events(api, "lead.assigned")) == 2
    tasks = await api.query("{ tasks { totalCount } }", sub="rep1")
    assert data(tasks, "tasks")["totalCount"] == 1
    # Missed again: on to the next one, never back to the one who just missed it.
    clock.advance(timedelta(hours=3))
    await worker.run_due()
    assert await _assignee(api, lead) == people.rep_ids[2]
    # The timer fires once: running the worker again changes nothing.
    await worker.run_due()
    assert await _assignee(api, lead) == people.rep_ids[2]


async def test_without_a_rule_the_missed_lead_goes_to_the_managers(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    lead = await create_lead(api, assigneeId=people.rep_ids[1])
    clock.advance(timedelta(hours=2, seconds=1))
    await worker.run_due()
    moved = data(await api.query(LEAD, {"id": lead["id"]}, sub="manager"), "lead")
    assert moved["assignee"]["id"] == _user_gid(people.manager)


def _user_gid(pk: int) -> str:
    from schema.ids import encode_id

    return encode_id("User", pk)


async def _assignee(api: Api, lead: dict[str, str]) -> str:
    seen = data(await api.query(LEAD, {"id": lead["id"]}, sub="admin"), "lead")
    return str(seen["assignee"]["id"])
