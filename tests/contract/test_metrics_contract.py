"""CONTRACT §10 as a client sees it: `metrics` and `funnel` inside each role's slice, and each
role's `Kpi` enum. Written from the contract's names only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests import factories as f
from tests.conftest import Api

METRICS = """query($kpis: [Kpi!]!, $groupBy: [Dimension!], $filter: MetricsFilter) {
  metrics(kpis: $kpis, groupBy: $groupBy, filter: $filter) {
    kpi group { dimension key label } value count
  }
}"""
KPI_ENUM = '{ __type(name: "Kpi") { enumValues { name } } }'

ALL_KPIS = {
    "LEAD_COUNT",
    "LEAD_CONVERSION_RATE",
    "WIN_RATE",
    "AVERAGE_ORDER_VALUE",
    "SALES_CYCLE_DAYS",
    "PIPELINE_VALUE",
    "FIRST_RESPONSE_MINUTES",
    "RESOLUTION_HOURS",
    "FIRST_CONTACT_RESOLUTION_RATE",
    "SLA_ATTAINMENT_RATE",
    "CSAT",
    "NPS",
    "CHURN_RATE",
    "LIFETIME_VALUE",
    "COST_PER_LEAD",
    "CAMPAIGN_ROI",
}
PERIOD = {
    "from": datetime(2020, 1, 1, tzinfo=UTC).isoformat(),
    "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}


def rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    result: list[dict[str, Any]] = body["data"]["metrics"]
    return result


async def _kpis(api: Api, sub: str) -> set[str]:
    body = await api.query(KPI_ENUM, sub=sub)
    return {v["name"] for v in body["data"]["__type"]["enumValues"]}


async def test_each_role_gets_the_kpis_its_schema_can_explain(api: Api) -> None:
    subs = {}
    for role in ("ADMIN", "ANALYST", "TECHNICIAN", "SERVICE_AGENT", "PARTNER_USER"):
        subs[role] = role.lower()
        partner = await f.partner(api.engine) if role == "PARTNER_USER" else None
        await f.user(api.engine, role, external_id=subs[role], partner_id=partner)
    assert await _kpis(api, "admin") == ALL_KPIS
    assert await _kpis(api, "analyst") == ALL_KPIS
    # No Opportunity and no Lead in their schemas: no sales figures.
    for sub in ("technician", "service_agent"):
        kpis = await _kpis(api, sub)
        assert not kpis & {"WIN_RATE", "LEAD_COUNT", "PIPELINE_VALUE", "AVERAGE_ORDER_VALUE"}
        assert "LIFETIME_VALUE" not in kpis
    assert "LIFETIME_VALUE" not in await _kpis(api, "partner_user")
    assert "WIN_RATE" in await _kpis(api, "partner_user")


async def test_a_partners_win_rate_covers_only_its_own_opportunities(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    mine, theirs = await f.partner(api.engine), await f.partner(api.engine)
    await f.user(api.engine, "PARTNER_USER", external_id="dealer", partner_id=mine)
    closed = datetime.now(UTC) - timedelta(days=3)
    for partner, stages in ((mine, ["CLOSED_WON", "CLOSED_LOST"]), (theirs, ["CLOSED_WON"] * 3)):
        customer = await f.customer(api.engine, partner_id=partner)
        for stage in stages:
            await f.opportunity(
                api.engine, customer, partner_id=partner, stage=stage, closed_at=closed
            )
    variables = {"kpis": ["WIN_RATE"], "filter": PERIOD}
    dealer = rows(await api.query(METRICS, variables, sub="dealer"))
    admin = rows(await api.query(METRICS, variables, sub="admin"))
    assert [(r["count"], Decimal(r["value"])) for r in dealer] == [(2, Decimal("0.5"))]
    assert [(r["count"], Decimal(r["value"])) for r in admin] == [(5, Decimal("0.8"))]


async def test_grouping_by_region_gives_a_row_per_region_with_its_count(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    for region, n in (("EAST", 3), ("SOUTH", 1)):
        for _ in range(n):
            await f.lead(api.engine, region=region)
    body = await api.query(
        METRICS, {"kpis": ["LEAD_COUNT"], "groupBy": ["REGION"], "filter": PERIOD}, sub="admin"
    )
    found = {}
    for row in rows(body):
        assert row["kpi"] == "LEAD_COUNT"
        (group,) = row["group"]
        assert group["dimension"] == "REGION"
        found[group["key"]] = (row["count"], Decimal(row["value"]))
    assert found == {"EAST": (3, Decimal(3)), "SOUTH": (1, Decimal(1))}


async def test_an_empty_group_has_no_value(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    body = await api.query(METRICS, {"kpis": ["CSAT"], "filter": PERIOD}, sub="admin")
    assert [(r["count"], r["value"]) for r in rows(body)] == [(0, None)]


async def test_the_funnel_lists_the_stages_in_order(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    customer = await f.customer(api.engine)
    await f.opportunity(api.engine, customer, stage="PROPOSAL")
    body = await api.query(
        """query($filter: MetricsFilter) { funnel(filter: $filter) {
          stage count amount conversionRate } }""",
        {"filter": PERIOD},
        sub="admin",
    )
    assert "errors" not in body, body
    stages = [s["stage"] for s in body["data"]["funnel"]]
    assert stages == [
        "QUALIFICATION",
        "NEEDS_ANALYSIS",
        "PROPOSAL",
        "NEGOTIATION",
        "CLOSED_WON",
    ]
    reached = {s["stage"]: s["count"] for s in body["data"]["funnel"]}
    assert reached["PROPOSAL"] == 1
    assert reached["NEGOTIATION"] == 0
