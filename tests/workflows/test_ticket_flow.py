"""CONTRACT §7, tickets: due times from the SLA policy in business time, the flow one step at a
time, reopening, and what each move records (timestamps, timeline events, outbox events)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.calendar import SHANGHAI
from domain.clock import ManualClock
from schema.ids import decode_id, encode_id
from tests import factories as f
from tests.conftest import Api
from tests.workflows.helpers import create_ticket, data, events, move, rows, seed_calendar

# Friday 4 December 2026, 17:00 in Shanghai: one business hour left that day.
FRIDAY_5PM = datetime(2026, 12, 4, 17, 0, tzinfo=SHANGHAI)
FLOW = ["ACCEPTED", "ANALYZING", "IN_PROGRESS", "RESOLVED", "FOLLOW_UP", "CLOSED"]


def iso(instant: datetime) -> str:
    return instant.astimezone(SHANGHAI).isoformat()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
async def desk(api: Api) -> int:
    """An admin, a service agent, and a customer; the calendar of 2026 and 2027."""
    await f.user(api.engine, "ADMIN", external_id="admin")
    await f.user(api.engine, "SERVICE_AGENT", external_id="agent")
    await seed_calendar(api, 2026)
    return await f.customer(api.engine)


async def test_due_times_count_business_minutes_over_the_weekend(
    api: Api, desk: int, clock: ManualClock
) -> None:
    clock.reset(FRIDAY_5PM)
    ticket = await create_ticket(api, desk, priority="HIGH")  # 240 and 1440 business minutes
    assert at(ticket["createdAt"]) == FRIDAY_5PM
    # Friday 17-18 (60), Monday 09:00 + 180 min.
    assert at(ticket["firstResponseDueAt"]) == datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)
    # Friday 60 + Monday 540 + Tuesday 540 + Wednesday 300 (09:00-14:00).
    assert at(ticket["resolutionDueAt"]) == datetime(2026, 12, 9, 14, 0, tzinfo=SHANGHAI)


async def test_an_admin_day_off_and_a_new_policy_move_the_due_times(
    api: Api, desk: int, clock: ManualClock
) -> None:
    clock.reset(FRIDAY_5PM)
    set_day = """mutation($input: SetBusinessDayInput!) { setBusinessDay(input: $input) {
      businessDay { date working note source } userErrors { field code } } }"""
    body = await api.query(
        set_day, {"input": {"date": "2026-12-07", "working": False, "note": "停电"}}, sub="admin"
    )
    assert data(body, "setBusinessDay")["businessDay"] == {
        "date": "2026-12-07",
        "working": False,
        "note": "停电",
        "source": "ADMIN",
    }
    ticket = await create_ticket(api, desk, priority="HIGH")
    assert at(ticket["firstResponseDueAt"]) == datetime(2026, 12, 8, 12, 0, tzinfo=SHANGHAI)
    # 24×7 for URGENT: the due times are plain minutes later.
    policies = await api.query("{ slaPolicies { priority calendar } }", sub="admin")
    assert {p["priority"] for p in data(policies, "slaPolicies")} == {  # type: ignore[union-attr]
        "LOW",
        "NORMAL",
        "HIGH",
        "URGENT",
    }
    from tests.workflows.helpers import set_sla

    await set_sla(api, "URGENT", 30, 120, "ALWAYS")
    urgent = await create_ticket(api, desk, priority="URGENT")
    assert at(urgent["firstResponseDueAt"]) == FRIDAY_5PM + timedelta(minutes=30)
    assert at(urgent["resolutionDueAt"]) == FRIDAY_5PM + timedelta(minutes=120)


async def test_sla_policy_input_is_checked(api: Api, desk: int) -> None:
    from tests.workflows.helpers import UPDATE_SLA

    bad = {"priority": "LOW", "firstResponseMinutes": 600, "resolutionMinutes": 60}
    body = await api.query(UPDATE_SLA, {"input": bad}, sub="admin")
    errors = data(body, "updateSlaPolicy")["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("resolutionMinutes", "BAD_USER_INPUT")]
    stale = {"priority": "LOW", "firstResponseMinutes": 60, "resolutionMinutes": 600}
    body = await api.query(UPDATE_SLA, {"input": {**stale, "expectedVersion": 7}}, sub="admin")
    assert data(body, "updateSlaPolicy")["userErrors"][0]["code"] == "CONFLICT"
    # Not an admin's: absent from the agent's schema.
    body = await api.query("{ slaPolicies { priority } }", sub="agent")
    error = body["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Cannot query field 'slaPolicies'" in error["message"]


async def test_the_flow_moves_one_step_at_a_time_and_reopens(
    api: Api, desk: int, clock: ManualClock
) -> None:
    clock.reset(FRIDAY_5PM)
    ticket = await create_ticket(api, desk)
    tid = ticket["id"]
    skipped = await move(api, tid, "ANALYZING")
    assert [(e["field"], e["code"]) for e in skipped["userErrors"]] == [
        ("status", "BAD_USER_INPUT")
    ]
    assert (await move(api, tid, "CLOSED"))["userErrors"][0]["field"] == "status"
    stamps: dict[str, str | None] = {}
    for step, status in enumerate(FLOW):
        clock.advance(timedelta(minutes=10))
        moved = await move(api, tid, status)
        assert moved["userErrors"] == [], (status, moved)
        assert moved["ticket"]["status"] == status
        stamps[status] = moved["ticket"]["resolvedAt"]
        if step == 0:
            assert at(moved["ticket"]["firstRespondedAt"]) == clock.now()
        if status == "RESOLVED":
            resolved_at = clock.now()
            assert at(moved["ticket"]["resolvedAt"]) == resolved_at
            # Reopen, then resolve again: back to IN_PROGRESS only, never further back.
            assert (await move(api, tid, "ANALYZING"))["userErrors"][0]["field"] == "status"
            reopened = await move(api, tid, "IN_PROGRESS")
            assert reopened["userErrors"] == []
            assert reopened["ticket"]["resolvedAt"] is None
            clock.advance(timedelta(minutes=1))
            assert (await move(api, tid, "RESOLVED"))["userErrors"] == []
        if status == "FOLLOW_UP":
            reopened = await move(api, tid, "IN_PROGRESS")  # 回访 found it unresolved
            assert reopened["userErrors"] == []
            clock.advance(timedelta(minutes=1))
            assert (await move(api, tid, "RESOLVED"))["userErrors"] == []
            assert (await move(api, tid, "FOLLOW_UP"))["userErrors"] == []
    assert (await move(api, tid, "IN_PROGRESS"))["userErrors"][0]["field"] == "status"
    pk = decode_id(tid)[1]
    history = await rows(
        api,
        "SELECT kind, from_status, to_status FROM ticket_event WHERE ticket_id = :t ORDER BY id",
        t=pk,
    )
    transitions = [(h["from_status"], h["to_status"]) for h in history]
    assert transitions[0] == (None, "NEW")
    assert ("RESOLVED", "IN_PROGRESS") in transitions
    assert ("FOLLOW_UP", "IN_PROGRESS") in transitions
    assert transitions[-1] == ("FOLLOW_UP", "CLOSED")
    changed = await events(api, "ticket.status_changed")
    assert len(changed) == len(transitions) - 1
    assert all(e["id"] == tid for e in changed)
    assert changed[0] == {"id": tid, "fromStatus": "NEW", "toStatus": "ACCEPTED"}
    created = await events(api, "ticket.created")
    assert created == [
        {"id": tid, "number": ticket["number"], "priority": "NORMAL", "status": "NEW"}
    ]
    # Each resolution asks for one survey (brief H10b handles the job).
    surveys = await rows(
        api, "SELECT key, payload FROM job WHERE kind = 'survey.request' ORDER BY key"
    )
    assert len(surveys) == 3
    assert {s["payload"]["ticketId"] for s in surveys} == {pk}
    assert all(s["key"].startswith(f"survey.request:ticket:{pk}:") for s in surveys)


async def test_assigning_is_not_answering(api: Api, desk: int, clock: ManualClock) -> None:
    """CONTRACT §7: escalation goes to the *assignee's* manager when a ticket is past its
    first-response target, so handing a ticket to someone cannot count as answering it."""
    tech = await f.user(api.engine, "TECHNICIAN", external_id="tech")
    clock.reset(FRIDAY_5PM)
    ticket = await create_ticket(api, desk)
    clock.advance(timedelta(minutes=5))
    assign = """mutation($input: AssignTicketInput!) { assignTicket(input: $input) {
      ticket { status firstRespondedAt assignee { externalId } } userErrors { field } } }"""
    body = await api.query(
        assign,
        {"input": {"ticketId": ticket["id"], "assigneeId": encode_id("User", tech)}},
        sub="agent",
    )
    moved = data(body, "assignTicket")["ticket"]
    assert moved == {"status": "NEW", "firstRespondedAt": None, "assignee": {"externalId": "tech"}}
    assert await events(api, "ticket.status_changed") == []
