"""Idempotency records: a mutation request's key, its body hash and its first response.

`claim` inserts the key inside the request's transaction. A concurrent retry with the same key
blocks on the unique key until the first commits, then sees the stored response: a retried
write is applied once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence import models as m

table = m.IdempotencyKey.__table__


@dataclass(frozen=True)
class PriorRequest:
    request_hash: str
    response: dict[str, Any]


async def claim(
    conn: AsyncConnection, user_id: int, key: str, request_hash: str
) -> PriorRequest | None:
    """Claim `key` for this request, or return the request that already holds it."""
    stmt = (
        insert(table)
        .values(user_id=user_id, key=key, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(table.c.key)
    )
    if (await conn.execute(stmt)).first() is not None:
        return None
    row = (
        await conn.execute(
            select(table.c.request_hash, table.c.response).where(
                table.c.user_id == user_id, table.c.key == key
            )
        )
    ).one()
    return PriorRequest(request_hash=row.request_hash, response=row.response or {})


async def store(conn: AsyncConnection, user_id: int, key: str, response: dict[str, Any]) -> None:
    await conn.execute(
        update(table)
        .where(table.c.user_id == user_id, table.c.key == key)
        .values(response=response)
    )
