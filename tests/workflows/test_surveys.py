"""Surveys (CONTRACT §7): a single-use token per resolved ticket or NPS request, announced in
`survey.requested`, answered without sign-in through `submitSurvey` and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from domain.clock import ManualClock
from domain.surveys import token_hash
from persistence.jobs import Worker, enqueue
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

SUBMIT = """
mutation($input: SubmitSurveyInput!) {
  submitSurvey(input: $input) {
    submitted kind score respondedAt
    userErrors { field message code }
  }
}"""
REQUEST = """
mutation($input: RequestSurveyInput!) {
  requestSurvey(input: $input) { customer { id } userErrors { field message code } }
}"""


async def survey_events(api: Api) -> list[dict[str, Any]]:
    async with api.engine.connect() as conn:
        rows = await conn.scalars(
            text("SELECT data FROM outbox_event WHERE type = 'survey.requested' ORDER BY id")
        )
        return [dict(d) for d in rows]


async def resolved_ticket(api: Api, worker: Worker, clock: ManualClock) -> tuple[int, int, str]:
    """A resolved ticket whose CSAT survey was requested (as the ticket flow does): the
    customer, the ticket and the survey token from the event."""
    customer = await f.customer(api.engine)
    ticket = await f.ticket(api.engine, customer, status="RESOLVED")
    async with api.engine.begin() as conn:
        await enqueue(
            conn,
            "survey.request",
            f"survey.request:ticket:{ticket}",
            clock.now(),
            {"ticketId": ticket},
        )
    await worker.run_due()
    [event] = await survey_events(api)
    return customer, ticket, str(event["token"])


async def submit(
    api: Api, token: str, score: int, sub: str | None = None, comment: str | None = "很满意"
) -> dict[str, Any]:
    response = await api.post(
        SUBMIT, {"input": {"token": token, "score": score, "comment": comment}}, sub=sub
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["submitSurvey"]  # type: ignore[no-any-return]


async def ticket_row(api: Api, ticket: int) -> tuple[int | None, int]:
    async with api.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT csat_score, version FROM ticket WHERE id = :id"), {"id": ticket}
            )
        ).one()
    return row[0], row[1]


async def test_a_resolved_ticket_gets_a_csat_survey_answered_once_without_sign_in(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    customer, ticket, token = await resolved_ticket(api, worker, clock)
    [event] = await survey_events(api)
    assert event["kind"] == "CSAT"
    assert event["id"] == event["ticketId"] == encode_id("Ticket", ticket)
    assert event["customerId"] == encode_id("Customer", customer)
    async with api.engine.connect() as conn:
        stored = (await conn.scalars(text("SELECT token_hash FROM survey_token"))).all()
    assert list(stored) == [token_hash(token)]
    assert token not in stored
    _, version_before = await ticket_row(api, ticket)

    answer = await submit(api, token, 4)
    assert answer["userErrors"] == []
    assert answer["submitted"] is True
    assert (answer["kind"], answer["score"]) == ("CSAT", 4)
    assert await ticket_row(api, ticket) == (4, version_before + 1)
    async with api.engine.connect() as conn:
        responses = (
            await conn.execute(
                text(
                    "SELECT customer_id, ticket_id, kind::text, score, comment, responded_at"
                    " FROM survey_response"
                )
            )
        ).all()
    assert [tuple(r[:5]) for r in responses] == [(customer, ticket, "CSAT", 4, "很满意")]
    assert responses[0][5] == clock.now()

    again = await submit(api, token, 5)
    assert again["submitted"] is False
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("token", "CONFLICT")]
    assert "already answered" in again["userErrors"][0]["message"]
    assert await ticket_row(api, ticket) == (4, version_before + 1)


async def test_a_score_out_of_range_is_refused_and_the_token_stays_good(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    _, ticket, token = await resolved_ticket(api, worker, clock)
    for score in (0, 6, -1, 11):
        refused = await submit(api, token, score)
        assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
            ("score", "BAD_USER_INPUT")
        ], score
        assert "1 to 5" in refused["userErrors"][0]["message"]
    assert (await ticket_row(api, ticket))[0] is None
    assert (await submit(api, token, 1))["submitted"] is True


async def test_unknown_and_forged_tokens_get_the_same_answer(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    _, _, token = await resolved_ticket(api, worker, clock)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    answers = [
        (await submit(api, t, 3))["userErrors"]
        for t in (forged, "svy_" + "x" * 43, "not-a-token", "", "svy_" + "é" * 500)
    ]
    assert all(a == answers[0] for a in answers), answers
    assert [(e["field"], e["code"]) for e in answers[0]] == [("token", "NOT_FOUND")]
    async with api.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM survey_response")) == 0


async def test_a_token_expires(api: Api, worker: Worker, clock: ManualClock) -> None:
    _, _, token = await resolved_ticket(api, worker, clock)
    clock.advance(timedelta(days=30))
    expired = await submit(api, token, 5)
    assert [(e["field"], e["code"]) for e in expired["userErrors"]] == [("token", "BAD_USER_INPUT")]
    assert "expired" in expired["userErrors"][0]["message"]


async def test_without_sign_in_only_submit_survey_runs(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    customer, _, token = await resolved_ticket(api, worker, clock)
    for query in (
        "{ customers(first: 1) { totalCount } }",
        'mutation { requestSurvey(input: {customerId: "x", kind: NPS}) { customer { id } } }',
        f'mutation {{ submitSurvey(input: {{token: "{token}", score: 5}}) {{ submitted }}'
        ' createPartner(input: {name: "x", kind: DEALER, tier: GOLD, region: EAST})'
        " { partner { id } } }",
        f'mutation {{ a: submitSurvey(input: {{token: "{token}", score: 5}}) {{ submitted }}'
        " ... on Mutation { __typename } }",
        "{ __schema { types { name } } }",
    ):
        response = await api.post(query)
        assert response.status_code == 401, (query, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad_token = await api.post(
        SUBMIT, {"input": {"token": token, "score": 5}}, headers={"authorization": "Bearer nope"}
    )
    assert bad_token.status_code == 401
    async with api.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM survey_response")) == 0
        assert await conn.scalar(text("SELECT count(*) FROM partner")) == 0
    assert (await submit(api, token, 5))["submitted"] is True
    typo = await api.post('mutation { submitSurvey(input: {tokn: "x", score: 1}) { submitted } }')
    assert typo.status_code == 200
    assert typo.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Did you mean" not in typo.text
    assert customer


async def test_a_signed_in_client_may_submit_too(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    _, ticket, token = await resolved_ticket(api, worker, clock)
    await f.user(api.engine, "ANALYST", external_id="analyst")
    assert (await submit(api, token, 2, sub="analyst"))["submitted"] is True
    assert (await ticket_row(api, ticket))[0] == 2


async def test_service_agents_request_nps_surveys(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    await f.user(api.engine, "SERVICE_AGENT", external_id="agent")
    await f.user(api.engine, "SALES_REP", external_id="rep")
    customer = await f.customer(api.engine)
    customer_id = encode_id("Customer", customer)
    body = await api.query(
        REQUEST, {"input": {"customerId": customer_id, "kind": "NPS"}}, sub="agent"
    )
    assert body["data"]["requestSurvey"] == {"customer": {"id": customer_id}, "userErrors": []}
    csat = await api.query(
        REQUEST, {"input": {"customerId": customer_id, "kind": "CSAT"}}, sub="agent"
    )
    assert [e["field"] for e in csat["data"]["requestSurvey"]["userErrors"]] == ["kind"]
    missing = await api.query(
        REQUEST,
        {"input": {"customerId": encode_id("Customer", customer + 99), "kind": "NPS"}},
        sub="agent",
    )
    assert [(e["field"], e["code"]) for e in missing["data"]["requestSurvey"]["userErrors"]] == [
        ("customerId", "NOT_FOUND")
    ]
    rep = await api.query(REQUEST, {"input": {"customerId": customer_id, "kind": "NPS"}}, sub="rep")
    assert rep.get("data") is None
    assert any("requestSurvey" in e["message"] for e in rep["errors"]), rep

    await worker.run_due()
    [event] = await survey_events(api)
    assert event["kind"] == "NPS"
    assert event["id"] == customer_id
    assert "ticketId" not in event
    token = str(event["token"])
    assert [e["field"] for e in (await submit(api, token, 11))["userErrors"]] == ["score"]
    answer = await submit(api, token, 0, comment=None)
    assert (answer["kind"], answer["score"]) == ("NPS", 0)
    async with api.engine.connect() as conn:
        row = (
            await conn.execute(text("SELECT kind::text, score, ticket_id FROM survey_response"))
        ).one()
    assert tuple(row) == ("NPS", 0, None)
