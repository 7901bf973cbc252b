"""Issue 11, lead scoring with an explanation, as clients see it through HTTP: rules as data,
a score that follows behaviour and fit, decays with time (the clock port and the worker), is
rescored when the rules change, and is read with its reasons only inside the viewer's slice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from domain.clock import ManualClock
from persistence.jobs import Worker
from tests import factories as f
from tests.api.test_compiled_reads import Both
from tests.conftest import Api
from tests.workflows.lead_world import LOG, MONDAY_10, create_lead, data, gid, scalar, team
from tests.workflows.test_channels import _form, channels  # noqa: F401 - the fixture
from workflows import lead_scoring as scoring_jobs

RULE_FIELDS = "id name kind points channel interactionKind direction halfLifeDays field value"
CREATE = f"""
mutation($input: CreateScoringRuleInput!) {{
  createScoringRule(input: $input) {{
    scoringRule {{ {RULE_FIELDS} active version }} userErrors {{ field message code }} }}
}}"""
UPDATE = f"""
mutation($input: UpdateScoringRuleInput!) {{
  updateScoringRule(input: $input) {{
    scoringRule {{ {RULE_FIELDS} active version }} userErrors {{ field message code }} }}
}}"""
EXPLAINED = """
query($id: ID!) {
  lead(id: $id) { id score scoredAt
    scoreExplanation { reason points kind ruleName scoringRuleId } }
}"""
BY_SCORE = """
{ leads(orderBy: {field: SCORE, direction: DESC}) { nodes { id companyName score } } }"""
RULES = "{ scoringRules { totalCount nodes { id name points } } }"
VISIT = """mutation($input: RecordServiceVisitInput!) {
  recordServiceVisit(input: $input) { userErrors { field message code } } }"""


async def execute(api: Api, sql: str) -> None:
    async with api.engine.begin() as conn:
        await conn.execute(text(sql))


async def rules(api: Api, *specs: dict[str, Any]) -> list[dict[str, Any]]:
    """Only the given scoring rules (the seeded defaults removed), created through the API."""
    await execute(api, "DELETE FROM lead_scoring_rule")
    made = []
    for spec in specs:
        body = await api.query(CREATE, {"input": spec}, sub="admin")
        result = data(body, "createScoringRule")
        assert result["userErrors"] == [], result
        made.append(result["scoringRule"])
    return made


def behaviour(
    name: str, kind: str, points: int, half_life: int = 14, **more: Any
) -> dict[str, Any]:
    return {"name": name, "kind": "BEHAVIOUR", "interactionKind": kind, "points": points,
            "halfLifeDays": half_life, **more}  # fmt: skip


def fit(name: str, field: str, value: str, points: int) -> dict[str, Any]:
    return {"name": name, "kind": "FIT", "field": field, "value": value, "points": points}


async def log(api: Api, lead_id: str, kind: str, sub: str = "admin", **more: Any) -> None:
    values = {"leadId": lead_id, "channel": "WEB", "direction": "INBOUND", "summary": kind,
              "kind": kind, **more}  # fmt: skip
    result = data(await api.query(LOG, {"input": values}, sub=sub), "logInteraction")
    assert result["userErrors"] == [], result


async def explained(api: Api, lead_id: str, sub: str = "admin") -> dict[str, Any]:
    return data(await api.query(EXPLAINED, {"id": lead_id}, sub=sub), "lead")


async def test_a_demo_request_outranks_a_white_paper(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    await team(api)
    demo_rule, _ = await rules(
        api,
        behaviour("Demo requested", "DEMO_REQUEST", 25),
        behaviour("White paper", "CONTENT_DOWNLOAD", 10),
    )
    paper = await create_lead(api, companyName="读白皮书的公司")
    demo = await create_lead(api, companyName="要演示的公司")
    await log(api, paper["id"], "CONTENT_DOWNLOAD")
    await log(api, demo["id"], "DEMO_REQUEST", channel="WECHAT_WORK")
    ranked = data(await api.query(BY_SCORE, sub="admin"), "leads")["nodes"]
    assert [(n["id"], n["score"]) for n in ranked] == [(demo["id"], 25), (paper["id"], 10)]
    lead = await explained(api, demo["id"])
    assert lead["scoreExplanation"] == [
        {"reason": "Demo requested via WeChat Work, today", "points": 25.0, "kind": "BEHAVIOUR",
         "ruleName": "Demo requested", "scoringRuleId": demo_rule["id"]}
    ]  # fmt: skip
    assert datetime.fromisoformat(lead["scoredAt"]) == MONDAY_10


async def test_points_halve_after_one_half_life_through_the_daily_sweep(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    await team(api)
    await rules(api, behaviour("Pricing viewed", "PRICING_VIEW", 20, half_life=7))
    lead = await create_lead(api)
    await log(api, lead["id"], "PRICING_VIEW")
    await worker.run_due()
    assert (await explained(api, lead["id"]))["score"] == 20
    clock.advance(timedelta(days=7))
    await worker.run_due()  # the day's decay sweep, due at midnight UTC
    after = await explained(api, lead["id"])
    assert after["score"] == 10
    assert after["scoreExplanation"][0]["points"] == 10.0
    assert after["scoreExplanation"][0]["reason"] == "Pricing viewed via the web, 7 days ago"
    assert datetime.fromisoformat(after["scoredAt"]) > MONDAY_10 + timedelta(days=6)
    clock.advance(timedelta(hours=1))
    await worker.run_due()  # the same day: the sweep does not run twice
    assert (await explained(api, lead["id"]))["scoredAt"] == after["scoredAt"]


async def test_a_rule_change_rescores_open_leads_and_not_closed_ones(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    await team(api)
    (rule,) = await rules(api, fit("Manufacturing", "INDUSTRY", "制造业", 15))
    open_lead = await create_lead(api, industry="制造业")
    closed = await create_lead(api, industry="制造业", companyName="已放弃的公司")
    await worker.run_due()
    assert (await explained(api, open_lead["id"]))["score"] == 15
    await execute(
        api, "UPDATE lead SET status = 'DISQUALIFIED' WHERE company_name = '已放弃的公司'"
    )
    body = await api.query(
        UPDATE,
        {"input": {"scoringRuleId": rule["id"], "points": 30, "expectedVersion": 1}},
        sub="admin",
    )
    changed = data(body, "updateScoringRule")
    assert changed["userErrors"] == []
    assert changed["scoringRule"]["version"] == 2
    assert (await explained(api, open_lead["id"]))["score"] == 15  # until the job runs
    await worker.run_due()
    assert (await explained(api, open_lead["id"]))["score"] == 30
    assert (await explained(api, closed["id"]))["score"] == 15
    stale = await api.query(
        UPDATE,
        {"input": {"scoringRuleId": rule["id"], "points": 5, "expectedVersion": 1}},
        sub="admin",
    )
    assert data(stale, "updateScoringRule")["userErrors"][0]["code"] == "CONFLICT"
    off = await api.query(
        UPDATE, {"input": {"scoringRuleId": rule["id"], "active": False}}, sub="admin"
    )
    assert data(off, "updateScoringRule")["scoringRule"]["active"] is False
    await worker.run_due()
    lead = await explained(api, open_lead["id"])
    assert (lead["score"], lead["scoreExplanation"]) == (0, [])


async def test_the_explanation_lists_the_top_contributions_in_order(
    api: Api, clock: ManualClock
) -> None:
    clock.set(MONDAY_10 - timedelta(days=10))
    await team(api)
    await rules(
        api,
        behaviour("Demo requested", "DEMO_REQUEST", 25, half_life=10),
        behaviour("Webinar attended", "WEBINAR", 10),
        behaviour("Inbound message", "MESSAGE", 5, direction="INBOUND"),
        fit("Manufacturing", "INDUSTRY", "制造业", 15),
        fit("East China", "REGION", "EAST", 8),
        fit("Referred", "SOURCE", "REFERRAL", 10),
    )
    lead = await create_lead(api, industry="制造业", region="EAST", source="REFERRAL")
    await log(api, lead["id"], "DEMO_REQUEST")  # 10 days before the end: 12.5 points then
    clock.set(MONDAY_10)
    await log(api, lead["id"], "WEBINAR", channel="EVENT")
    await log(api, lead["id"], "MESSAGE", channel="DINGTALK")
    await log(api, lead["id"], "MESSAGE", channel="DINGTALK", direction="OUTBOUND")
    got = await explained(api, lead["id"])
    assert got["score"] == 61  # 15 + 8 + 10 + 12.5 + 10 + 5 (the outbound one scores nothing)
    assert [(c["reason"], c["points"]) for c in got["scoreExplanation"]] == [
        ("Industry is 制造业", 15.0),
        ("Demo requested via the web, 10 days ago", 12.5),
        ("Webinar attended via an event, today", 10.0),  # a tie: the older rule first
        ("Source is REFERRAL", 10.0),
        ("Region is EAST", 8.0),
    ]


async def test_a_manual_score_stands_until_the_next_rescore(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    await team(api)
    await rules(api, behaviour("Demo requested", "DEMO_REQUEST", 25))
    lead = await create_lead(api, score=70)
    before = await explained(api, lead["id"])
    assert (before["score"], before["scoredAt"], before["scoreExplanation"]) == (70, None, [])
    await log(api, lead["id"], "DEMO_REQUEST")
    assert (await explained(api, lead["id"]))["score"] == 25


async def test_a_sales_rep_sees_score_and_explanation_of_own_leads_only(
    api: Api, clock: ManualClock
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await rules(api, behaviour("Demo requested", "DEMO_REQUEST", 25))
    mine = await create_lead(api, assigneeId=people.rep_ids[0], companyName="我的线索")
    theirs = await create_lead(api, assigneeId=people.rep_ids[1], companyName="别人的线索")
    await log(api, mine["id"], "DEMO_REQUEST", sub="rep0")
    await log(api, theirs["id"], "DEMO_REQUEST", sub="rep1")
    own = await explained(api, mine["id"], sub="rep0")
    assert own["score"] == 25
    assert own["scoreExplanation"][0]["ruleName"] == "Demo requested"
    assert (await api.query(EXPLAINED, {"id": theirs["id"]}, sub="rep0"))["data"] == {"lead": None}
    listed = data(await api.query(BY_SCORE, sub="rep0"), "leads")["nodes"]
    assert [n["id"] for n in listed] == [mine["id"]]
    hidden = await api.query(RULES, sub="rep0")  # the rule book is not in a rep's schema
    assert "data" not in hidden or hidden["data"] is None
    assert "scoringRules" in hidden["errors"][0]["message"]
    managed = data(await api.query(RULES, sub="manager"), "scoringRules")
    assert managed["totalCount"] == 1


async def test_only_admins_write_rules_and_bad_rules_are_user_errors(api: Api) -> None:
    partner = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="pu", partner_id=partner)
    await team(api)
    await rules(api)
    spec = behaviour("Demo requested", "DEMO_REQUEST", 25)
    for sub in ("pu", "manager", "rep0"):
        refused = await api.query(CREATE, {"input": spec}, sub=sub)
        assert refused.get("data") is None, (sub, refused)
        messages = " ".join(e["message"] for e in refused["errors"])
        assert "ScoringRule" in messages  # the mutation is not in the role's schema
    assert await scalar(api, "SELECT count(*) FROM lead_scoring_rule") == 0
    bad = {
        "interactionKind": {"name": "空", "kind": "BEHAVIOUR", "points": 5},
        "value": fit("火星", "REGION", "MARS", 5),
        "points": behaviour("Too much", "DEMO_REQUEST", 500),
        "field": {"name": "No field", "kind": "FIT", "points": 5, "value": "制造业"},
        "halfLifeDays": {**fit("Fit", "INDUSTRY", "制造业", 5), "halfLifeDays": 3},
    }
    for field, values in bad.items():
        result = data(await api.query(CREATE, {"input": values}, sub="admin"), "createScoringRule")
        assert result["scoringRule"] is None
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
            (field, "BAD_USER_INPUT")
        ]
    assert await scalar(api, "SELECT count(*) FROM lead_scoring_rule") == 0
    assert await scalar(api, "SELECT count(*) FROM job WHERE kind = 'lead.rescore_open'") == 0


async def test_new_leads_are_scored_at_once_whatever_brings_them(
    api: Api,
    clock: ManualClock,
    channels: httpx.AsyncClient,  # noqa: F811 - the channel endpoints' fixture
) -> None:
    clock.set(MONDAY_10)
    await team(api)
    await rules(
        api,
        fit("Manufacturing", "INDUSTRY", "制造业", 15),
        behaviour("Web form submitted", "FORM_SUBMISSION", 10),
        {"name": "Seen on site", "kind": "BEHAVIOUR", "channel": "VISIT", "points": 20},
    )
    lead = await create_lead(api, industry="制造业")
    assert (await explained(api, lead["id"]))["score"] == 15
    by_hand = await f.lead(api.engine, industry="制造业")  # no use case ran: not scored yet
    assert (await explained(api, gid("Lead", by_hand)))["score"] == 0
    # CONTRACT §9: a web-form submission is a lead and a FORM_SUBMISSION on it.
    key = await _form(api)
    posted = await channels.post(f"/channels/web-form/{key}", json={"phone": "13912345678"})
    assert posted.status_code == 202, posted.text
    form_lead = gid(
        "Lead", int(await scalar(api, "SELECT id FROM lead WHERE phone = '13912345678'"))
    )
    got = await explained(api, form_lead)
    assert (got["score"], got["scoreExplanation"][0]["reason"]) == (
        10,
        "Form submitted via the web, today",
    )
    # CONTRACT §7, service to sales: an upsell note's lead and its note on a visit.
    customer = await f.customer(api.engine, industry="制造业")
    tech = await f.user(api.engine, "TECHNICIAN", external_id="tech")
    ticket = await f.ticket(api.engine, customer, assignee_id=tech)
    visit = {"ticketId": gid("Ticket", ticket), "scheduledStart": MONDAY_10.isoformat(),
             "scheduledEnd": (MONDAY_10 + timedelta(hours=2)).isoformat(),
             "upsellNote": "客户想加购两台五轴机床"}  # fmt: skip
    body = await api.query(VISIT, {"input": visit}, sub="tech")
    assert data(body, "recordServiceVisit")["userErrors"] == []
    upsell = gid("Lead", int(await scalar(api, "SELECT id FROM lead WHERE source = 'SERVICE'")))
    assert (await explained(api, upsell))["score"] == 15 + 20


async def test_the_explanation_is_read_in_the_one_compiled_statement(
    api: Api, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await rules(
        api,
        behaviour("Demo requested", "DEMO_REQUEST", 25),
        fit("Manufacturing", "INDUSTRY", "制造业", 15),
    )
    lead = await create_lead(api, industry="制造业", assigneeId=people.rep_ids[0])
    await log(api, lead["id"], "DEMO_REQUEST")
    await create_lead(api, companyName="没有分数的公司")
    both = Both(api, monkeypatch)
    listed = await both.ask(
        "rep0",
        "{ leads(first: 5, orderBy: {field: SCORE, direction: DESC}) { nodes { id score scoredAt"
        " scoreExplanation { __typename reason points kind ruleName scoringRuleId } } } }",
    )
    assert [c["points"] for c in listed["leads"]["nodes"][0]["scoreExplanation"]] == [25, 15]
    aliased = await both.ask(
        "admin",
        "query($id: ID!) { lead(id: $id) { why: scoreExplanation { r: reason p: points"
        " ...on LeadScoreContribution { rule: ruleName } } } }",
        {"id": lead["id"]},
    )
    assert aliased["lead"]["why"][1] == {
        "r": "Industry is 制造业",
        "p": 15,
        "rule": "Manufacturing",
    }
    assert both.compiled == 2


async def test_the_sweep_reaches_every_open_lead_batch_by_batch(
    api: Api, clock: ManualClock, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring_jobs, "BATCH", 2)
    clock.set(MONDAY_10)
    await team(api)
    await rules(api)
    leads = [await f.lead(api.engine, industry="制造业") for _ in range(5)]  # not scored yet
    await rules(api, fit("Manufacturing", "INDUSTRY", "制造业", 15))
    await worker.run_due()
    scores = [(await explained(api, gid("Lead", pk)))["score"] for pk in leads]
    assert scores == [15] * 5
    batches = await scalar(
        api, "SELECT count(*) FROM job WHERE kind = 'lead.rescore_open' AND done_at IS NOT NULL"
    )
    assert batches >= 3  # 2 + 2 + 1 leads, each batch its own job and transaction
