"""The managers' numbers (CONTRACT §10): `metrics`, `funnel`, and each role's `Kpi` enum.

A KPI computed from a type or field absent from a role's slice is absent from that role's `Kpi`
enum (`absent_for`), exactly as an absent field is: asking for it fails validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.metrics import (
    DIMENSION_NEEDS,
    FUNNEL_NEEDS,
    NEEDS,
    Dimension,
    Kpi,
    readable,
)
from resolvers import metrics as resolve
from schema.enums import OpportunityStage, Region
from schema.ids import encode_id
from schema.metrics_ask import ask_of

if TYPE_CHECKING:
    from persistence.metrics import Figure

strawberry.enum(
    Kpi,
    description=(
        "A key figure, computed over the rows you may read (CONTRACT §10). Rates and shares "
        "are fractions from 0 to 1; NPS is in points from −100 to 100; durations in the unit "
        "the name gives. Only KPIs computed from types and fields in your slice are listed."
    ),
)
strawberry.enum(
    Dimension,
    description=(
        "What to group figures by. A record's REGION, INDUSTRY, OWNER, PARTNER and TIER are its "
        "own, else its customer's; MONTH is `YYYY-MM` in Asia/Shanghai of the instant that "
        "places the record in the period (created, closed, resolved, answered, campaign start)."
    ),
)


@strawberry.input(description="Which records the figures cover.")
class MetricsFilter:
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Start of the period (inclusive)."
    )
    to: datetime | None = strawberry.field(
        default=None, description="End of the period (exclusive)."
    )
    regions: list[Region] | None = strawberry.field(
        default=None, description="Only records whose region (else their customer's) is one."
    )
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only records whose owner (a lead's assignee; else the customer's owner) "
        "is one of these users. IDs you cannot read match nothing.",
    )
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only records whose partner (else their customer's) is one of these. "
        "IDs you cannot read match nothing.",
    )


@strawberry.type(description="One dimension's value of a group.")
class MetricsGroupKey:
    dimension: Dimension = strawberry.field(description="The dimension grouped by.")
    key: str | None = strawberry.field(
        description="The enum value, the global ID (OWNER, PARTNER, CAMPAIGN) or `YYYY-MM`; "
        "null for records without one, or whose user, partner or campaign you cannot read."
    )
    label: str | None = strawberry.field(description="A name to show for the key.")


@strawberry.type(description="One KPI over one group of records.")
class MetricsRow:
    kpi: Kpi = strawberry.field(description="The figure.")
    group: list[MetricsGroupKey] = strawberry.field(
        description="One entry per `groupBy` dimension, in that order; empty without grouping."
    )
    value: Decimal | None = strawberry.field(description="The figure; null when `count` is 0.")
    count: int = strawberry.field(description="How many records it was computed over.")


@strawberry.type(description="One stage of the sales funnel.")
class FunnelStage:
    stage: OpportunityStage = strawberry.field(description="The stage.")
    count: int = strawberry.field(
        description="Opportunities created in the period that reached at least this stage."
    )
    amount: Decimal = strawberry.field(description="Their total amount.")
    conversion_rate: Decimal | None = strawberry.field(
        description="The share of them that reached the next stage (0–1); null at the last."
    )


MetricsFilterArg = Annotated[
    MetricsFilter | None, strawberry.argument(description="The period and slices to cover.")
]


@strawberry.type
class MetricsQuery:
    @strawberry.field(
        description="Key figures, one row per KPI and group, over the rows you may read."
    )
    async def metrics(
        self,
        info: Info,
        kpis: list[Kpi],
        group_by: list[Dimension] | None = None,
        filter: MetricsFilterArg = None,
    ) -> list[MetricsRow]:
        dims = group_by or []
        figures = await resolve.metrics_of(info, ask_of(kpis, dims, filter))
        return [_row(figure, dims) for figure in figures]

    @strawberry.field(
        description="The opportunity stages in order (CLOSED_LOST aside), for deals created "
        "in the period."
    )
    async def funnel(self, info: Info, filter: MetricsFilterArg = None) -> list[FunnelStage]:
        return [
            FunnelStage(
                stage=OpportunityStage(f.stage),
                count=f.count,
                amount=f.amount,
                conversion_rate=_rounded(f.conversion_rate),
            )
            for f in await resolve.funnel_of(info, ask_of((), (), filter))
        ]


#: Ten decimal places: exact for every count-based share a client can check by hand.
_PLACES = Decimal("1e-10")
_ID_TYPES = {Dimension.OWNER: "User", Dimension.PARTNER: "Partner", Dimension.CAMPAIGN: "Campaign"}
REGION_LABELS = {
    "NORTH": "华北 North",
    "NORTHEAST": "东北 Northeast",
    "EAST": "华东 East",
    "CENTRAL": "华中 Central",
    "SOUTH": "华南 South",
    "SOUTHWEST": "西南 Southwest",
    "NORTHWEST": "西北 Northwest",
    "OVERSEAS": "海外 Overseas",
}


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_PLACES).normalize()


def _row(figure: Figure, dims: list[Dimension]) -> MetricsRow:
    return MetricsRow(
        kpi=figure.kpi,
        group=[
            _group_key(d, k, label)
            for d, k, label in zip(dims, figure.keys, figure.labels, strict=True)
        ],
        value=_rounded(figure.value),
        count=figure.count,
    )


def _group_key(dim: Dimension, key: str | None, label: str | None) -> MetricsGroupKey:
    if key is None:
        return MetricsGroupKey(dimension=dim, key=None, label=None)
    if dim in _ID_TYPES:
        return MetricsGroupKey(dimension=dim, key=encode_id(_ID_TYPES[dim], int(key)), label=label)
    if dim is Dimension.REGION:
        return MetricsGroupKey(dimension=dim, key=key, label=REGION_LABELS.get(key, key))
    return MetricsGroupKey(dimension=dim, key=key, label=key)


def absent_for(present: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """`Kpi.WIN_RATE`, `Dimension.CAMPAIGN`, `Query.funnel`, …: what a role whose slice is
    `present` (type -> its readable fields) must not see of the analytics."""
    slice_ = dict(present)
    kpis = {f"Kpi.{k.value}" for k, needs in NEEDS.items() if not readable(needs, slice_)}
    dims = {
        f"Dimension.{d.value}"
        for d, needs in DIMENSION_NEEDS.items()
        if not readable(needs, slice_)
    }
    gone = kpis | dims
    if len(kpis) == len(NEEDS):
        gone.add("Query.metrics")
    if not readable(FUNNEL_NEEDS, slice_):
        gone.add("Query.funnel")
    return frozenset(gone)
