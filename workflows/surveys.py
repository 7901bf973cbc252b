"""Survey requests (CONTRACT §7): a single-use token per request, announced as an event.

The job `survey.request` carries `{"ticketId": pk}` (a CSAT survey of a resolved ticket,
enqueued by the ticket flow) or `{"customerId": pk, "kind": "NPS"}` (`requestSurvey`). It makes
the token, keeps only its hash, and emits `survey.requested` whose `data.token` is the only copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.enums import SurveyKind
from domain.global_ids import global_id
from domain.surveys import REQUEST_JOB, TOKEN_TTL, new_token
from persistence import outbox, surveys

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from domain.clock import Clock
    from persistence.jobs import Handler, Job


async def request(conn: AsyncConnection, job: Job, clock: Clock) -> datetime | None:
    now = clock.now()
    ticket_id = job.payload.get("ticketId")
    if ticket_id is not None:
        kind = SurveyKind.CSAT
        customer_id = await surveys.ticket_customer(conn, int(ticket_id))
    else:
        kind = SurveyKind(job.payload.get("kind", SurveyKind.NPS))
        customer_id = int(job.payload["customerId"])
        if not await surveys.customer_exists(conn, customer_id):
            customer_id = None
    if customer_id is None:
        return None  # the record went away before its survey: nothing to ask
    token, token_hash = new_token()
    expires_at = now + TOKEN_TTL
    await surveys.create_token(
        conn,
        token_hash=token_hash,
        kind=kind,
        customer_id=customer_id,
        ticket_id=int(ticket_id) if ticket_id is not None else None,
        expires_at=expires_at,
        created_at=now,
    )
    data: dict[str, Any] = {
        "id": global_id("Customer", customer_id),
        "kind": kind.value,
        "token": token,
        "customerId": global_id("Customer", customer_id),
        "expiresAt": expires_at.isoformat(),
    }
    if ticket_id is not None:
        data["ticketId"] = global_id("Ticket", int(ticket_id))
        data["id"] = data["ticketId"]
    await outbox.emit(conn, "survey.requested", data, now)
    return None


HANDLERS: dict[str, Handler] = {REQUEST_JOB: request}
