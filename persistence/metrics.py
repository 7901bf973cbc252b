"""`metrics` and `funnel` (CONTRACT §10): one statement per request, over the viewer's rows.

Each KPI is a `SELECT … GROUP BY` over its records read through the viewer's row scope (see
`persistence.metrics_sql`); the KPIs asked for are joined with `UNION ALL`, so a dashboard's
figures come back in one round trip. Filter IDs are matched only among the rows the viewer may
read, so an ID from outside the slice matches nothing and says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from authz.viewer import Viewer
from domain.metrics import BUSINESS_ZONE, FUNNEL_STAGES, Dimension, Kpi
from persistence.access import CompiledPolicy
from persistence.listing import SPECS
from persistence.metrics_sql import CUSTOMERS as _CUSTOMERS
from persistence.metrics_sql import ID_DIMENSIONS, Definition, definition, dimension
from persistence.scope_sql import Params, scoped_rows

_LABEL_COLUMNS = {"User": "display_name", "Partner": "name", "Campaign": "name"}


@dataclass(frozen=True)
class MetricsAsk:
    kpis: tuple[Kpi, ...]
    group_by: tuple[Dimension, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    regions: tuple[str, ...] | None = None
    owner_ids: tuple[int, ...] | None = None
    partner_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Figure:
    """One KPI over one group: `keys` in `group_by` order (ids as text), labels beside them."""

    kpi: Kpi
    keys: tuple[str | None, ...]
    labels: tuple[str | None, ...]
    value: Decimal | None
    count: int


@dataclass(frozen=True)
class FunnelFigure:
    stage: str
    count: int
    amount: Decimal
    conversion_rate: Decimal | None


class _Statement:
    """Builds one statement for one viewer; `params` collects the values in order."""

    def __init__(self, policy: CompiledPolicy, viewer: Viewer, ask: MetricsAsk) -> None:
        self.policy, self.viewer, self.ask = policy, viewer, ask
        self.params = Params()

    def rows(self, type_name: str, more: str = "true") -> str:
        fragment = scoped_rows(self.policy, self.viewer, type_name, SPECS[type_name].table)
        return f"({fragment.render(self.params, self.viewer, more)})"

    def key(self, definition: Definition, dim: Dimension) -> str:
        expr = dimension(definition.source, dim, definition.when)
        target = ID_DIMENSIONS.get(dim)
        if target is None:
            return expr
        # An id only when the viewer may read that record; otherwise no key at all.
        return f"(SELECT v.id FROM {self.rows(target)} v WHERE v.id = ({expr}))::text"

    def filters(self, definition: Definition) -> list[str]:
        ask, source = self.ask, definition.source
        found: list[str] = []
        if ask.regions is not None:
            region = dimension(source, Dimension.REGION, None)
            found.append(f"{region} = ANY({self.params.add(list(ask.regions))}::text[])")
        for dim, ids in ((Dimension.OWNER, ask.owner_ids), (Dimension.PARTNER, ask.partner_ids)):
            if ids is not None:
                target = ID_DIMENSIONS[dim]
                visible = self.rows(target, f"id = ANY({self.params.add(list(ids))}::bigint[])")
                found.append(f"({dimension(source, dim, None)}) IN (SELECT v.id FROM {visible} v)")
        return found

    def period(self, when: str) -> list[str]:
        found = []
        if self.ask.start is not None:
            found.append(f"{when} >= {self.params.add(self.ask.start)}")
        if self.ask.end is not None:
            found.append(f"{when} < {self.params.add(self.ask.end)}")
        return found

    def select(self, kpi: Kpi, definition: Definition) -> str:
        source = definition.source
        keys = [self.key(definition, d) for d in self.ask.group_by]
        joined = self.rows(source.type_name)
        if source.customer_fk is not None:
            joined += f" r LEFT JOIN {self.rows('Customer')} c ON c.id = r.{source.customer_fk}"
        else:
            joined += " r"
        where = [definition.where, *self.filters(definition)]
        if definition.when is not None:
            where += self.period(definition.when)
        return self._grouped(kpi, keys, definition.value, definition.count, joined, where)

    def _grouped(
        self, kpi: Kpi, keys: list[str], value: str, count: str, joined: str, where: list[str]
    ) -> str:
        columns = [f"'{kpi.value}'::text AS kpi", *(f"({k})::text" for k in keys)]
        columns += [f"({value})::numeric AS value", f"({count})::bigint AS count"]
        sql = f"SELECT {', '.join(columns)} FROM {joined} WHERE {' AND '.join(where)}"
        if keys:
            sql += " GROUP BY " + ", ".join(str(i + 2) for i in range(len(keys)))
        return sql

    def churn(self) -> str:
        """Customers that became CHURNED in a period ÷ customers ACTIVE at its start; grouped by
        MONTH, each month of the period is a period of its own."""
        by_month = Dimension.MONTH in self.ask.group_by
        start, end = self._bound(self.ask.start), self._bound(self.ask.end)
        months = ""
        if by_month:
            first = (
                start
                if self.ask.start is not None
                else (f"(SELECT min(x.created_at) FROM {self.rows('Customer')} x)")
            )
            last = end if self.ask.end is not None else "now()"
            months = (
                (
                    " CROSS JOIN (SELECT m, greatest(m AT TIME ZONE 'Z', {s}) AS p_start,"
                    " least((m + interval '1 month') AT TIME ZONE 'Z', {e}) AS p_end"
                    " FROM generate_series(date_trunc('month', {f} AT TIME ZONE 'Z'),"
                    " {l} AT TIME ZONE 'Z', interval '1 month') AS m) mm"
                )
                .format(
                    s=start if self.ask.start is not None else "'-infinity'::timestamptz",
                    e=end if self.ask.end is not None else "'infinity'::timestamptz",
                    f=first,
                    l=last,
                )
                .replace("'Z'", f"'{BUSINESS_ZONE}'")
            )
            p_start, p_end = "mm.p_start", "mm.p_end"
        else:
            p_start = start if self.ask.start is not None else "NULL::timestamptz"
            p_end = end if self.ask.end is not None else "'infinity'::timestamptz"
        active = _active_at("r", p_start)
        churned = (
            "EXISTS (SELECT 1 FROM customer_status_change h WHERE h.customer_id = r.id"
            f" AND h.to_status = 'CHURNED' AND h.occurred_at >= coalesce({p_start},"
            f" '-infinity') AND h.occurred_at < {p_end})"
        )
        keys = [
            "to_char(mm.m, 'YYYY-MM')" if d is Dimension.MONTH else self._customer_key(d)
            for d in self.ask.group_by
        ]
        definition = Definition(_CUSTOMERS, "true", None, "", "")
        inner = (
            f"SELECT {', '.join([*(f'({k})::text AS k{i}' for i, k in enumerate(keys))]) or '1'}"
            f", CASE WHEN {active} THEN 1 ELSE 0 END AS active,"
            f" CASE WHEN {churned} THEN 1 ELSE 0 END AS churned"
            f" FROM {self.rows('Customer')} r{months}"
            f" WHERE {' AND '.join(['true', *self.filters(definition)])}"
        )
        outer_keys = [f"k{i}" for i in range(len(keys))]
        sql = self._grouped(
            Kpi.CHURN_RATE,
            outer_keys,
            "sum(churned)::numeric / nullif(sum(active), 0)",
            "coalesce(sum(active), 0)",
            f"({inner}) t",
            ["true"],
        )
        return sql + (" HAVING sum(active) + sum(churned) > 0" if keys else "")

    def _customer_key(self, dim: Dimension) -> str:
        return self.key(Definition(_CUSTOMERS, "true", None, "", ""), dim)

    def _bound(self, value: datetime | None) -> str:
        return f"{self.params.add(value)}::timestamptz" if value is not None else "NULL"


def _active_at(customer: str, instant: str) -> str:
    """Whether the customer was ACTIVE at `instant`, from its status history (a change at or
    before it, else the first change after it, else its status now)."""
    history = f"customer_status_change h WHERE h.customer_id = {customer}.id"
    return (
        f"({instant} IS NOT NULL AND {customer}.created_at <= {instant} AND coalesce("
        f"(SELECT h.to_status FROM {history} AND h.occurred_at <= {instant}"
        " ORDER BY h.occurred_at DESC, h.id DESC LIMIT 1),"
        f"(SELECT h.from_status FROM {history} AND h.occurred_at > {instant}"
        f" ORDER BY h.occurred_at, h.id LIMIT 1), {customer}.status) = 'ACTIVE')"
    )


async def figures(
    conn: AsyncConnection, policy: CompiledPolicy, viewer: Viewer, ask: MetricsAsk
) -> list[Figure]:
    if not ask.kpis:
        return []
    statement = _Statement(policy, viewer, ask)
    parts = [
        statement.churn()
        if kpi is Kpi.CHURN_RATE
        else statement.select(kpi, definition(kpi, statement.rows))
        for kpi in ask.kpis
    ]
    sql = " UNION ALL ".join(f"({p})" for p in parts)
    raw = await _run(conn, sql, statement.params.values)
    labels = await _labels(conn, policy, viewer, ask.group_by, raw)
    width = len(ask.group_by)
    found = []
    for row in raw:
        keys = tuple(row[1 : 1 + width])
        count = int(row[2 + width])
        value = row[1 + width]
        found.append(
            Figure(
                kpi=Kpi(row[0]),
                keys=keys,
                labels=tuple(labels.get((d, k)) for d, k in zip(ask.group_by, keys, strict=True)),
                value=None if count == 0 or value is None else Decimal(value),
                count=count,
            )
        )
    order = {kpi: i for i, kpi in enumerate(ask.kpis)}
    found.sort(key=lambda f: (order[f.kpi], tuple((k is None, k or "") for k in f.keys)))
    return found


async def _run(conn: AsyncConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a figures statement without JIT: PostgreSQL would spend a second or more compiling
    the many small per-record subqueries of a KPI statement, far more than running them."""
    await conn.exec_driver_sql("SET jit = off")
    try:
        result = await conn.exec_driver_sql(sql, tuple(params))
        return [tuple(row) for row in result.all()]
    finally:
        await conn.exec_driver_sql("RESET jit")


async def _labels(
    conn: AsyncConnection,
    policy: CompiledPolicy,
    viewer: Viewer,
    group_by: Sequence[Dimension],
    raw: Sequence[tuple[Any, ...]],
) -> dict[tuple[Dimension, str], str]:
    """Names of the users, partners and campaigns that key a group (all readable by now)."""
    labels: dict[tuple[Dimension, str], str] = {}
    for i, dim in enumerate(group_by):
        target = ID_DIMENSIONS.get(dim)
        if target is None:
            continue
        ids = sorted({int(row[1 + i]) for row in raw if row[1 + i] is not None})
        if not ids:
            continue
        params = Params()
        fragment = scoped_rows(policy, viewer, target, SPECS[target].table)
        rows = fragment.render(params, viewer, f"id = ANY({params.add(ids)}::bigint[])")
        column = _LABEL_COLUMNS[target]
        result = await conn.exec_driver_sql(
            f"SELECT v.id, v.{column} FROM ({rows}) v", tuple(params.values)
        )
        found: list[Any] = list(result.all())
        labels.update({(dim, str(row[0])): str(row[1]) for row in found})
    return labels


async def funnel(
    conn: AsyncConnection, policy: CompiledPolicy, viewer: Viewer, ask: MetricsAsk
) -> list[FunnelFigure]:
    """Deals created in the period by the furthest stage they reached (history or now)."""
    statement = _Statement(policy, viewer, ask)
    stages = "ARRAY[" + ", ".join(f"'{s}'" for s in FUNNEL_STAGES) + "]::text[]"

    def index(stage: str) -> str:
        return f"(array_position({stages}, ({stage})::text) - 1)"

    reached = (
        f"coalesce(greatest({index('r.stage')}, (SELECT max(greatest({index('h.to_stage')},"
        f" {index('h.from_stage')})) FROM opportunity_stage_change h"
        " WHERE h.opportunity_id = r.id)), 0)"
    )
    deals = definition(Kpi.PIPELINE_VALUE, statement.rows)
    where = ["true", *statement.filters(deals), *statement.period("r.created_at")]
    columns = ", ".join(
        f"count(*) FILTER (WHERE reached >= {i}), coalesce(sum(amount) FILTER (WHERE reached >="
        f" {i}), 0)"
        for i in range(len(FUNNEL_STAGES))
    )
    sql = (
        f"SELECT {columns} FROM (SELECT r.amount, {reached} AS reached FROM"
        f" {statement.rows('Opportunity')} r LEFT JOIN {statement.rows('Customer')} c"
        f" ON c.id = r.customer_id WHERE {' AND '.join(where)}) t"
    )
    row = (await _run(conn, sql, statement.params.values))[0]
    counts = [int(row[2 * i]) for i in range(len(FUNNEL_STAGES))]
    found = []
    for i, stage in enumerate(FUNNEL_STAGES):
        following = counts[i + 1] if i + 1 < len(counts) else None
        rate = (
            Decimal(following) / Decimal(counts[i]) if following is not None and counts[i] else None
        )
        found.append(FunnelFigure(stage, counts[i], Decimal(row[2 * i + 1]), rate))
    return found
