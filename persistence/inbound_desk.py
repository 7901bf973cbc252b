"""The SQL of inbound channels (`domain.inbound.InboundDesk`): matching a sender, recording a
message once, and the web forms. Runs without a viewer, in the request's transaction; locks
are transaction advisory locks, so two deliveries of one message, or two submissions from one
phone, are serialised and the second sees the first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select

from domain.enums import Channel
from persistence import models as m
from persistence.lead_desk import ConnDesk

CONTACT = m.Contact.__table__
LEAD = m.Lead.__table__
INTERACTION = m.Interaction.__table__
FORM = m.WebForm.__table__
_MATCHABLE = {"wecom_user_id", "dingtalk_user_id", "phone", "email"}


class InboundSql(ConnDesk):
    async def _lock(self, key: str) -> None:
        await self.conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))

    async def claim_message(self, channel: Channel, message_id: str) -> bool:
        await self._lock(f"inbound:{channel.value}:{message_id}")
        stmt = select(INTERACTION.c.id).where(
            INTERACTION.c.channel == channel, INTERACTION.c.external_message_id == message_id
        )
        return (await self.conn.scalar(stmt.limit(1))) is None

    async def lock_sender(self, *keys: str) -> None:
        for key in sorted(keys):  # one order everywhere: no deadlock between two senders
            await self._lock(f"sender:{key}")

    async def contact_with(self, column: str, value: str) -> Mapping[str, Any] | None:
        return await self._first(CONTACT, column, value)

    async def lead_with(self, column: str, value: str) -> Mapping[str, Any] | None:
        return await self._first(LEAD, column, value)

    async def _first(self, table: Any, column: str, value: str) -> Mapping[str, Any] | None:
        if column not in _MATCHABLE:
            raise ValueError(column)
        stmt = select(table).where(table.c[column] == value).order_by(table.c.id.desc()).limit(1)
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row is not None else None

    async def recent_lead(
        self, phone: str | None, email: str | None, since: datetime
    ) -> Mapping[str, Any] | None:
        same = [LEAD.c.phone == phone] if phone else []
        same += [func.lower(LEAD.c.email) == email.lower()] if email else []
        stmt = (
            select(LEAD)
            .where(or_(*same), LEAD.c.created_at >= since)
            .order_by(LEAD.c.created_at.desc(), LEAD.c.id.desc())
            .limit(1)
        )
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row is not None else None

    async def insert_lead(self, values: Mapping[str, Any]) -> int:
        # created_at from the clock, so the 24-hour merge window follows the clock port.
        stmt = insert(LEAD).values(**values, created_at=self.now()).returning(LEAD.c.id)
        return int(await self.conn.scalar(stmt) or 0)

    async def insert_interaction(self, values: Mapping[str, Any]) -> int:
        stmt = insert(INTERACTION).values(**values).returning(INTERACTION.c.id)
        return int(await self.conn.scalar(stmt) or 0)

    async def web_form(self, form_key: str) -> Mapping[str, Any] | None:
        row = (await self.conn.execute(select(FORM).where(FORM.c.form_key == form_key))).first()
        return dict(row._mapping) if row is not None else None
