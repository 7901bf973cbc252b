"""CONTRACT §7 as a client sees it: the ticket flow, SLA, escalation, surveys, renewals and care,
service to sales. Written from the contract's names only; time moves through the clock port."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from domain.clock import ManualClock
from persistence.jobs import Worker
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")

SLA = """mutation($input: UpdateSlaPolicyInput!) {
  updateSlaPolicy(input: $input) { userErrors { field message code } }
}"""
CREATE_TICKET = """mutation($input: CreateTicketInput!) {
  createTicket(input: $input) {
    ticket { id status createdAt firstResponseDueAt resolutionDueAt escalationLevel version }
    userErrors { field message code }
  }
}"""
STATUS = """mutation($input: UpdateTicketStatusInput!) {
  updateTicketStatus(input: $input) {
    ticket { id status firstRespondedAt resolvedAt version escalationLevel }
    userErrors { field message code }
  }
}"""
TICKET = """query($id: ID!) {
  ticket(id: $id) { status escalationLevel csatScore firstRespondedAt resolvedAt }
}"""
TASKS = """{ tasks(first: 100) { totalCount nodes { id kind status subject dueAt
  assignee { externalId } } } }"""


def ok(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    assert result["userErrors"] == [], result["userErrors"]
    return result


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _world(api: Api) -> dict[str, Any]:
    admin = await f.user(api.engine, "ADMIN", external_id="admin")
    manager = await f.user(api.engine, "SALES_MANAGER", external_id="boss")
    rep = await f.user(api.engine, "SALES_REP", external_id="rep", manager_id=manager)
    agent = await f.user(api.engine, "SERVICE_AGENT", external_id="agent", manager_id=manager)
    customer = await f.customer(api.engine, owner_id=rep)
    return {
        "admin": admin,
        "manager": manager,
        "rep": rep,
        "agent": agent,
        "customer": customer,
        "customer_id": encode_id("Customer", customer),
    }


async def _always_sla(api: Api, priority: str, first: int, resolution: int) -> None:
    body = await api.query(
        SLA,
        {
            "input": {
                "priority": priority,
                "firstResponseMinutes": first,
                "resolutionMinutes": resolution,
                "calendar": "ALWAYS",
            }
        },
        sub="admin",
    )
    ok(body, "updateSlaPolicy")


async def _ticket(api: Api, world: dict[str, Any], priority: str = "URGENT") -> dict[str, Any]:
    body = await api.query(
        CREATE_TICKET,
        {
            "input": {
                "customerId": world["customer_id"],
                "subject": "数控机床主轴异响",
                "kind": "REPAIR",
                "priority": priority,
            }
        },
        sub="admin",
    )
    ticket: dict[str, Any] = ok(body, "createTicket")["ticket"]
    assigned = await api.query(
        """mutation($input: AssignTicketInput!) { assignTicket(input: $input) {
          userErrors { field message code } } }""",
        {"input": {"ticketId": ticket["id"], "assigneeId": encode_id("User", world["agent"])}},
        sub="admin",
    )
    ok(assigned, "assignTicket")
    return ticket


async def _move(api: Api, ticket_id: str, status: str, sub: str = "admin") -> dict[str, Any]:
    body = await api.query(STATUS, {"input": {"ticketId": ticket_id, "status": status}}, sub=sub)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["updateTicketStatus"]
    return result


async def test_sla_targets_come_from_the_priority_policy(api: Api, clock: ManualClock) -> None:
    world = await _world(api)
    await _always_sla(api, "URGENT", 30, 240)
    ticket = await _ticket(api, world)
    created = instant(ticket["createdAt"])
    assert instant(ticket["firstResponseDueAt"]) - created == timedelta(minutes=30)
    assert instant(ticket["resolutionDueAt"]) - created == timedelta(minutes=240)
    body = await api.query(
        "{ slaPolicies { priority firstResponseMinutes calendar } }", sub="admin"
    )
    urgent = [p for p in body["data"]["slaPolicies"] if p["priority"] == "URGENT"]
    assert urgent == [{"priority": "URGENT", "firstResponseMinutes": 30, "calendar": "ALWAYS"}]


async def test_business_calendar_targets_skip_the_night(api: Api, clock: ManualClock) -> None:
    world = await _world(api)
    await api.query(
        SLA,
        {
            "input": {
                "priority": "HIGH",
                "firstResponseMinutes": 120,
                "resolutionMinutes": 540,
                "calendar": "BUSINESS",
            }
        },
        sub="admin",
    )
    # Wednesday 2027-03-03, 17:00 in Shanghai (an ordinary working day): one hour left today.
    clock.set(datetime(2027, 3, 3, 17, 0, tzinfo=SHANGHAI))
    ticket = await _ticket(api, world, "HIGH")
    due = instant(ticket["firstResponseDueAt"]).astimezone(SHANGHAI)
    assert due == datetime(2027, 3, 4, 10, 0, tzinfo=SHANGHAI)


async def test_the_flow_moves_one_step_at_a_time(api: Api, clock: ManualClock) -> None:
    world = await _world(api)
    ticket = await _ticket(api, world)
    skipped = await _move(api, ticket["id"], "IN_PROGRESS")
    assert [e["field"] for e in skipped["userErrors"]] == ["status"]
    clock.advance(timedelta(minutes=3))
    accepted = await _move(api, ticket["id"], "ACCEPTED")
    assert accepted["userErrors"] == []
    assert instant(accepted["ticket"]["firstRespondedAt"]) == clock.now()
    for status in ("ANALYZING", "IN_PROGRESS", "RESOLVED"):
        assert (await _move(api, ticket["id"], status))["userErrors"] == []
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["resolvedAt"] is not None
    # Reopening is the one way back.
    reopened = await _move(api, ticket["id"], "IN_PROGRESS")
    assert reopened["userErrors"] == []
    assert reopened["ticket"]["status"] == "IN_PROGRESS"
    backwards = await _move(api, ticket["id"], "NEW")
    assert [e["field"] for e in backwards["userErrors"]] == ["status"]
    for status in ("RESOLVED", "FOLLOW_UP", "CLOSED"):
        assert (await _move(api, ticket["id"], status))["userErrors"] == []
    closed = await _move(api, ticket["id"], "IN_PROGRESS")
    assert [e["field"] for e in closed["userErrors"]] == ["status"]


async def test_an_unanswered_ticket_escalates_once_per_target(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    world = await _world(api)
    await _always_sla(api, "URGENT", 1, 5)
    ticket = await _ticket(api, world)
    clock.advance(timedelta(seconds=59))
    await worker.run_due()
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["escalationLevel"] == 0
    clock.advance(timedelta(seconds=2))
    await worker.run_due()
    clock.advance(timedelta(seconds=30))
    await worker.run_due()
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["escalationLevel"] == 1
    # The ESCALATION task goes to the assignee's manager.
    tasks = (await api.query(TASKS, sub="boss"))["data"]["tasks"]["nodes"]
    escalations = [t for t in tasks if t["kind"] == "ESCALATION"]
    assert len(escalations) == 1
    assert escalations[0]["assignee"]["externalId"] == "boss"
    # And the timeline shows it.
    timeline = await api.query(
        """query($id: ID!) { customer(id: $id) { timeline(first: 20) { edges { node {
          __typename ... on TicketEvent { kind } } } } } }""",
        {"id": world["customer_id"]},
        sub="admin",
    )
    kinds = [e["node"].get("kind") for e in timeline["data"]["customer"]["timeline"]["edges"]]
    assert kinds.count("ESCALATED") == 1
    # The resolution target escalates once more, then nothing.
    clock.advance(timedelta(minutes=5))
    await worker.run_due()
    clock.advance(timedelta(minutes=30))
    await worker.run_due()
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["escalationLevel"] == 2


async def test_a_ticket_answered_in_time_never_escalates(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    world = await _world(api)
    await _always_sla(api, "URGENT", 1, 60)
    ticket = await _ticket(api, world)
    await _move(api, ticket["id"], "ACCEPTED")
    clock.advance(timedelta(minutes=10))
    await worker.run_due()
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["escalationLevel"] == 0


async def _survey_tokens(api: Api) -> list[dict[str, Any]]:
    async with api.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT data FROM outbox_event WHERE type = 'survey.requested' ORDER BY 1")
        )
        return [dict(r[0]) for r in rows]


SUBMIT = """mutation($input: SubmitSurveyInput!) {
  submitSurvey(input: $input) { userErrors { field message code } }
}"""


async def test_a_resolved_ticket_asks_for_csat_and_the_answer_needs_no_sign_in(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    world = await _world(api)
    ticket = await _ticket(api, world)
    for status in ("ACCEPTED", "ANALYZING", "IN_PROGRESS", "RESOLVED"):
        await _move(api, ticket["id"], status)
    await worker.run_due()
    requested = await _survey_tokens(api)
    assert len(requested) == 1
    token = requested[0]["token"]
    assert token
    out_of_range = await api.post(SUBMIT, {"input": {"token": token, "score": 6}})
    codes = [e["code"] for e in out_of_range.json()["data"]["submitSurvey"]["userErrors"]]
    assert codes == ["BAD_USER_INPUT"]
    answered = await api.post(SUBMIT, {"input": {"token": token, "score": 5, "comment": "很好"}})
    assert answered.json()["data"]["submitSurvey"]["userErrors"] == []
    again = await api.post(SUBMIT, {"input": {"token": token, "score": 4}})
    assert again.json()["data"]["submitSurvey"]["userErrors"] != []
    body = await api.query(TICKET, {"id": ticket["id"]}, sub="admin")
    assert body["data"]["ticket"]["csatScore"] == 5
    forged = await api.post(SUBMIT, {"input": {"token": token + "x", "score": 4}})
    assert forged.json()["data"]["submitSurvey"]["userErrors"] != []


CREATE_CONTRACT = """mutation($input: CreateContractInput!) {
  createContract(input: $input) { contract { id number endsOn } userErrors { field message code } }
}"""


async def _renewal_state(api: Api) -> tuple[list[str], int]:
    tasks = (await api.query(TASKS, sub="rep"))["data"]["tasks"]["nodes"]
    kinds = sorted(t["kind"] for t in tasks)
    async with api.engine.connect() as conn:
        opportunities = int(
            (await conn.execute(text("SELECT count(*) FROM opportunity"))).scalar_one()
        )
    return kinds, opportunities


async def test_renewal_marks_fire_once_each_with_one_opportunity(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    world = await _world(api)
    clock.set(datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI))
    today = clock.now().astimezone(SHANGHAI).date()
    body = await api.query(
        CREATE_CONTRACT,
        {
            "input": {
                "customerId": world["customer_id"],
                "number": "HT-2027-0001",
                "startsOn": (today - timedelta(days=20)).isoformat(),
                "endsOn": (today + timedelta(days=90)).isoformat(),
                "value": "120000.00",
            }
        },
        sub="admin",
    )
    ok(body, "createContract")
    await worker.run_due()
    assert await _renewal_state(api) == ([], 0)
    clock.set(datetime.combine(today + timedelta(days=30), datetime.min.time(), SHANGHAI))
    clock.advance(timedelta(hours=1))
    await worker.run_due()
    await worker.run_due()
    kinds, opportunities = await _renewal_state(api)
    assert kinds.count("RENEWAL") == 1
    assert opportunities == 1
    assert kinds.count("CARE") == 1  # one month after startsOn passed on the way
    clock.advance(timedelta(days=31))
    await worker.run_due()
    kinds, opportunities = await _renewal_state(api)
    assert kinds.count("RENEWAL") == 2
    assert opportunities == 1


async def test_a_contract_created_past_a_mark_gets_its_task_at_once(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    world = await _world(api)
    today = clock.now().astimezone(SHANGHAI).date()
    body = await api.query(
        CREATE_CONTRACT,
        {
            "input": {
                "customerId": world["customer_id"],
                "number": "HT-2027-0002",
                "startsOn": (today - timedelta(days=300)).isoformat(),
                "endsOn": (today + timedelta(days=20)).isoformat(),
                "value": "5000.00",
            }
        },
        sub="admin",
    )
    ok(body, "createContract")
    await worker.run_due()
    await worker.run_due()
    kinds, opportunities = await _renewal_state(api)
    assert kinds.count("RENEWAL") == 1
    assert opportunities == 1


async def test_complete_task_closes_it(api: Api, clock: ManualClock, worker: Worker) -> None:
    world = await _world(api)
    today = clock.now().astimezone(SHANGHAI).date()
    await api.query(
        CREATE_CONTRACT,
        {
            "input": {
                "customerId": world["customer_id"],
                "number": "HT-2027-0003",
                "startsOn": (today - timedelta(days=10)).isoformat(),
                "endsOn": (today + timedelta(days=5)).isoformat(),
                "value": "1.00",
            }
        },
        sub="admin",
    )
    await worker.run_due()
    tasks = (await api.query(TASKS, sub="rep"))["data"]["tasks"]["nodes"]
    assert tasks
    body = await api.query(
        """mutation($input: CompleteTaskInput!) { completeTask(input: $input) {
          task { status } userErrors { field message code } } }""",
        {"input": {"taskId": tasks[0]["id"]}},
        sub="rep",
    )
    assert ok(body, "completeTask")["task"]["status"] == "DONE"


async def test_an_upsell_note_makes_a_service_lead_for_the_owner(
    api: Api, clock: ManualClock
) -> None:
    world = await _world(api)
    tech = await f.user(api.engine, "TECHNICIAN", external_id="tech")
    ticket = await f.ticket(api.engine, world["customer"], assignee_id=tech)
    start = clock.now()
    body = await api.query(
        """mutation($input: RecordServiceVisitInput!) { recordServiceVisit(input: $input) {
          userErrors { field message code } } }""",
        {
            "input": {
                "ticketId": encode_id("Ticket", ticket),
                "scheduledStart": start.isoformat(),
                "scheduledEnd": (start + timedelta(hours=2)).isoformat(),
                "upsellNote": "客户想加购两台五轴机床",
            }
        },
        sub="tech",
    )
    ok(body, "recordServiceVisit")
    leads = await api.query(
        "{ leads(first: 10) { nodes { source status assignee { externalId } } } }", sub="rep"
    )
    nodes = leads["data"]["leads"]["nodes"]
    assert [(n["source"], n["assignee"]["externalId"]) for n in nodes] == [("SERVICE", "rep")]
