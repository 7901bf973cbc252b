"""CONTRACT §7 (leads, first contact, partner leads, deal registration) and §9 (web forms,
DingTalk) as a client sees them. Written from the contract's names only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from typing import Any

from domain.clock import ManualClock
from persistence.jobs import Worker
from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

RULE = """mutation($input: CreateAssignmentRuleInput!) {
  createAssignmentRule(input: $input) { assignmentRule { id name priority active strategy }
    userErrors { field message code } }
}"""
LEAD = """mutation($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id status firstContactDueAt assignee { externalId } }
    userErrors { field message code } }
}"""


def ok(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    assert result["userErrors"] == [], result["userErrors"]
    return result


async def _team(api: Api) -> dict[str, int]:
    ids = {"admin": await f.user(api.engine, "ADMIN", external_id="admin")}
    ids["boss"] = await f.user(api.engine, "SALES_MANAGER", external_id="boss")
    for n in range(3):
        ids[f"rep{n}"] = await f.user(
            api.engine, "SALES_REP", external_id=f"rep{n}", manager_id=ids["boss"]
        )
    return ids


async def _rule(api: Api, ids: dict[str, int], **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "华东制造业线索 → 销售A组",
        "priority": 10,
        "active": True,
        "match": {"regions": ["EAST"], "industries": ["制造业"], "sources": []},
        "strategy": "ROUND_ROBIN",
        "assigneeIds": [encode_id("User", ids[f"rep{n}"]) for n in range(3)],
        "firstContactMinutes": 120,
        "calendar": "ALWAYS",
    }
    body = await api.query(RULE, {"input": {**values, **overrides}}, sub="admin")
    rule: dict[str, Any] = ok(body, "createAssignmentRule")["assignmentRule"]
    return rule


async def _lead(api: Api, sub: str = "boss", **overrides: Any) -> dict[str, Any]:
    values = {
        "companyName": "苏州精工机械有限公司",
        "contactName": "李经理",
        "phone": "13912345678",
        "source": "WEB_FORM",
        "region": "EAST",
        "industry": "制造业",
    }
    body = await api.query(LEAD, {"input": {**values, **overrides}}, sub=sub)
    lead: dict[str, Any] = ok(body, "createLead")["lead"]
    return lead


async def test_a_matching_rule_assigns_round_robin_with_a_first_contact_task(
    api: Api, clock: ManualClock
) -> None:
    ids = await _team(api)
    await _rule(api, ids)
    leads = [await _lead(api) for _ in range(6)]
    assert {lead["status"] for lead in leads} == {"ASSIGNED"}
    assignees = [lead["assignee"]["externalId"] for lead in leads]
    assert sorted(assignees) == ["rep0", "rep0", "rep1", "rep1", "rep2", "rep2"]
    assert assignees[:3] != assignees[:1] * 3
    due = leads[0]["firstContactDueAt"]
    assert due is not None
    tasks = await api.query("{ tasks(first: 50) { nodes { kind } } }", sub="rep0")
    assert [t["kind"] for t in tasks["data"]["tasks"]["nodes"]] == ["FIRST_CONTACT"] * 2


async def test_no_matching_rule_leaves_the_lead_new(api: Api, clock: ManualClock) -> None:
    ids = await _team(api)
    await _rule(api, ids)
    lead = await _lead(api, region="NORTH")
    assert lead["status"] == "NEW"
    assert lead["assignee"] is None


async def test_an_explicit_assignee_skips_the_rules(api: Api, clock: ManualClock) -> None:
    ids = await _team(api)
    await _rule(api, ids)
    lead = await _lead(api, assigneeId=encode_id("User", ids["rep2"]))
    assert lead["assignee"]["externalId"] == "rep2"


async def test_an_uncontacted_lead_moves_on_and_a_contacted_one_stays(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    ids = await _team(api)
    await _rule(api, ids, firstContactMinutes=60)
    first = await _lead(api)
    second = await _lead(api)
    body = await api.query(
        """mutation($input: LogInteractionInput!) { logInteraction(input: $input) {
          userErrors { field message code } } }""",
        {
            "input": {
                "leadId": second["id"],
                "channel": "PHONE",
                "direction": "OUTBOUND",
                "summary": "首次电话沟通",
                "occurredAt": clock.now().isoformat(),
            }
        },
        sub=second["assignee"]["externalId"],
    )
    ok(body, "logInteraction")
    clock.advance(timedelta(minutes=61))
    await worker.run_due()
    query = "query($id: ID!) { lead(id: $id) { status assignee { externalId } firstContactedAt } }"
    moved = (await api.query(query, {"id": first["id"]}, sub="admin"))["data"]["lead"]
    kept = (await api.query(query, {"id": second["id"]}, sub="admin"))["data"]["lead"]
    assert moved["assignee"]["externalId"] != first["assignee"]["externalId"]
    assert kept["status"] == "CONTACTED"
    assert kept["firstContactedAt"] is not None
    assert kept["assignee"]["externalId"] == second["assignee"]["externalId"]


DISTRIBUTE = """mutation($input: DistributeLeadInput!) { distributeLead(input: $input) {
  userErrors { field message code } } }"""
LEADS = "{ leads(first: 50) { totalCount nodes { id } } }"


async def test_a_partner_sees_an_offered_lead_until_it_rejects_or_the_offer_expires(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    await _team(api)
    partner = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="dealer", partner_id=partner)
    offered = await _lead(api, sub="admin", region="NORTH")
    expiring = await _lead(api, sub="admin", region="NORTH")
    assert (await api.query(LEADS, sub="dealer"))["data"]["leads"]["totalCount"] == 0
    for lead in (offered, expiring):
        body = await api.query(
            DISTRIBUTE,
            {
                "input": {
                    "leadId": lead["id"],
                    "partnerId": encode_id("Partner", partner),
                    "acceptWithinMinutes": 60,
                }
            },
            sub="boss",
        )
        ok(body, "distributeLead")
    assert (await api.query(LEADS, sub="dealer"))["data"]["leads"]["totalCount"] == 2
    body = await api.query(
        """mutation($input: RejectLeadInput!) { rejectLead(input: $input) {
          userErrors { field message code } } }""",
        {"input": {"leadId": offered["id"], "reason": "不在我们的服务区域"}},
        sub="dealer",
    )
    ok(body, "rejectLead")
    visible = (await api.query(LEADS, sub="dealer"))["data"]["leads"]["nodes"]
    assert [n["id"] for n in visible] == [expiring["id"]]
    clock.advance(timedelta(days=10))
    await worker.run_due()
    assert (await api.query(LEADS, sub="dealer"))["data"]["leads"]["totalCount"] == 0


REGISTER = """mutation($input: RegisterDealInput!) { registerDeal(input: $input) {
  opportunity { id registrationStatus } userErrors { field message code } } }"""


async def test_a_registered_deal_is_approved_by_an_admin(api: Api, clock: ManualClock) -> None:
    await _team(api)
    partners = [await f.partner(api.engine) for _ in range(2)]
    for n, partner in enumerate(partners):
        await f.user(api.engine, "PARTNER_USER", external_id=f"dealer{n}", partner_id=partner)
    customer = await f.customer(api.engine, partner_id=partners[0])
    body = await api.query(
        REGISTER,
        {
            "input": {
                "customerId": encode_id("Customer", customer),
                "name": "五轴机床",
                "amount": "800000",
            }
        },
        sub="dealer0",
    )
    deal = ok(body, "registerDeal")["opportunity"]
    assert deal["registrationStatus"] == "PENDING"
    body = await api.query(
        """mutation($input: ApproveDealInput!) { approveDeal(input: $input) {
          opportunity { registrationStatus } userErrors { field message code } } }""",
        {"input": {"opportunityId": deal["id"]}},
        sub="admin",
    )
    assert ok(body, "approveDeal")["opportunity"]["registrationStatus"] == "APPROVED"


async def test_a_web_form_makes_a_lead_and_merges_a_repeat_within_a_day(
    api: Api, clock: ManualClock
) -> None:
    await _team(api)
    body = await api.query(
        """mutation { createCampaign(input: {name: "2027 工博会", channel: EVENT,
          startsOn: "2027-01-01", endsOn: "2027-12-31", cost: "50000.00"}) {
          campaign { id } userErrors { field message code } } }""",
        sub="admin",
    )
    campaign = ok(body, "createCampaign")["campaign"]["id"]
    body = await api.query(
        """mutation($input: CreateWebFormInput!) { createWebForm(input: $input) {
          formKey userErrors { field message code } } }""",
        {"input": {"name": "官网试用申请", "campaignId": campaign}},
        sub="admin",
    )
    result = body["data"]["createWebForm"]
    assert result["userErrors"] == []
    key = result["formKey"] or result.get("webForm", {}).get("formKey")
    form = {
        "company": "宁波海天塑机",
        "name": "陈工",
        "phone": "13600001111",
        "email": "chen@haitian.example.cn",
        "message": "想了解注塑机联网方案",
    }
    first = await api.client.post(f"/channels/web-form/{key}", json=form)
    assert first.status_code in (200, 201, 202), first.text
    repeat = await api.client.post(f"/channels/web-form/{key}", data={**form, "message": "再问"})
    assert repeat.status_code in (200, 201, 202), repeat.text
    leads = await api.query(
        "{ leads(first: 10) { nodes { source companyName campaign { id } } } }", sub="admin"
    )
    nodes = leads["data"]["leads"]["nodes"]
    assert [(n["source"], n["campaign"]["id"]) for n in nodes] == [("WEB_FORM", campaign)]
    unknown = await api.client.post("/channels/web-form/no-such-form", json=form)
    assert unknown.status_code == 404


async def test_a_dingtalk_callback_with_a_bad_signature_is_refused(api: Api) -> None:
    timestamp = str(int(time.time() * 1000))
    wrong = base64.b64encode(
        hmac.new(
            b"not-the-secret", f"{timestamp}\nnot-the-secret".encode(), hashlib.sha256
        ).digest()
    ).decode()
    response = await api.client.post(
        "/channels/dingtalk",
        headers={"timestamp": timestamp, "sign": wrong},
        json={"msgId": "m1", "senderStaffId": "u1", "text": {"content": "你好"}},
    )
    assert response.status_code == 401
