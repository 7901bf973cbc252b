"""Customer filters: each narrows the list to exactly the matching rows, and `totalCount` agrees."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from tests import factories as f
from tests.conftest import Api

CUSTOMERS = """query($filter: CustomerFilter) { customers(filter: $filter, first: 100) {
  totalCount nodes { name } } }"""
BEIJING = timezone(timedelta(hours=8))


async def names(api: Api, **filter_: Any) -> list[str]:
    """The names of the customers the filter keeps, sorted; `totalCount` must agree."""
    body = await api.query(CUSTOMERS, {"filter": filter_}, sub="admin")
    assert "errors" not in body, body
    customers = body["data"]["customers"]
    found = [c["name"] for c in customers["nodes"]]
    assert customers["totalCount"] == len(found)
    return sorted(found)


async def admin(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")


async def test_search_finds_chinese_substrings(api: Api) -> None:
    await admin(api)
    await f.customer(api.engine, name="华为技术有限公司")
    await f.customer(api.engine, name="中兴通讯股份有限公司")
    assert await names(api) == ["中兴通讯股份有限公司", "华为技术有限公司"]
    assert await names(api, search="华为") == ["华为技术有限公司"]
    assert await names(api, search="  技术 ") == ["华为技术有限公司"]
    assert await names(api, search="有限公司") == ["中兴通讯股份有限公司", "华为技术有限公司"]
    assert await names(api, search="阿里巴巴") == []


async def test_search_wildcards_are_literal(api: Api) -> None:
    await admin(api)
    for name in ("100% Water", "100 Water", "A_B Trading", "AXB Trading", "Back\\slash"):
        await f.customer(api.engine, name=name)
    assert len(await names(api)) == 5
    assert await names(api, search="%") == ["100% Water"]
    assert await names(api, search="0%") == ["100% Water"]
    assert await names(api, search="A_B") == ["A_B Trading"]
    assert await names(api, search="_") == ["A_B Trading"]
    assert await names(api, search="\\") == ["Back\\slash"]


async def test_search_is_case_insensitive(api: Api) -> None:
    await admin(api)
    await f.customer(api.engine, name="Siemens China")
    await f.customer(api.engine, name="Bosch")
    assert await names(api, search="SIEMENS") == ["Siemens China"]


async def test_region_and_status_take_lists(api: Api) -> None:
    await admin(api)
    for name, region, status in (
        ("Alpha", "NORTH", "ACTIVE"),
        ("Bravo", "EAST", "PROSPECT"),
        ("Charlie", "SOUTH", "ACTIVE"),
        ("Delta", "EAST", "CHURNED"),
    ):
        await f.customer(api.engine, name=name, region=region, status=status)
    assert await names(api, region=["EAST"]) == ["Bravo", "Delta"]
    assert await names(api, region=["NORTH", "SOUTH"]) == ["Alpha", "Charlie"]
    assert await names(api, status=["ACTIVE", "CHURNED"]) == ["Alpha", "Charlie", "Delta"]
    assert await names(api, region=["EAST"], status=["PROSPECT"]) == ["Bravo"]
    assert await names(api, region=["NORTHWEST"]) == []


async def test_industry_ignores_case(api: Api) -> None:
    await admin(api)
    await f.customer(api.engine, name="Alpha", industry="Electronics")
    await f.customer(api.engine, name="Bravo", industry="electronics")
    await f.customer(api.engine, name="Charlie", industry="Electronics Retail")
    assert await names(api, industry="ELECTRONICS") == ["Alpha", "Bravo"]
    assert await names(api, industry="electronics retail") == ["Charlie"]


async def test_owner_and_partner_filters_take_ids_from_the_api(api: Api) -> None:
    await admin(api)
    rep_a = await f.user(api.engine, "SALES_REP", external_id="rep-a")
    rep_b = await f.user(api.engine, "SALES_REP", external_id="rep-b")
    partner = await f.partner(api.engine, name="Dealer One")
    await f.customer(api.engine, name="Alpha", owner_id=rep_a, partner_id=partner)
    await f.customer(api.engine, name="Bravo", owner_id=rep_a)
    await f.customer(api.engine, name="Charlie", owner_id=rep_b, partner_id=partner)
    body = await api.query(
        """{ users(filter: {search: "rep-a"}) { nodes { id } }
             partners(filter: {search: "Dealer One"}) { nodes { id } } }""",
        sub="admin",
    )
    assert "errors" not in body, body
    (owner,) = body["data"]["users"]["nodes"]
    (dealer,) = body["data"]["partners"]["nodes"]
    assert await names(api, ownerId=owner["id"]) == ["Alpha", "Bravo"]
    assert await names(api, partnerId=dealer["id"]) == ["Alpha", "Charlie"]
    assert await names(api, ownerId=owner["id"], partnerId=dealer["id"]) == ["Alpha"]


async def test_updated_since_is_inclusive(api: Api) -> None:
    await admin(api)
    for days, name in ((3, "Old"), (1, "Recent"), (0, "Today")):
        await f.customer(api.engine, name=name, updated_at=f.NOW - timedelta(days=days))
    since = (f.NOW - timedelta(days=1)).isoformat()
    assert await names(api, updatedSince=since) == ["Recent", "Today"]
    # The same instant in another zone is the same boundary.
    beijing = (f.NOW - timedelta(days=1)).astimezone(BEIJING).isoformat()
    assert beijing.endswith("+08:00")
    assert await names(api, updatedSince=beijing) == ["Recent", "Today"]
    later = (f.NOW - timedelta(days=1) + timedelta(seconds=1)).isoformat()
    assert await names(api, updatedSince=later) == ["Today"]
