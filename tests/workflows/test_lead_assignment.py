"""CONTRACT §7, lead assignment: rules as data, run in priority order, fair under concurrency."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from domain.clock import ManualClock
from domain.global_ids import global_id
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import (
    LEAD,
    MONDAY_10,
    SHANGHAI,
    UPDATE_RULE,
    create_lead,
    create_rule,
    data,
    events,
    gid,
    scalar,
    team,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_the_first_matching_rule_assigns_round_robin_with_a_task_and_events(
    api: Api, clock: ManualClock
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(
        api,
        name="华东区制造业 → 销售A组",
        strategy="ROUND_ROBIN",
        assigneeIds=people.rep_ids[:3],
        priority=10,
        match={"regions": ["EAST"], "industries": ["制造业"]},
        firstContactMinutes=120,
    )
    await create_rule(
        api, name="其他", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids[3:], priority=20
    )
    leads = [
        await create_lead(api, region="EAST", industry="制造业", companyName=f"工厂 {n}")
        for n in range(6)
    ]
    assert [lead["assignee"]["id"] for lead in leads] == people.rep_ids[:3] * 2
    first = leads[0]
    assert first["status"] == "ASSIGNED"
    # Two working hours from Monday 10:00 Shanghai.
    assert at(first["firstContactDueAt"]) == MONDAY_10 + timedelta(hours=2)
    other = await create_lead(api, region="NORTH", industry="制造业")
    assert other["assignee"]["id"] == people.rep_ids[3]
    tasks = await scalar(
        api, "SELECT count(*) FROM task WHERE kind = 'FIRST_CONTACT' AND lead_id IS NOT NULL"
    )
    assert tasks == 7
    assert len(await events(api, "lead.created")) == 7
    assigned = await events(api, "lead.assigned")
    assert global_id("Lead", _pk(first["id"])) in {e["id"] for e in assigned}
    assert {e["assignee"] for e in assigned} == set(people.rep_ids)


def _pk(global_id_: str) -> int:
    import base64

    padded = global_id_ + "=" * (-len(global_id_) % 4)
    return int(base64.urlsafe_b64decode(padded).decode().split(":")[1])


async def test_priority_inactive_rules_and_no_match(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    low = await create_rule(
        api, name="low", strategy="ROUND_ROBIN", assigneeIds=[people.rep_ids[0]], priority=50
    )
    await create_rule(
        api,
        name="high",
        strategy="ROUND_ROBIN",
        assigneeIds=[people.rep_ids[1]],
        priority=5,
        match={"sources": ["EVENT"]},
    )
    assert (await create_lead(api, source="EVENT"))["assignee"]["id"] == people.rep_ids[1]
    assert (await create_lead(api, source="AD"))["assignee"]["id"] == people.rep_ids[0]
    body = await api.query(
        UPDATE_RULE,
        {"input": {"assignmentRuleId": low["id"], "active": False, "expectedVersion": 1}},
        sub="admin",
    )
    assert data(body, "updateAssignmentRule")["assignmentRule"]["active"] is False
    unrouted = await create_lead(api, source="AD")
    assert unrouted["status"] == "NEW"
    assert unrouted["assignee"] is None
    assert unrouted["firstContactDueAt"] is None
    # A lead no rule fits stays NEW, visible to managers.
    seen = await api.query(LEAD, {"id": unrouted["id"]}, sub="manager")
    assert data(seen, "lead")["status"] == "NEW"
    assert len(await events(api, "lead.assigned")) == 2
    assert len(await events(api, "lead.created")) == 3


async def test_an_explicit_assignee_skips_the_rules(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(api, name="all", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids[:1])
    lead = await create_lead(api, assigneeId=people.rep_ids[2])
    assert lead["assignee"]["id"] == people.rep_ids[2]
    assert lead["status"] == "ASSIGNED"
    assert await scalar(api, "SELECT cursor FROM assignment_rule") == 0


async def test_business_and_always_calendars(api: Api, clock: ManualClock) -> None:
    friday_1730 = datetime(2027, 3, 5, 17, 30, tzinfo=SHANGHAI)
    clock.set(friday_1730)
    people = await team(api)
    await create_rule(
        api,
        name="biz",
        strategy="ROUND_ROBIN",
        assigneeIds=people.rep_ids[:1],
        match={"sources": ["EVENT"]},
        firstContactMinutes=60,
    )
    await create_rule(
        api,
        name="24x7",
        strategy="ROUND_ROBIN",
        assigneeIds=people.rep_ids[1:2],
        match={"sources": ["AD"]},
        firstContactMinutes=60,
        calendar="ALWAYS",
    )
    business = await create_lead(api, source="EVENT")
    # 30 minutes on Friday, then 30 on Monday morning.
    assert at(business["firstContactDueAt"]) == datetime(2027, 3, 8, 9, 30, tzinfo=SHANGHAI)
    always = await create_lead(api, source="AD")
    assert at(always["firstContactDueAt"]) == friday_1730 + timedelta(hours=1)


async def test_least_open_leads_picks_the_least_loaded(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    people = await team(api, reps=3)
    for _ in range(2):
        await f.lead(api.engine, assignee_id=people.reps[0], status="ASSIGNED")
    await f.lead(api.engine, assignee_id=people.reps[1], status="CONTACTED")
    await f.lead(api.engine, assignee_id=people.reps[1], status="CONVERTED")  # not open
    await create_rule(api, name="load", strategy="LEAST_OPEN_LEADS", assigneeIds=people.rep_ids)
    picks = [(await create_lead(api))["assignee"]["id"] for _ in range(4)]
    # Open leads: rep0 2, rep1 1, rep2 0; equal loads go in rotation order from the cursor.
    r0, r1, r2 = people.rep_ids
    assert picks == [r2, r1, r2, r0]


async def test_concurrent_leads_never_break_the_rotation(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(api, name="rr", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids)
    created = await asyncio.gather(*(create_lead(api, companyName=f"并发 {n}") for n in range(20)))
    counts = Counter(lead["assignee"]["id"] for lead in created)
    assert counts == Counter({rep: 5 for rep in people.rep_ids})
    assert await scalar(api, "SELECT cursor FROM assignment_rule") == 20


async def test_rule_management_errors(api: Api, clock: ManualClock) -> None:
    people = await team(api)
    technician = await f.user(api.engine, "TECHNICIAN")
    body = await api.query(
        """mutation($input: CreateAssignmentRuleInput!) { createAssignmentRule(input: $input) {
          assignmentRule { id } userErrors { field code } } }""",
        {
            "input": {
                "name": "bad",
                "strategy": "ROUND_ROBIN",
                "assigneeIds": [encode_id("User", technician)],
            }
        },
        sub="admin",
    )
    assert data(body, "createAssignmentRule")["userErrors"] == [
        {"field": "assigneeIds", "code": "BAD_USER_INPUT"}
    ]
    for ids, code in (([], "BAD_USER_INPUT"), ([gid("User", 10**6)], "NOT_FOUND")):
        body = await api.query(
            """mutation($input: CreateAssignmentRuleInput!) { createAssignmentRule(input: $input)
              { userErrors { field code } } }""",
            {"input": {"name": "x", "strategy": "ROUND_ROBIN", "assigneeIds": ids}},
            sub="admin",
        )
        assert data(body, "createAssignmentRule")["userErrors"][0]["code"] == code
    rule = await create_rule(api, name="ok", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids)
    stale = await api.query(
        UPDATE_RULE,
        {"input": {"assignmentRuleId": rule["id"], "expectedVersion": 7, "name": "late"}},
        sub="admin",
    )
    assert data(stale, "updateAssignmentRule")["userErrors"][0]["code"] == "CONFLICT"
    bad_minutes = await api.query(
        UPDATE_RULE,
        {"input": {"assignmentRuleId": rule["id"], "firstContactMinutes": 0}},
        sub="admin",
    )
    errors = data(bad_minutes, "updateAssignmentRule")["userErrors"]
    assert errors[0]["field"] == "firstContactMinutes"
    listing = "{ assignmentRules { totalCount nodes { name assignees { id } } } }"
    seen = data(await api.query(listing, sub="manager"), "assignmentRules")
    assert seen["totalCount"] == 1
    assert len(seen["nodes"][0]["assignees"]) == 4
    # Reps have no rules in their schema at all.
    refused = await api.query(listing, sub="rep0")
    assert (
        refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        or refused["errors"]
    )
    assert await scalar(api, "SELECT count(*) FROM assignment_rule") == 1
