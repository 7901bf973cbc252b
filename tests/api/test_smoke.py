from __future__ import annotations

from tests import factories as f
from tests.conftest import Api


async def test_admin_reads_a_customer_360(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    owner = await f.user(api.engine, "SALES_REP", external_id="rep")
    cid = await f.customer(api.engine, owner_id=owner, name="华为技术有限公司")
    await f.contact(api.engine, cid)
    opp = await f.opportunity(api.engine, cid, stage="CLOSED_WON", amount="1000.50")
    await f.stage_change(api.engine, opp, cid)
    await f.interaction(api.engine, cid)
    body = await api.query(
        """{ customers(filter: {search: "华为"}) { totalCount edges { cursor node {
              id name lifetimeValue owner { displayName }
              contacts { totalCount nodes { name } }
              opportunities { nodes { amount stage } }
              timeline { totalCount nodes { __typename } } } } } }""",
        sub="admin",
    )
    assert "errors" not in body, body
    customers = body["data"]["customers"]  # type: ignore[index]
    assert customers["totalCount"] == 1
    node = customers["edges"][0]["node"]
    assert node["name"] == "华为技术有限公司"
    assert node["lifetimeValue"] == "1000.50"
    assert node["contacts"]["totalCount"] == 1
    assert node["timeline"]["totalCount"] == 2
    assert {n["__typename"] for n in node["timeline"]["nodes"]} == {
        "Interaction",
        "OpportunityStageChange",
    }
