"""Issue 11, nurture sequences: a trigger interaction on a lead enrols it once; each step fires
once, N business days after the trigger on the business calendar (weekends and holidays
skipped), as a task for the lead's assignee or a `lead.nurture_step` event for webhooks; a
lead converted or disqualified by then gets no further steps."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.clock import Clock, ManualClock
from domain.nurture_flow import NURTURE_STEP_DUE
from persistence.db import make_engine
from persistence.jobs import Job, Worker
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import (
    LOG,
    SHANGHAI,
    create_lead,
    data,
    events,
    gid,
    scalar,
    team,
)
from tests.workflows.receiver import receiver
from workflows.nurture import nurture_step_due

#: Friday 5 March 2027, 15:00 in Shanghai.
FRIDAY_15 = datetime(2027, 3, 5, 15, 0, tzinfo=SHANGHAI)
CREATE = """
mutation($input: CreateNurtureSequenceInput!) {
  createNurtureSequence(input: $input) {
    nurtureSequence { id name active version trigger { kind channel }
      steps { afterBusinessDays action taskKind title } }
    userErrors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateNurtureSequenceInput!) {
  updateNurtureSequence(input: $input) {
    nurtureSequence { id active version }
    userErrors { field message code }
  }
}"""
ENROLMENTS = """
query($id: ID!) {
  lead(id: $id) {
    nurtureEnrollments {
      totalCount
      nodes { status endReason nurtureSequence { name }
        steps { position afterBusinessDays action status dueAt firedAt task { subject kind } } }
    }
  }
}"""
MY_TASKS = "{ tasks(first: 50) { nodes { subject kind dueAt assignee { id } } } }"
SET_DAY = """
mutation($input: SetBusinessDayInput!) {
  setBusinessDay(input: $input) { userErrors { field message code } }
}"""
CONVERT = """
mutation($input: ConvertLeadInput!) {
  convertLead(input: $input) { userErrors { field message code } }
}"""
DOWNLOAD = {"channel": "WEB", "direction": "INBOUND", "summary": "下载白皮书《智能制造》",
            "kind": "CONTENT_DOWNLOAD"}  # fmt: skip


def task_step(days: int, title: str) -> dict[str, Any]:
    return {"afterBusinessDays": days, "action": "CREATE_TASK", "title": title}


async def create_sequence(api: Api, **values: Any) -> dict[str, Any]:
    values.setdefault("name", "白皮书下载培育")
    values.setdefault("trigger", {"kind": "CONTENT_DOWNLOAD"})
    result = data(await api.query(CREATE, {"input": values}, sub="admin"), "createNurtureSequence")
    assert result["userErrors"] == [], result
    return result["nurtureSequence"]  # type: ignore[no-any-return]


async def log(api: Api, lead: str, sub: str = "rep0", **more: Any) -> None:
    body = await api.query(LOG, {"input": {**DOWNLOAD, "leadId": lead, **more}}, sub=sub)
    assert data(body, "logInteraction")["userErrors"] == []


async def nurture_tasks(api: Api, sub: str = "rep0") -> list[dict[str, Any]]:
    nodes = data(await api.query(MY_TASKS, sub=sub), "tasks")["nodes"]
    return [t for t in nodes if t["kind"] != "FIRST_CONTACT"]


async def enrolments(api: Api, lead: str, sub: str = "manager") -> dict[str, Any]:
    return data(await api.query(ENROLMENTS, {"id": lead}, sub=sub), "lead")["nurtureEnrollments"]


async def test_a_download_gives_the_assignee_a_task_n_business_days_later_exactly(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(FRIDAY_15 - timedelta(hours=1))
    people = await team(api, reps=1)
    # Monday 8 March is made a holiday: Friday + 2 business days lands on Wednesday.
    body = await api.query(
        SET_DAY,
        {"input": {"date": "2027-03-08", "working": False, "note": "公司假日"}},
        sub="admin",
    )
    assert data(body, "setBusinessDay")["userErrors"] == []
    await create_sequence(api, steps=[task_step(2, "回访白皮书下载客户")])
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    clock.set(FRIDAY_15)
    await log(api, lead["id"])

    due = datetime(2027, 3, 10, 15, 0, tzinfo=SHANGHAI)
    clock.set(due - timedelta(seconds=1))
    await worker.run_due()
    assert await nurture_tasks(api) == []
    seen = await enrolments(api, lead["id"])
    assert seen["totalCount"] == 1
    step = seen["nodes"][0]["steps"][0]
    assert (step["status"], datetime.fromisoformat(step["dueAt"])) == ("PENDING", due)

    clock.set(due)
    await worker.run_due()
    tasks = await nurture_tasks(api)
    assert [(t["subject"], t["kind"]) for t in tasks] == [("回访白皮书下载客户", "FOLLOW_UP")]
    assert tasks[0]["assignee"]["id"] == people.rep_ids[0]
    # Fires once: later runs change nothing.
    clock.advance(timedelta(days=10))
    await worker.run_due()
    assert len(await nurture_tasks(api)) == 1
    done = (await enrolments(api, lead["id"]))["nodes"][0]
    assert done["status"] == "COMPLETED"
    assert done["nurtureSequence"]["name"] == "白皮书下载培育"
    assert done["steps"][0]["status"] == "DONE"
    assert done["steps"][0]["task"]["subject"] == "回访白皮书下载客户"
    assert len(await events(api, "task.created")) == 2  # first contact, then the nurture task


async def test_two_triggers_enrol_once_and_other_kinds_or_channels_not_at_all(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(FRIDAY_15)
    people = await team(api, reps=1)
    await create_sequence(api, steps=[task_step(1, "第一次跟进"), task_step(3, "第二次跟进")])
    await create_sequence(
        api,
        name="仅限微信下载",
        trigger={"kind": "CONTENT_DOWNLOAD", "channel": "WECHAT_WORK"},
        steps=[task_step(1, "企业微信跟进")],
    )
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    other = await create_lead(api, assigneeId=people.rep_ids[0], companyName="另一家公司")
    await log(api, lead["id"])
    await log(api, lead["id"])
    await log(api, other["id"], kind="NOTE")
    assert (await enrolments(api, lead["id"]))["totalCount"] == 1
    assert (await enrolments(api, other["id"]))["totalCount"] == 0
    jobs = await scalar(api, "SELECT count(*) FROM job WHERE kind = :k", k=NURTURE_STEP_DUE)
    assert jobs == 2

    clock.advance(timedelta(days=14))
    await worker.run_due()
    assert sorted(t["subject"] for t in await nurture_tasks(api)) == ["第一次跟进", "第二次跟进"]


async def test_a_converted_lead_gets_no_further_steps(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(FRIDAY_15)
    people = await team(api, reps=1)
    await create_sequence(api, steps=[task_step(1, "第一次跟进"), task_step(3, "第二次跟进")])
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    await log(api, lead["id"])
    clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=SHANGHAI))  # Monday: the first step
    await worker.run_due()
    assert [t["subject"] for t in await nurture_tasks(api)] == ["第一次跟进"]

    body = await api.query(CONVERT, {"input": {"leadId": lead["id"]}}, sub="rep0")
    assert data(body, "convertLead")["userErrors"] == []
    clock.advance(timedelta(days=10))
    await worker.run_due()
    assert [t["subject"] for t in await nurture_tasks(api)] == ["第一次跟进"]
    ended = (await enrolments(api, lead["id"]))["nodes"][0]
    assert (ended["status"], ended["endReason"]) == ("ENDED", "LEAD_CONVERTED")
    assert [s["status"] for s in ended["steps"]] == ["DONE", "SKIPPED"]


async def test_an_event_step_is_delivered_to_the_subscribed_webhook(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(FRIDAY_15)
    people = await team(api, reps=1)
    sequence = await create_sequence(
        api, steps=[{"afterBusinessDays": 1, "action": "EMIT_EVENT", "title": "推送营销自动化"}]
    )
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    with receiver(200) as hook:
        body = await api.query(
            """mutation($input: CreateWebhookEndpointInput!) {
              createWebhookEndpoint(input: $input) { userErrors { field code } } }""",
            {"input": {"url": hook.url, "events": ["lead.nurture_step"]}},
            sub="admin",
        )
        assert data(body, "createWebhookEndpoint")["userErrors"] == []
        await log(api, lead["id"])
        await worker.run_due()
        assert hook.received == []
        clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=SHANGHAI))
        await worker.run_due()
        assert len(hook.received) == 1
    delivered = json.loads(hook.received[0].body)
    assert delivered["type"] == "lead.nurture_step"
    assert delivered["data"]["id"] == lead["id"]
    assert delivered["data"]["nurtureSequence"] == sequence["id"]
    assert (delivered["data"]["step"], delivered["data"]["title"]) == (0, "推送营销自动化")
    assert len(await events(api, "lead.nurture_step")) == 1
    assert await nurture_tasks(api) == []


async def test_a_worker_killed_mid_step_still_fires_it_once(
    api: Api, clock: ManualClock, worker: Worker, database_url: str
) -> None:
    clock.set(FRIDAY_15)
    people = await team(api, reps=1)
    await create_sequence(api, steps=[task_step(1, "第一次跟进")])
    lead = await create_lead(api, assigneeId=people.rep_ids[0])
    await log(api, lead["id"])
    clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=SHANGHAI))
    started, hang = asyncio.Event(), asyncio.Event()
    backend: list[int] = []

    async def dies_after_the_step(conn: AsyncConnection, job: Job, at: Clock) -> datetime | None:
        await nurture_step_due(conn, job, at)
        backend.append(int(await conn.scalar(text("SELECT pg_backend_pid()")) or 0))
        started.set()
        await hang.wait()  # the process dies here, its transaction uncommitted
        return None

    doomed = make_engine(database_url, pool_size=1)
    run = asyncio.create_task(
        Worker(doomed, {NURTURE_STEP_DUE: dies_after_the_step}, clock).run_due()
    )
    await asyncio.wait_for(started.wait(), 10)
    server = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await server.execute("SELECT pg_terminate_backend($1)", backend[0])
    finally:
        await server.close()
    run.cancel()
    await asyncio.wait([run])
    await doomed.dispose()
    assert await nurture_tasks(api) == []  # nothing of the dead attempt was kept
    await worker.run_due()
    await worker.run_due()
    assert [t["subject"] for t in await nurture_tasks(api)] == ["第一次跟进"]


async def test_a_web_form_submission_enrols_its_new_lead_and_the_task_waits_in_the_pool(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    """CONTRACT §9 as a client sees it: the form's lead (no rule fits, so unassigned) is enrolled
    by its FORM_SUBMISSION; its task has no assignee until someone takes the lead."""
    clock.set(FRIDAY_15)
    await team(api, reps=1)
    await create_sequence(
        api, name="官网表单培育", trigger={"kind": "FORM_SUBMISSION", "channel": "WEB"},
        steps=[task_step(1, "电话回访表单客户")],
    )  # fmt: skip
    form = """mutation($input: CreateWebFormInput!) {
      createWebForm(input: $input) { formKey userErrors { code } } }"""
    campaign = gid("Campaign", await f.campaign(api.engine))
    created = data(
        await api.query(form, {"input": {"name": "官网", "campaignId": campaign}}, sub="admin"),
        "createWebForm",
    )
    fields = {"company": "常州精密轴承", "name": "陈工", "phone": "13812345678"}
    response = await api.client.post(f"/channels/web-form/{created['formKey']}", json=fields)
    assert response.status_code == 202, response.text
    lead = gid("Lead", int(await scalar(api, "SELECT id FROM lead")))
    assert (await enrolments(api, lead, sub="admin"))["totalCount"] == 1
    clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=SHANGHAI))
    await worker.run_due()
    pool = await nurture_tasks(api, sub="admin")
    assert [(t["subject"], t["assignee"]) for t in pool] == [("电话回访表单客户", None)]
