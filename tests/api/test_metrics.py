"""`metrics`, `funnel` and campaigns as a client uses them: shapes, errors, history, slices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from persistence import models as m
from schema.ids import decode_id, encode_id
from tests import factories as f
from tests.conftest import Api

METRICS = """query M($kpis: [Kpi!]!, $groupBy: [Dimension!], $filter: MetricsFilter) {
  metrics(kpis: $kpis, groupBy: $groupBy, filter: $filter) {
    kpi group { dimension key label } value count
  }
}"""


async def test_kpis_group_by_region_with_labels_and_counts(api: Api) -> None:
    await f.user(api.engine, role="ADMIN", external_id="boss")
    east = await f.customer(api.engine, region="EAST")
    south = await f.customer(api.engine, region="SOUTH")
    closed = datetime(2026, 3, 1, tzinfo=UTC)
    for customer, stage in ((east, "CLOSED_WON"), (east, "CLOSED_LOST"), (south, "CLOSED_WON")):
        await f.opportunity(api.engine, customer, stage=stage, closed_at=closed)
    body = await api.query(METRICS, {"kpis": ["WIN_RATE"], "groupBy": ["REGION"]}, sub="boss")
    assert body["data"]["metrics"] == [
        {"kpi": "WIN_RATE", "group": [{"dimension": "REGION", "key": "EAST",
                                        "label": "华东 East"}], "value": "0.5", "count": 2},
        {"kpi": "WIN_RATE", "group": [{"dimension": "REGION", "key": "SOUTH",
                                        "label": "华南 South"}], "value": "1", "count": 1},
    ]  # fmt: skip
    empty = await api.query(METRICS, {"kpis": ["NPS"]}, sub="boss")
    assert empty["data"]["metrics"] == [{"kpi": "NPS", "group": [], "value": None, "count": 0}]


async def test_a_status_change_is_history_for_churn(api: Api) -> None:
    await f.user(api.engine, role="ADMIN", external_id="boss")
    customer = await f.customer(api.engine, status="ACTIVE")
    async with api.engine.begin() as conn:
        await conn.execute(
            m.Customer.__table__.update().where(m.Customer.__table__.c.id == customer)
            .values(status="CHURNED")
        )  # fmt: skip
        rows = (await conn.execute(select(m.CustomerStatusChange.__table__))).all()
    assert [(r.from_status.value, r.to_status.value) for r in rows] == [("ACTIVE", "CHURNED")]
    start = "2000-01-01T00:00:00+00:00"
    body = await api.query(METRICS, {"kpis": ["CHURN_RATE"], "filter": {"from": start}}, sub="boss")
    # Created now, so not active at the period's start: the churn counts, the base is empty.
    assert body["data"]["metrics"] == [
        {"kpi": "CHURN_RATE", "group": [], "value": None, "count": 0}
    ]


async def test_bad_filters_are_the_clients_to_fix(api: Api) -> None:
    await f.user(api.engine, role="ADMIN", external_id="boss")
    cases = [
        {"from": "2026-01-01T00:00:00"},
        {"from": "2026-02-01T00:00:00+08:00", "to": "2026-01-01T00:00:00+08:00"},
        {"ownerIds": ["not-an-id"]},
        {"ownerIds": [encode_id("Customer", 1)]},
    ]
    for filter_ in cases:
        body = await api.query(METRICS, {"kpis": ["LEAD_COUNT"], "filter": filter_}, sub="boss")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", filter_


async def test_foreign_ids_match_nothing_and_absent_kpis_do_not_exist(api: Api) -> None:
    mine, theirs = await f.partner(api.engine), await f.partner(api.engine)
    await f.user(api.engine, role="PARTNER_USER", external_id="dealer", partner_id=mine)
    await f.user(api.engine, role="TECHNICIAN", external_id="tech")
    customer = await f.customer(api.engine, partner_id=theirs)
    await f.opportunity(api.engine, customer, partner_id=theirs, stage="NEGOTIATION")
    foreign = {"partnerIds": [encode_id("Partner", theirs)]}
    body = await api.query(METRICS, {"kpis": ["PIPELINE_VALUE"], "filter": foreign}, sub="dealer")
    assert body["data"]["metrics"] == [
        {"kpi": "PIPELINE_VALUE", "group": [], "value": None, "count": 0}
    ]
    absent = await api.query(METRICS, {"kpis": ["LIFETIME_VALUE"]}, sub="dealer")
    assert absent["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Did you mean" not in absent["errors"][0]["message"]
    funnel = await api.query("{ funnel { stage } }", sub="tech")
    assert funnel["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" or (
        "funnel" in funnel["errors"][0]["message"]
    )


async def test_funnel_counts_deals_by_the_furthest_stage_reached(api: Api) -> None:
    await f.user(api.engine, role="ANALYST", external_id="analyst")
    customer = await f.customer(api.engine)
    won = await f.opportunity(api.engine, customer, stage="CLOSED_WON", amount=Decimal("300"))
    lost = await f.opportunity(api.engine, customer, stage="CLOSED_LOST", amount=Decimal("50"))
    await f.stage_change(api.engine, lost, customer, from_stage="NEEDS_ANALYSIS",
                         to_stage="PROPOSAL")  # fmt: skip
    await f.opportunity(api.engine, customer, stage="QUALIFICATION", amount=Decimal("10"))
    body = await api.query("{ funnel { stage count amount conversionRate } }", sub="analyst")
    assert body["data"]["funnel"] == [
        {
            "stage": "QUALIFICATION",
            "count": 3,
            "amount": "360.00",
            "conversionRate": "0.6666666667",
        },
        {"stage": "NEEDS_ANALYSIS", "count": 2, "amount": "350.00", "conversionRate": "1"},
        {"stage": "PROPOSAL", "count": 2, "amount": "350.00", "conversionRate": "0.5"},
        {"stage": "NEGOTIATION", "count": 1, "amount": "300.00", "conversionRate": "1"},
        {"stage": "CLOSED_WON", "count": 1, "amount": "300.00", "conversionRate": None},
    ]
    assert won


async def test_create_campaign_and_link_a_lead(api: Api) -> None:
    manager = await f.user(api.engine, role="SALES_MANAGER", external_id="manager")
    created = await api.query(
        """mutation { createCampaign(input: {name: "华东工业展", channel: EVENT,
             startsOn: "2026-03-01", endsOn: "2026-03-03", cost: "50000.00"}) {
           campaign { id name channel cost status } userErrors { field code } } }""",
        sub="manager",
    )
    payload = created["data"]["createCampaign"]
    assert payload["userErrors"] == []
    campaign = payload["campaign"]
    assert campaign["cost"] == "50000.00"
    assert campaign["status"] == "PLANNED"
    lead = await f.lead(api.engine, assignee_id=manager, campaign_id=decode_id(campaign["id"])[1])
    read = await api.query(
        "query($id: ID!) { lead(id: $id) { campaign { name } } }",
        {"id": encode_id("Lead", lead)},
        sub="manager",
    )
    assert read["data"]["lead"]["campaign"] == {"name": "华东工业展"}
    listed = await api.query("{ campaigns { totalCount nodes { name } } }", sub="manager")
    assert listed["data"]["campaigns"]["totalCount"] == 1
    bad = await api.query(
        """mutation { createCampaign(input: {name: "x", channel: WEB, startsOn: "2026-03-05",
             endsOn: "2026-03-01", cost: "1.00"}) { userErrors { field code } } }""",
        sub="manager",
    )
    assert bad["data"]["createCampaign"]["userErrors"] == [
        {"field": "endsOn", "code": "BAD_USER_INPUT"}
    ]


async def test_hostile_periods_and_lists_are_bounded(api: Api) -> None:
    await f.user(api.engine, role="ADMIN", external_id="boss")
    await f.customer(api.engine, status="ACTIVE")
    centuries = {"from": "1900-01-01T00:00:00+00:00", "to": "9000-01-01T00:00:00+00:00"}
    body = await api.query(
        METRICS, {"kpis": ["CHURN_RATE"], "groupBy": ["MONTH"], "filter": centuries}, sub="boss"
    )
    assert "errors" not in body
    # Only the months since the first customer and up to today can hold a figure.
    assert len(body["data"]["metrics"]) <= 2
    many = {"ownerIds": [encode_id("User", i) for i in range(1, 102)]}
    refused = await api.query(METRICS, {"kpis": ["LEAD_COUNT"], "filter": many}, sub="boss")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    wide = ["REGION", "INDUSTRY", "OWNER", "PARTNER", "TIER"]
    refused = await api.query(METRICS, {"kpis": ["LEAD_COUNT"], "groupBy": wide}, sub="boss")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
