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
from domain.metrics import FUNNEL_STAGES, Dimension, Kpi
from persistence.access import CompiledPolicy
from persistence.listing import SPECS
from persistence.metrics_churn import churn_rate
from persistence.metrics_sql import ID_DIMENSIONS, Definition, definition, dimension
from persistence.scope_sql import Params, scoped_rows

#: Grouping a year of tickets hashes a few hundred thousand rows: in memory, not on disk.
WORK_MEM = "64MB"
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
        self.ctes: dict[str, str] = {}

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

    def records(self, definition: Definition) -> str:
        """The viewer's records of a KPI's source, joined to their customer once and keyed by
        every dimension but MONTH, after the region/owner/partner filters: a CTE that every
        KPI over the same records reads, so a dashboard joins each table once."""
        source = definition.source
        name = f"records_{source.type_name.lower()}"
        if name not in self.ctes:
            joined = self.rows(source.type_name) + " r"
            if source.customer_fk is not None:
                joined += f" LEFT JOIN {self.rows('Customer')} c ON c.id = r.{source.customer_fk}"
            keys = "".join(
                f", ({self.key(definition, d)})::text AS _k{i}"
                for i, d in enumerate(self.ask.group_by)
                if d is not Dimension.MONTH
            )
            where = " AND ".join(["true", *self.filters(definition)])
            columns = "".join(f", r.{c}" for c in source.columns)
            self.ctes[name] = f"SELECT r.id{columns}{keys} FROM {joined} WHERE {where}"
        return name

    def select(self, kpi: Kpi, definition: Definition) -> str:
        keys = [
            dimension(definition.source, d, definition.when) if d is Dimension.MONTH else f"r._k{i}"
            for i, d in enumerate(self.ask.group_by)
        ]
        joined = f"{self.records(definition)} r{definition.joins}"
        where = [definition.where]
        if definition.when is not None:
            where += self.period(definition.when)
        return self._grouped(kpi, keys, definition.value, definition.count, joined, where)

    def statement(self, parts: list[str]) -> str:
        ctes = ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in self.ctes.items())
        union = " UNION ALL ".join(f"({p})" for p in parts)
        return f"WITH {ctes} {union}" if ctes else union

    def _grouped(
        self, kpi: Kpi, keys: list[str], value: str, count: str, joined: str, where: list[str]
    ) -> str:
        columns = [f"'{kpi.value}'::text AS kpi", *(f"({k})::text" for k in keys)]
        columns += [f"({value})::numeric AS value", f"({count})::bigint AS count"]
        sql = f"SELECT {', '.join(columns)} FROM {joined} WHERE {' AND '.join(where)}"
        if keys:
            sql += " GROUP BY " + ", ".join(str(i + 2) for i in range(len(keys)))
        return sql

    def bound(self, value: datetime | None) -> str:
        return f"{self.params.add(value)}::timestamptz" if value is not None else "NULL"


async def figures(
    conn: AsyncConnection, policy: CompiledPolicy, viewer: Viewer, ask: MetricsAsk
) -> list[Figure]:
    if not ask.kpis:
        return []
    statement = _Statement(policy, viewer, ask)
    parts = [
        churn_rate(statement)
        if kpi is Kpi.CHURN_RATE
        else statement.select(kpi, definition(kpi, statement.rows))
        for kpi in ask.kpis
    ]
    raw = await _run(conn, statement.statement(parts), statement.params.values)
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
    """Run a figures statement without JIT (PostgreSQL would spend a second or more compiling
    a KPI statement's many expressions, more than running them) and with room to hash."""
    await conn.exec_driver_sql(
        f"SELECT set_config('jit', 'off', false), set_config('work_mem', '{WORK_MEM}', false)"
    )
    try:
        result = await conn.exec_driver_sql(sql, tuple(params))
        return [tuple(row) for row in result.all()]
    finally:
        await conn.exec_driver_sql(
            "SELECT set_config(name, reset_val, false) FROM pg_settings"
            " WHERE name IN ('jit', 'work_mem')"
        )


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
