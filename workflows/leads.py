"""Lead timers (CONTRACT §7): a first contact missed at its due time, a partner offer not
accepted in time. Each re-reads the lead under a row lock and does nothing when the lead has
moved on (contacted, reassigned since, offer answered), so the row is the truth."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from domain.enums import LeadOfferStatus, LeadStatus
from domain.lead_routing import FIRST_CONTACT_DUE, reassign_missed
from domain.leads_flow import OFFER_EXPIRES, withdrawn
from persistence.lead_desk import ConnDesk

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job

UNCONTACTED = (LeadStatus.NEW, LeadStatus.ASSIGNED)


async def first_contact_due(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    desk = ConnDesk(conn, clock)
    lead = await desk.lead(int(job.payload["lead"]), lock=True)
    if (
        lead is None
        or lead["first_contacted_at"] is not None
        or lead["status"] not in UNCONTACTED
        or lead["first_contact_due_at"] is None
        or lead["first_contact_due_at"] > desk.now()
        or lead["first_contact_due_at"] != datetime.fromisoformat(job.payload["due"])
    ):
        return None
    await reassign_missed(desk, lead)
    return None


async def offer_expires(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    desk = ConnDesk(conn, clock)
    lead = await desk.lead(int(job.payload["lead"]), lock=True)
    if (
        lead is None
        or lead["offer_status"] != LeadOfferStatus.OFFERED
        or lead["partner_id"] != job.payload["partner"]
        or lead["offer_expires_at"] is None
        or lead["offer_expires_at"] > desk.now()
    ):
        return None
    await desk.set_lead(lead["id"], withdrawn(LeadOfferStatus.EXPIRED))
    return None


HANDLERS: dict[str, Handler] = {
    FIRST_CONTACT_DUE: first_contact_due,
    OFFER_EXPIRES: offer_expires,
}
