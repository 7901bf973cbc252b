"""The write store of deal registration: one partner's open registration per customer."""

from __future__ import annotations

from sqlalchemy import exists, func, select

from domain.enums import RegistrationStatus
from persistence import models as m
from persistence.writes import SqlStore

DEAL = m.Opportunity.__table__
HELD = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


class DealStore(SqlStore):
    async def competing_registration(self, customer_id: int, partner_id: int) -> bool:
        """Read across every partner (the conflict is the contract's answer, CONTRACT §7), under
        a transaction lock per customer so two registrations arriving together see each other."""
        await self.conn.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"deal-registration:{customer_id}")))
        )
        stmt = select(
            exists().where(
                DEAL.c.customer_id == customer_id,
                DEAL.c.registration_status.in_(HELD),
                DEAL.c.partner_id.is_not(None),
                DEAL.c.partner_id != partner_id,
            )
        )
        return bool(await self.conn.scalar(stmt))
