"""Survey tokens and answers in SQL (`domain.surveys`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.enums import SurveyKind
from domain.surveys import Invitation
from persistence import models as m

_TOKEN = m.SurveyToken.__table__
_TICKET = m.Ticket.__table__
_CUSTOMER = m.Customer.__table__


async def ticket_customer(conn: AsyncConnection, ticket_id: int) -> int | None:
    """The customer of a ticket, or None when the ticket is gone."""
    found = await conn.scalar(select(_TICKET.c.customer_id).where(_TICKET.c.id == ticket_id))
    return int(found) if found is not None else None


async def customer_exists(conn: AsyncConnection, customer_id: int) -> bool:
    return bool(await conn.scalar(select(_CUSTOMER.c.id).where(_CUSTOMER.c.id == customer_id)))


async def create_token(
    conn: AsyncConnection,
    *,
    token_hash: str,
    kind: SurveyKind,
    customer_id: int,
    ticket_id: int | None,
    expires_at: datetime,
    created_at: datetime,
) -> int:
    stmt = (
        insert(_TOKEN)
        .values(
            token_hash=token_hash,
            kind=kind,
            customer_id=customer_id,
            ticket_id=ticket_id,
            expires_at=expires_at,
            created_at=created_at,
        )
        .returning(_TOKEN.c.id)
    )
    return int((await conn.execute(stmt)).scalar_one())


class SqlSurveyAnswers:
    """`domain.surveys.SurveyAnswers` on one connection, inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def invitation(self, token_hash: str) -> Invitation | None:
        stmt = select(_TOKEN).where(_TOKEN.c.token_hash == token_hash).with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        if row is None:
            return None
        return Invitation(
            id=row["id"],
            kind=SurveyKind(row["kind"]),
            customer_id=row["customer_id"],
            ticket_id=row["ticket_id"],
            expires_at=row["expires_at"],
            used_at=row["used_at"],
        )

    async def answer(
        self, invitation: Invitation, score: int, comment: str | None, at: datetime
    ) -> int:
        await self.conn.execute(
            update(_TOKEN).where(_TOKEN.c.id == invitation.id).values(used_at=at)
        )
        response = m.SurveyResponse.__table__
        stmt = (
            insert(response)
            .values(
                customer_id=invitation.customer_id,
                ticket_id=invitation.ticket_id,
                kind=invitation.kind,
                score=score,
                comment=comment,
                responded_at=at,
            )
            .returning(response.c.id)
        )
        pk = int((await self.conn.execute(stmt)).scalar_one())
        if invitation.kind is SurveyKind.CSAT and invitation.ticket_id is not None:
            await self.conn.execute(
                update(_TICKET)
                .where(_TICKET.c.id == invitation.ticket_id)
                .values(csat_score=score, version=_TICKET.c.version + 1, updated_at=at)
            )
        return pk
