"""`metrics` and `funnel`: the figures of a plain question, read over the viewer's slice."""

from __future__ import annotations

from typing import Any

from persistence import metrics
from resolvers.context import context_of


async def metrics_of(info: Any, ask: metrics.MetricsAsk) -> list[metrics.Figure]:
    ctx = context_of(info)
    async with ctx.db.connection() as conn:
        return await metrics.figures(conn, ctx.access.policy, ctx.viewer, ask)


async def funnel_of(info: Any, ask: metrics.MetricsAsk) -> list[metrics.FunnelFigure]:
    ctx = context_of(info)
    async with ctx.db.connection() as conn:
        return await metrics.funnel(conn, ctx.access.policy, ctx.viewer, ask)
