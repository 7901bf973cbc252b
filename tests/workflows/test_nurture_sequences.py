"""Issue 11, nurture sequences as data: admins create and change them (each step checked, a
stale version refused), managers and reps read them, reps see only their leads' enrolments, and a
sequence switched off enrols no one and ends the enrolments it had."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clock import ManualClock
from persistence.jobs import Worker
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import SHANGHAI, create_lead, data, team
from tests.workflows.test_nurture import (
    CREATE,
    ENROLMENTS,
    UPDATE,
    create_sequence,
    enrolments,
    log,
    nurture_tasks,
    task_step,
)

LIST = "{ nurtureSequences { totalCount nodes { id name active } } }"


async def _refused(api: Api, **values: object) -> list[tuple[str, str]]:
    values = {"name": "培育", "trigger": {"kind": "WEBINAR"}, **values}
    result = data(await api.query(CREATE, {"input": values}, sub="admin"), "createNurtureSequence")
    assert result["nurtureSequence"] is None
    return [(e["field"], e["code"]) for e in result["userErrors"]]


async def test_steps_are_checked_before_anything_is_stored(api: Api) -> None:
    await team(api, reps=1)
    assert await _refused(api, steps=[]) == [("steps", "BAD_USER_INPUT")]
    assert await _refused(api, steps=[task_step(3, "a"), task_step(1, "b")]) == [
        ("steps.1.afterBusinessDays", "BAD_USER_INPUT")
    ]
    untitled = {"afterBusinessDays": 1, "action": "CREATE_TASK", "taskKind": "ESCALATION"}
    assert await _refused(api, steps=[task_step(400, "a"), untitled]) == [
        ("steps.0.afterBusinessDays", "BAD_USER_INPUT"),
        ("steps.1.title", "BAD_USER_INPUT"),
        ("steps.1.taskKind", "BAD_USER_INPUT"),
    ]
    assert await _refused(api, name=" ", steps=[task_step(1, "a")]) == [("name", "BAD_USER_INPUT")]
    assert data(await api.query(LIST, sub="admin"), "nurtureSequences")["totalCount"] == 0


async def test_admins_manage_sales_read_the_service_side_sees_none(api: Api) -> None:
    await team(api, reps=1)
    await f.user(api.engine, "TECHNICIAN", external_id="technician")
    created = await create_sequence(
        api,
        trigger={"kind": "WEBINAR", "channel": "WEB"},
        steps=[task_step(1, "跟进"), {"afterBusinessDays": 2, "action": "EMIT_EVENT"}],
    )
    assert created["trigger"] == {"kind": "WEBINAR", "channel": "WEB"}
    assert [s["action"] for s in created["steps"]] == ["CREATE_TASK", "EMIT_EVENT"]
    assert created["steps"][0]["taskKind"] == "FOLLOW_UP"
    listed = data(await api.query(LIST, sub="manager"), "nurtureSequences")
    assert [n["id"] for n in listed["nodes"]] == [created["id"]]
    as_manager = await api.query(
        CREATE, {"input": {"name": "x", "trigger": {"kind": "NOTE"}, "steps": []}}, sub="manager"
    )
    assert as_manager["errors"]  # absent from its schema
    assert as_manager.get("data") is None
    assert data(await api.query(LIST, sub="rep0"), "nurtureSequences")["totalCount"] == 1
    assert (await api.query(LIST, sub="technician"))["errors"]

    stale = await api.query(
        UPDATE,
        {"input": {"nurtureSequenceId": created["id"], "expectedVersion": 7, "active": False}},
        sub="admin",
    )
    assert data(stale, "updateNurtureSequence")["userErrors"][0]["code"] == "CONFLICT"
    body = await api.query(
        UPDATE,
        {"input": {"nurtureSequenceId": created["id"], "expectedVersion": 1, "active": False}},
        sub="admin",
    )
    updated = data(body, "updateNurtureSequence")
    assert updated["userErrors"] == []
    assert (updated["nurtureSequence"]["active"], updated["nurtureSequence"]["version"]) == (
        False,
        2,
    )


async def test_switching_a_sequence_off_ends_its_enrolments_and_enrols_no_one(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI))
    people = await team(api, reps=2)
    sequence = await create_sequence(api, steps=[task_step(1, "跟进")])
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    await log(api, lead["id"])
    # Another rep cannot see this lead, nor its enrolments.
    assert data(await api.query(ENROLMENTS, {"id": lead["id"]}, sub="rep1"), "lead") is None
    assert (await enrolments(api, lead["id"], sub="rep0"))["totalCount"] == 1
    off = {"nurtureSequenceId": sequence["id"], "active": False}
    assert (
        data(await api.query(UPDATE, {"input": off}, sub="admin"), "updateNurtureSequence")[
            "userErrors"
        ]
        == []
    )
    later = await create_lead(api, assigneeId=people.rep_ids[0], companyName="后来的公司")
    await log(api, later["id"])
    assert (await enrolments(api, later["id"]))["totalCount"] == 0
    clock.advance(timedelta(days=7))
    await worker.run_due()
    assert await nurture_tasks(api) == []
    ended = (await enrolments(api, lead["id"]))["nodes"][0]
    assert (ended["status"], ended["endReason"]) == ("ENDED", "SEQUENCE_INACTIVE")
