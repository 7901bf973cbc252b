"""CONTRACT §7, renewals and care, tasks and service to sales: each mark once per contract, a
contract created late gets the latest mark at once, `completeTask` per policy, an upsell note
becomes a SERVICE lead for the customer's owner."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.calendar import SHANGHAI
from domain.clock import ManualClock
from domain.contracts import add_months
from persistence.jobs import Worker
from schema.ids import decode_id, encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.helpers import data, events, rows, scalar

CREATE_CONTRACT = """mutation($input: CreateContractInput!) { createContract(input: $input) {
  contract { id number startsOn endsOn value status } userErrors { field message code } } }"""
COMPLETE = """mutation($input: CompleteTaskInput!) { completeTask(input: $input) {
  task { id kind status subjectRecord { __typename ... on Customer { id } } }
  userErrors { field message code } } }"""
# Noon on Tuesday 1 December 2026 in Shanghai.
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


@pytest.fixture
async def rep(api: Api) -> tuple[int, int]:
    """A sales rep (`rep`) and a customer they own."""
    rep = await f.user(api.engine, "SALES_REP", external_id="rep")
    await f.user(api.engine, "ADMIN", external_id="admin")
    return rep, await f.customer(api.engine, owner_id=rep)


async def contract(
    api: Api, customer: int, starts: date, ends: date, number: str = "HT-001"
) -> str:
    variables = {
        "input": {
            "customerId": encode_id("Customer", customer),
            "number": number,
            "startsOn": starts.isoformat(),
            "endsOn": ends.isoformat(),
            "value": "88000.00",
        }
    }
    payload = data(await api.query(CREATE_CONTRACT, variables, sub="rep"), "createContract")
    assert payload["userErrors"] == [], payload
    return payload["contract"]["id"]  # type: ignore[no-any-return]


async def tasks(api: Api, kind: str) -> list[dict[str, object]]:
    return await rows(
        api, "SELECT rule, assignee_id FROM task WHERE kind = :k ORDER BY created_at, id", k=kind
    )


async def test_renewal_marks_fire_once_each_at_60_30_and_7_days(
    api: Api, rep: tuple[int, int], clock: ManualClock, worker: Worker
) -> None:
    owner, customer = rep
    clock.reset(NOON)
    today = NOON.date()
    ends = today + timedelta(days=90)
    contract_id = await contract(api, customer, today, ends)
    await worker.run_due()
    assert await tasks(api, "RENEWAL") == []
    expected: list[str] = []
    for days in (60, 30, 7):
        mark = midnight(ends - timedelta(days=days))
        clock.set(mark - timedelta(seconds=1))
        await worker.run_due()
        assert [t["rule"] for t in await tasks(api, "RENEWAL")] == expected
        clock.set(mark)
        await worker.run_due()
        await worker.run_due()
        expected.append(f"contract.renewal.{days}D")
        assert await tasks(api, "RENEWAL") == [
            {"rule": rule, "assignee_id": owner} for rule in expected
        ]
    opportunities = await rows(
        api, "SELECT name, stage, owner_id, amount, expected_close_date FROM opportunity"
    )
    assert len(opportunities) == 1
    assert opportunities[0]["stage"] == "QUALIFICATION"
    assert opportunities[0]["owner_id"] == owner
    assert opportunities[0]["expected_close_date"] == ends
    due = await events(api, "contract.renewal_due")
    assert [e["mark"] for e in due] == ["60D", "30D", "7D"]
    assert {e["id"] for e in due} == {contract_id}
    assert due[0]["opportunityId"] is not None
    assert due[1]["opportunityId"] is None
    clock.advance(timedelta(days=400))
    await worker.run_due()
    assert len(await tasks(api, "RENEWAL")) == 3  # never again
    care = [t["rule"] for t in await tasks(api, "CARE")]
    assert care == ["contract.care.1M", "contract.care.6M", "contract.care.1Y"]


async def test_a_contract_created_late_gets_the_latest_mark_at_once(
    api: Api, rep: tuple[int, int], clock: ManualClock, worker: Worker
) -> None:
    clock.reset(NOON)
    today = NOON.date()
    # Past the 60- and 30-day marks, and past the 1-month and 6-month care marks.
    await contract(api, rep[1], add_months(today, -7), today + timedelta(days=20))
    await worker.run_due()
    assert [t["rule"] for t in await tasks(api, "RENEWAL")] == ["contract.renewal.30D"]
    assert [t["rule"] for t in await tasks(api, "CARE")] == ["contract.care.6M"]
    assert await scalar(api, "SELECT count(*) FROM opportunity") == 1
    clock.set(midnight(today + timedelta(days=13)))
    await worker.run_due()
    assert [t["rule"] for t in await tasks(api, "RENEWAL")] == [
        "contract.renewal.30D",
        "contract.renewal.7D",
    ]
    assert await scalar(api, "SELECT count(*) FROM opportunity") == 1
    clock.set(midnight(add_months(add_months(today, -7), 12)))
    await worker.run_due()
    assert [t["rule"] for t in await tasks(api, "CARE")] == [
        "contract.care.6M",
        "contract.care.1Y",
    ]


async def test_contract_input_is_checked(api: Api, rep: tuple[int, int]) -> None:
    variables = {
        "input": {
            "customerId": encode_id("Customer", rep[1]),
            "number": " ",
            "startsOn": "2027-01-01",
            "endsOn": "2026-01-01",
            "value": "-1",
        }
    }
    errors = data(await api.query(CREATE_CONTRACT, variables, sub="rep"), "createContract")
    assert {(e["field"], e["code"]) for e in errors["userErrors"]} == {
        ("number", "BAD_USER_INPUT"),
        ("value", "BAD_USER_INPUT"),
    }
    variables["input"] |= {"number": "HT-9", "value": "1.00"}
    errors = data(await api.query(CREATE_CONTRACT, variables, sub="rep"), "createContract")
    assert [e["field"] for e in errors["userErrors"]] == ["endsOn"]
    other = await f.customer(api.engine)  # not the rep's: as if it did not exist
    variables["input"] |= {"customerId": encode_id("Customer", other), "endsOn": "2027-06-01"}
    errors = data(await api.query(CREATE_CONTRACT, variables, sub="rep"), "createContract")
    assert [(e["field"], e["code"]) for e in errors["userErrors"]] == [("customerId", "NOT_FOUND")]
    assert await scalar(api, "SELECT count(*) FROM contract") == 0


async def test_complete_task_by_its_assignee_once(
    api: Api, rep: tuple[int, int], clock: ManualClock, worker: Worker
) -> None:
    owner, customer = rep
    await f.user(api.engine, "SALES_REP", external_id="other-rep")
    clock.reset(NOON)
    await contract(api, customer, NOON.date(), NOON.date() + timedelta(days=10))
    await worker.run_due()
    task_pk = await scalar(api, "SELECT id FROM task WHERE kind = 'RENEWAL'")
    task_id = encode_id("Task", task_pk)
    listed = await api.query("{ tasks(first: 5) { nodes { id kind rule } } }", sub="rep")
    assert {"id": task_id, "kind": "RENEWAL", "rule": "contract.renewal.30D"} in (
        listed["data"]["tasks"]["nodes"]  # type: ignore[index]
    )
    stranger = data(
        await api.query(COMPLETE, {"input": {"taskId": task_id}}, sub="other-rep"), "completeTask"
    )
    assert [(e["field"], e["code"]) for e in stranger["userErrors"]] == [("taskId", "NOT_FOUND")]
    done = data(
        await api.query(COMPLETE, {"input": {"taskId": task_id}}, sub="rep"), "completeTask"
    )
    assert done["userErrors"] == []
    assert done["task"] == {
        "id": task_id,
        "kind": "RENEWAL",
        "status": "DONE",
        "subjectRecord": {"__typename": "Customer", "id": encode_id("Customer", customer)},
    }
    again = data(
        await api.query(COMPLETE, {"input": {"taskId": task_id}}, sub="rep"), "completeTask"
    )
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("taskId", "BAD_USER_INPUT")]
    created = await events(api, "task.created")
    assert {"id": task_id, "kind": "RENEWAL", "assigneeId": encode_id("User", owner)} in created


async def test_an_upsell_note_becomes_a_service_lead_for_the_owner(
    api: Api, rep: tuple[int, int]
) -> None:
    owner, customer = rep
    await f.user(api.engine, "TECHNICIAN", external_id="tech")
    tech = await scalar(api, "SELECT id FROM app_user WHERE external_id = 'tech'")
    ticket = await f.ticket(api.engine, customer, assignee_id=tech)
    record = """mutation($input: RecordServiceVisitInput!) { recordServiceVisit(input: $input) {
      serviceVisit { id } userErrors { field message code } } }"""
    base = {
        "ticketId": encode_id("Ticket", ticket),
        "scheduledStart": "2026-12-01T09:00:00+08:00",
        "scheduledEnd": "2026-12-01T11:00:00+08:00",
    }
    plain = data(await api.query(record, {"input": base}, sub="tech"), "recordServiceVisit")
    assert plain["userErrors"] == []
    assert await scalar(api, "SELECT count(*) FROM lead") == 0
    note = {**base, "upsellNote": "客户想再买两台水泵"}
    visit = data(await api.query(record, {"input": note}, sub="tech"), "recordServiceVisit")
    assert visit["userErrors"] == []
    leads = await rows(api, "SELECT id, source, status, assignee_id, company_name FROM lead")
    assert len(leads) == 1
    lead = leads[0]
    assert (lead["source"], lead["status"], lead["assignee_id"]) == ("SERVICE", "ASSIGNED", owner)
    visit_pk = decode_id(visit["serviceVisit"]["id"])[1]
    linked = await scalar(api, "SELECT lead_id FROM service_visit WHERE id = :v", v=visit_pk)
    assert linked == lead["id"]
    # The owner sees the lead, the note with it, and the visit's link to it.
    body = await api.query(
        """query($id: ID!) { lead(id: $id) { source status assignee { externalId } } }""",
        {"id": encode_id("Lead", int(lead["id"]))},  # type: ignore[arg-type]
        sub="rep",
    )
    assert body["data"]["lead"] == {  # type: ignore[index]
        "source": "SERVICE",
        "status": "ASSIGNED",
        "assignee": {"externalId": "rep"},
    }
    notes = await rows(
        api, "SELECT summary, is_internal FROM interaction WHERE lead_id = :l", l=lead["id"]
    )
    assert notes == [{"summary": "客户想再买两台水泵", "is_internal": True}]
    assert await events(api, "lead.created") == [
        {"id": encode_id("Lead", int(lead["id"])), "source": "SERVICE"}  # type: ignore[arg-type]
    ]
    bad = {**base, "upsellNote": "a\u0000b"}
    refused = data(await api.query(record, {"input": bad}, sub="tech"), "recordServiceVisit")
    assert [e["field"] for e in refused["userErrors"]] == ["upsellNote"]
