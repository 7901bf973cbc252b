"""Every KPI, for every role, equals the oracle's figure over the rows §3 gives that role.

Hypothesis draws a world (`tests/slices/metrics_world.py`); each example empties the database,
inserts it, and for one user of each role asks `metrics` over real HTTP for every KPI of that
role's `Kpi` enum, ungrouped and by a few dimensions, with and without a period and a region
filter. `tests/slices/metrics_oracle.py` computes the same figures in Python from the contract.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from schema.ids import decode_id
from tests.conftest import Api, truncate_all
from tests.slices.metrics_oracle import Ask, Oracle
from tests.slices.metrics_world import ROLES, T0, World, worlds
from tests.slices.metrics_world_db import insert_world

EXAMPLES = int(os.environ.get("PRISM_METRICS_EXAMPLES", "12"))

#: KPIs a role must not be offered, from CONTRACT §3's absent types and fields.
NO_SALES = {
    "LEAD_COUNT",
    "LEAD_CONVERSION_RATE",
    "WIN_RATE",
    "AVERAGE_ORDER_VALUE",
    "SALES_CYCLE_DAYS",
    "PIPELINE_VALUE",
    "LIFETIME_VALUE",
    "COST_PER_LEAD",
    "CAMPAIGN_ROI",
}
ABSENT = {
    "PARTNER_USER": {"LIFETIME_VALUE"},
    "TECHNICIAN": NO_SALES,
    "SERVICE_AGENT": NO_SALES,
}
ALL_KPIS = {
    *NO_SALES,
    "FIRST_RESPONSE_MINUTES",
    "RESOLUTION_HOURS",
    "FIRST_CONTACT_RESOLUTION_RATE",
    "SLA_ATTAINMENT_RATE",
    "CSAT",
    "NPS",
    "CHURN_RATE",
}
GROUPINGS = (
    (),
    ("REGION",),
    ("MONTH",),
    ("OWNER", "PARTNER"),
    ("TIER", "INDUSTRY"),
    ("CAMPAIGN", "CHANNEL"),
    ("SOURCE", "PRIORITY"),
)

QUERY = """
query M($kpis: [Kpi!]!, $groupBy: [Dimension!], $filter: MetricsFilter) {
  metrics(kpis: $kpis, groupBy: $groupBy, filter: $filter) {
    kpi group { dimension key label } value count
  }
}
"""
ENUMS = '{ k: __type(name: "Kpi") { enumValues { name } } d: __type(name: "Dimension") { enumValues { name } } }'  # noqa: E501


def _key(dimension: str, key: str | None) -> str | None:
    if key is not None and dimension in ("OWNER", "PARTNER", "CAMPAIGN"):
        return str(decode_id(key)[1])
    return key


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= Decimal("1e-6") * max(1, abs(b))


async def _check(
    api: Api, w: World, ids: dict[str, list[int]], viewer: int, asks: list[Any]
) -> None:
    sub = f"kpi-{viewer}"
    role = w.users[viewer].role
    enums = (await api.query(ENUMS, sub=sub))["data"]
    kpis = {v["name"] for v in enums["k"]["enumValues"]}
    dims = {v["name"] for v in enums["d"]["enumValues"]}
    assert kpis == ALL_KPIS - ABSENT.get(role, set()), role
    oracle = Oracle(w, viewer, ids)
    for group_by, start, end, regions in asks:
        group_by = tuple(d for d in group_by if d in dims)
        filter_: dict[str, Any] = {}
        if start is not None:
            filter_.update({"from": start.isoformat(), "to": end.isoformat()})
        if regions is not None:
            filter_["regions"] = list(regions)
        body = await api.query(
            QUERY, {"kpis": sorted(kpis), "groupBy": list(group_by), "filter": filter_}, sub=sub
        )
        assert "errors" not in body, body
        got: dict[str, dict[tuple[str | None, ...], tuple[Decimal | None, int]]] = {}
        for row in body["data"]["metrics"]:
            key = tuple(_key(g["dimension"], g["key"]) for g in row["group"])
            value = Decimal(row["value"]) if row["value"] is not None else None
            got.setdefault(row["kpi"], {})[key] = (value, row["count"])
        for kpi in sorted(kpis):
            want = oracle.rows(Ask(kpi, group_by, start, end, regions))
            mine = got.get(kpi, {})
            where = f"{role} user {viewer}, {kpi} by {group_by}, {filter_}"
            assert set(mine) == set(want), (
                f"{where}: groups {sorted(mine, key=str)} != {sorted(want, key=str)}"
            )  # noqa: E501
            for key, (value, count) in want.items():
                assert mine[key][1] == count, f"{where} {key}: count {mine[key]} != {count}"
                assert _close(mine[key][0], value), f"{where} {key}: {mine[key]} != {value}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=tuple(set(Phase) - {Phase.shrink}),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds(), data=st.data())
async def test_every_kpi_matches_the_oracle_for_every_role(
    api: Api, world: World, data: st.DataObject
) -> None:
    await truncate_all(api.engine)
    ids = await insert_world(api.engine, world)
    period = (T0 + timedelta(days=20), T0 + timedelta(days=80))
    for role in ROLES:
        viewer = data.draw(
            st.sampled_from([i for i, u in enumerate(world.users) if u.role == role]), label=role
        )
        asks = [((), None, None, None), ((), *period, None)]
        asks += [
            (
                g,
                *data.draw(st.sampled_from([(None, None), period])),
                data.draw(st.sampled_from([None, ("NORTH", "EAST")])),
            )
            for g in data.draw(
                st.lists(st.sampled_from(GROUPINGS[1:]), min_size=2, max_size=3, unique=True)
            )
        ]
        await _check(api, world, ids, viewer, asks)
