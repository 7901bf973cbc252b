"""Loose ends of issue 11: `createLead` takes the campaign that brought the lead (CONTRACT §2
`Lead.campaign`), reference-checked like every `…Id`; a partner's reason for declining an offer
is kept on the lead for the managers who route it again, and cleared by the next offer."""

from __future__ import annotations

from domain.clock import ManualClock
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import CREATE_LEAD, MONDAY_10, data, gid, team

WITH_CAMPAIGN = CREATE_LEAD.replace("assignee { id }", "assignee { id } campaign { id name }")
REASON = "query($id: ID!) { lead(id: $id) { offerStatus offerRejectionReason partner { id } } }"
DISTRIBUTE = """
mutation($input: DistributeLeadInput!) {
  distributeLead(input: $input) { userErrors { field message code } }
}"""
REJECT = """
mutation($input: RejectLeadInput!) {
  rejectLead(input: $input) { userErrors { field message code } }
}"""


async def _create(api: Api, sub: str, **values: object) -> dict[str, object]:
    values = {"companyName": "无锡新材料有限公司", "source": "EVENT", **values}
    return data(await api.query(WITH_CAMPAIGN, {"input": values}, sub=sub), "createLead")


async def test_create_lead_takes_its_campaign(api: Api) -> None:
    people = await team(api, reps=1)
    campaign = gid("Campaign", await f.campaign(api.engine, name="2027 工博会"))
    created = await _create(api, "rep0", campaignId=campaign, assigneeId=people.rep_ids[0])
    assert created["userErrors"] == []
    assert created["lead"]["campaign"] == {"id": campaign, "name": "2027 工博会"}  # type: ignore[index]
    # A campaign that does not exist, or one a partner may not see, is NOT_FOUND on the field.
    missing = await _create(api, "admin", campaignId=gid("Campaign", 10**6))
    assert [(e["field"], e["code"]) for e in missing["userErrors"]] == [  # type: ignore[union-attr]
        ("campaignId", "NOT_FOUND")
    ]
    partner = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="partner", partner_id=partner)
    hidden = await _create(api, "partner", campaignId=campaign)
    assert hidden["userErrors"] == missing["userErrors"]
    wrong_type = await _create(api, "admin", campaignId=gid("Partner", partner))
    assert wrong_type["userErrors"][0]["code"] == "BAD_USER_INPUT"  # type: ignore[index]


async def test_the_partners_reason_is_kept_for_the_managers(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    await team(api, reps=1)
    partner = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="partner", partner_id=partner)
    lead = gid("Lead", await f.lead(api.engine))
    offer = {"input": {"leadId": lead, "partnerId": gid("Partner", partner)}}
    assert (
        data(await api.query(DISTRIBUTE, offer, sub="manager"), "distributeLead")["userErrors"]
        == []
    )
    body = await api.query(
        REJECT, {"input": {"leadId": lead, "reason": " 不在我们服务区域 "}}, sub="partner"
    )
    assert data(body, "rejectLead")["userErrors"] == []
    seen = data(await api.query(REASON, {"id": lead}, sub="manager"), "lead")
    assert seen == {"offerStatus": "REJECTED", "offerRejectionReason": "不在我们服务区域",
                    "partner": None}  # fmt: skip
    # The next offer starts clean.
    assert (
        data(await api.query(DISTRIBUTE, offer, sub="manager"), "distributeLead")["userErrors"]
        == []
    )
    again = data(await api.query(REASON, {"id": lead}, sub="manager"), "lead")
    assert (again["offerStatus"], again["offerRejectionReason"]) == ("OFFERED", None)
