"""The SQL of lead scoring (`domain.lead_scoring.ScoringDesk`), mixed into a request's lead
store and into the desks of timers and channels.

A score is derived data, not a user's edit: it is written with the lead's `scored_at` and
explanation but without a new `version` (a client's `expectedVersion` is not made stale by
the daily decay), and `updated_at` moves only when the score itself changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.lead_scoring import CLOSED, Scored
from persistence import models as m

RULE = m.ScoringRule.__table__
LEAD = m.Lead.__table__
INTERACTION = m.Interaction.__table__
_TOUCH_COLUMNS = (
    INTERACTION.c.lead_id,
    INTERACTION.c.channel,
    INTERACTION.c.kind,
    INTERACTION.c.direction,
    INTERACTION.c.occurred_at,
)
_FACT_COLUMNS = (LEAD.c.id, LEAD.c.status, LEAD.c.region, LEAD.c.industry, LEAD.c.source)

Facts = tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]


class ScoringSql:
    """The scoring queries over `self.conn`."""

    conn: AsyncConnection

    async def scoring_rules(self) -> list[Mapping[str, Any]]:
        stmt = select(RULE).where(RULE.c.active.is_(True)).order_by(RULE.c.id)
        return [dict(r._mapping) for r in await self.conn.execute(stmt)]

    async def scoring_facts(
        self, lead_id: int
    ) -> tuple[Mapping[str, Any] | None, Sequence[Mapping[str, Any]]]:
        row = (await self.conn.execute(select(*_FACT_COLUMNS).where(LEAD.c.id == lead_id))).first()
        if row is None:
            return None, []
        touches = await self._touches([lead_id])
        return dict(row._mapping), touches.get(lead_id, [])

    async def open_leads_after(self, after_id: int, limit: int) -> list[Facts]:
        stmt = (
            select(*_FACT_COLUMNS)
            .where(LEAD.c.id > after_id, LEAD.c.status.not_in(CLOSED))
            .order_by(LEAD.c.id)
            .limit(limit)
        )
        leads = [dict(r._mapping) for r in await self.conn.execute(stmt)]
        touches = await self._touches([int(lead["id"]) for lead in leads])
        return [(lead, touches.get(int(lead["id"]), [])) for lead in leads]

    async def _touches(self, lead_ids: list[int]) -> dict[int, list[Mapping[str, Any]]]:
        found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        if not lead_ids:
            return found
        stmt = select(*_TOUCH_COLUMNS).where(INTERACTION.c.lead_id.in_(lead_ids))
        for row in await self.conn.execute(stmt):
            found[int(row.lead_id)].append(dict(row._mapping))
        return found

    async def save_scores(self, scored: Mapping[int, Scored]) -> None:
        if not scored:
            return
        new_score: Any = bindparam("new_score")
        at: Any = bindparam("at")
        stmt = (
            update(LEAD)
            .where(LEAD.c.id == bindparam("lead_id"))
            .values(
                score=new_score,
                scored_at=at,
                score_explanation=bindparam("explanation", type_=JSONB),
                updated_at=case((LEAD.c.score != new_score, at), else_=LEAD.c.updated_at),
            )
        )
        rows = [
            {
                "lead_id": lead_id,
                "new_score": result.score,
                "at": result.scored_at,
                "explanation": [c.as_json() for c in result.contributions],
            }
            for lead_id, result in scored.items()
        ]
        await self.conn.execute(stmt, rows)
