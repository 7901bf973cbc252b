"""An interaction says what it was (`kind`) beside where it happened: what scoring and nurture
sequences react to. Logged at the clock's time when no `occurredAt` is given."""

from __future__ import annotations

from domain.clock import ManualClock
from tests.conftest import Api
from tests.workflows.lead_world import MONDAY_10, create_lead, data, team

LOG = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) {
    interaction { id kind channel occurredAt }
    userErrors { field message code }
  }
}"""

BY_KIND = """
query($kinds: [InteractionKind!]) {
  interactions(filter: {kind: $kinds}) { totalCount nodes { kind summary } }
}"""


async def test_a_touchpoint_has_a_kind_and_lists_filter_on_it(api: Api, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    await team(api)
    lead = await create_lead(api)
    base = {"channel": "WEB", "direction": "INBOUND", "leadId": lead["id"]}
    demo = await api.query(
        LOG, {"input": {**base, "summary": "预约演示", "kind": "DEMO_REQUEST"}}, sub="admin"
    )
    logged = data(demo, "logInteraction")
    assert logged["userErrors"] == []
    assert logged["interaction"]["kind"] == "DEMO_REQUEST"
    assert logged["interaction"]["occurredAt"] == MONDAY_10.isoformat()
    note = await api.query(LOG, {"input": {**base, "summary": "备注"}}, sub="admin")
    assert data(note, "logInteraction")["interaction"]["kind"] == "NOTE"

    demos = data(await api.query(BY_KIND, {"kinds": ["DEMO_REQUEST"]}, sub="admin"), "interactions")
    assert demos == {"totalCount": 1, "nodes": [{"kind": "DEMO_REQUEST", "summary": "预约演示"}]}
    both = await api.query(BY_KIND, {"kinds": ["DEMO_REQUEST", "NOTE"]}, sub="admin")
    assert data(both, "interactions")["totalCount"] == 2


async def test_an_unknown_kind_is_refused_before_anything_is_written(api: Api) -> None:
    await team(api)
    lead = await create_lead(api)
    body = await api.query(
        LOG,
        {
            "input": {
                "channel": "WEB",
                "direction": "INBOUND",
                "summary": "?",
                "leadId": lead["id"],
                "kind": "TELEPATHY",
            }
        },
        sub="admin",
    )
    assert "data" not in body or body["data"] is None
    assert "TELEPATHY" in body["errors"][0]["message"]
