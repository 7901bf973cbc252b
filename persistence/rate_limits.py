"""The shared per-minute spending of each viewer, kept in PostgreSQL for `prism.ratelimit`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class Charge:
    user_id: int
    window_start: int  # epoch seconds
    points: int


# One statement for every viewer a process settles: start or continue each one's window.
_ADD = text(
    """
    INSERT INTO rate_limit_window AS r (user_id, window_start, spent)
    SELECT u, to_timestamp(s), p
    FROM unnest(CAST(:users AS bigint[]), CAST(:starts AS bigint[]), CAST(:points AS bigint[]))
        AS t(u, s, p)
    ON CONFLICT (user_id) DO UPDATE SET
        spent = CASE WHEN r.window_start = excluded.window_start THEN r.spent + excluded.spent
                     WHEN r.window_start > excluded.window_start THEN r.spent
                     ELSE excluded.spent END,
        window_start = greatest(r.window_start, excluded.window_start)
    RETURNING r.user_id, r.spent, CAST(extract(epoch FROM r.window_start) AS bigint) AS start
"""
)


class PostgresSpending:
    def __init__(self, engine: AsyncEngine, *, owned: bool = False) -> None:
        self.engine, self.owned = engine, owned

    async def add(self, charges: Sequence[Charge]) -> dict[int, int]:
        if not charges:
            return {}
        params = {
            "users": [c.user_id for c in charges],
            "starts": [c.window_start for c in charges],
            "points": [c.points for c in charges],
        }
        async with self.engine.begin() as conn:
            # A spend counter is worth no disk flush: losing the last few on a crash only
            # forgives a few points.
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
            rows = (await conn.execute(_ADD, params)).all()
        starts = {c.user_id: c.window_start for c in charges}
        # A newer window than ours (another process's clock is ahead) means ours is over.
        return {
            int(row.user_id): int(row.spent) if row.start == starts[row.user_id] else 0
            for row in rows
        }

    async def aclose(self) -> None:
        if self.owned:
            await self.engine.dispose()
