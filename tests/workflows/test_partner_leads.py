"""CONTRACT §7, partner leads: an offer puts a lead in the partner's slice; accepting keeps it
there; a rejection or an expired offer takes it out and returns it to the pool."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import ManualClock
from persistence.jobs import Worker
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import LEAD, MONDAY_10, data, gid, team

DISTRIBUTE = """
mutation($input: DistributeLeadInput!) {
  distributeLead(input: $input) {
    lead { id offerStatus offerExpiresAt partner { id } }
    userErrors { field message code }
  }
}"""
ACCEPT = """
mutation($input: AcceptLeadInput!) {
  acceptLead(input: $input) { lead { id offerStatus } userErrors { field message code } }
}"""
REJECT = """
mutation($input: RejectLeadInput!) {
  rejectLead(input: $input) { lead { id offerStatus } userErrors { field message code } }
}"""
MY_LEADS = "{ leads { totalCount nodes { id } } }"


async def _world(api: Api) -> tuple[str, str, str]:
    """A manager's unassigned lead, two partners with a user each; ids of lead and partners."""
    await team(api, reps=1)
    partner = await f.partner(api.engine)
    other = await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="partner", partner_id=partner)
    await f.user(api.engine, "PARTNER_USER", external_id="other", partner_id=other)
    lead = await f.lead(api.engine)
    return gid("Lead", lead), gid("Partner", partner), gid("Partner", other)


async def _offer(api: Api, lead: str, partner: str, **more: object) -> dict[str, object]:
    body = await api.query(
        DISTRIBUTE, {"input": {"leadId": lead, "partnerId": partner, **more}}, sub="manager"
    )
    return data(body, "distributeLead")


async def _count(api: Api, sub: str) -> int:
    return int(data(await api.query(MY_LEADS, sub=sub), "leads")["totalCount"])


async def test_an_offered_lead_is_seen_by_that_partner_only_and_can_be_accepted(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    lead, partner, _ = await _world(api)
    assert await _count(api, "partner") == 0
    offered = await _offer(api, lead, partner)
    assert offered["userErrors"] == []
    assert offered["lead"]["offerStatus"] == "OFFERED"  # type: ignore[index]
    assert await _count(api, "partner") == 1
    assert await _count(api, "other") == 0
    accepted = data(
        await api.query(ACCEPT, {"input": {"leadId": lead}}, sub="partner"), "acceptLead"
    )
    assert accepted["userErrors"] == []
    assert accepted["lead"]["offerStatus"] == "ACCEPTED"
    # An accepted offer does not expire.
    clock.advance(timedelta(days=30))
    await worker.run_due()
    assert await _count(api, "partner") == 1
    # The other partner cannot answer an offer it cannot see.
    foreign = data(await api.query(ACCEPT, {"input": {"leadId": lead}}, sub="other"), "acceptLead")
    assert foreign["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_rejected_offer_returns_the_lead_to_the_pool(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    lead, partner, _ = await _world(api)
    await _offer(api, lead, partner)
    missing_reason = await api.query(
        REJECT, {"input": {"leadId": lead, "reason": "  "}}, sub="partner"
    )
    assert data(missing_reason, "rejectLead")["userErrors"][0]["code"] == "BAD_USER_INPUT"
    body = await api.query(
        REJECT, {"input": {"leadId": lead, "reason": "不在我们区域"}}, sub="partner"
    )
    rejected = data(body, "rejectLead")
    assert rejected["userErrors"] == []
    assert rejected["lead"] is None  # no longer in the partner's slice
    assert await _count(api, "partner") == 0
    again = data(await api.query(ACCEPT, {"input": {"leadId": lead}}, sub="partner"), "acceptLead")
    assert again["userErrors"][0]["code"] == "NOT_FOUND"
    pooled = data(await api.query(LEAD, {"id": lead}, sub="manager"), "lead")
    assert pooled["partner"] is None
    assert pooled["offerStatus"] == "REJECTED"


async def test_an_offer_not_accepted_in_time_expires(
    api: Api, clock: ManualClock, worker: Worker
) -> None:
    clock.set(MONDAY_10)
    lead, partner, _ = await _world(api)
    offered = await _offer(api, lead, partner)
    # 2,880 business minutes by default: six working days of nine hours, less an hour here.
    expires = offered["lead"]["offerExpiresAt"]  # type: ignore[index]
    assert expires.startswith("2027-03-0")
    short = await _offer(api, lead, partner, acceptWithinMinutes=60)
    assert short["userErrors"] == []
    clock.advance(timedelta(minutes=59))
    await worker.run_due()
    assert await _count(api, "partner") == 1
    clock.advance(timedelta(minutes=1))
    await worker.run_due()
    assert await _count(api, "partner") == 0
    late = data(await api.query(ACCEPT, {"input": {"leadId": lead}}, sub="partner"), "acceptLead")
    assert late["userErrors"][0]["code"] == "NOT_FOUND"
    pooled = data(await api.query(LEAD, {"id": lead}, sub="manager"), "lead")
    assert pooled["offerStatus"] == "EXPIRED"
    # The first offer's own timer, later, finds the lead moved on and changes nothing.
    clock.advance(timedelta(days=30))
    await worker.run_due()
    assert data(await api.query(LEAD, {"id": lead}, sub="manager"), "lead")["offerStatus"] == (
        "EXPIRED"
    )


async def test_who_may_offer_and_bad_offers(api: Api, clock: ManualClock) -> None:
    lead, partner, _ = await _world(api)
    bad = await _offer(api, lead, partner, acceptWithinMinutes=0)
    assert bad["userErrors"][0]["field"] == "acceptWithinMinutes"
    missing = await _offer(api, lead, gid("Partner", 10**6))
    assert missing["userErrors"][0]["code"] == "NOT_FOUND"
    as_rep = await api.query(
        DISTRIBUTE, {"input": {"leadId": lead, "partnerId": partner}}, sub="rep0"
    )
    assert as_rep["errors"]  # absent from a rep's schema
    as_partner = await api.query(ACCEPT, {"input": {"leadId": lead}}, sub="manager")
    assert as_partner["errors"]  # accepting is the partner's act only
