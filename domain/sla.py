"""SLA targets and what a ticket's use cases need beyond the plain store: business time.

A ticket's due times come from the SLA policy of its priority, counted in business minutes on
the policy's calendar (domain/calendar.py), so a use case asks its store for both; timers named
here are the durable jobs the workflows run (workflows/tickets.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from domain.enums import TicketPriority, TicketStatus
from domain.ports import Store

#: Job kinds (persistence.jobs) of the ticket and contract processes.
ESCALATE = "ticket.escalate"
SURVEY_REQUEST = "survey.request"  # handled by the survey process (brief H10b)
RESPONSE, RESOLUTION = "RESPONSE", "RESOLUTION"
#: Statuses in which a ticket still waits for its resolution.
UNRESOLVED = frozenset(
    {TicketStatus.NEW, TicketStatus.ACCEPTED, TicketStatus.ANALYZING, TicketStatus.IN_PROGRESS}
)
CALENDARS = ("BUSINESS", "ALWAYS")
#: Shipped targets per priority (first response, resolution) in business minutes: the seed of
#: `sla_policy`, and what a priority without a stored policy gets.
DEFAULT_TARGETS: dict[TicketPriority, tuple[int, int]] = {
    TicketPriority.URGENT: (60, 480),
    TicketPriority.HIGH: (240, 1440),
    TicketPriority.NORMAL: (480, 4320),
    TicketPriority.LOW: (1440, 7200),
}


@dataclass(frozen=True)
class SlaTargets:
    priority: TicketPriority
    first_response_minutes: int
    resolution_minutes: int
    calendar: str
    version: int = 1


class SlaStore(Store, Protocol):
    """A store that also knows the SLA policies and the business calendars."""

    async def sla_policy(self, priority: TicketPriority) -> SlaTargets: ...

    async def business_due(self, calendar: str, start: datetime, minutes: int) -> datetime: ...

    async def customer_of(self, customer_id: int) -> Mapping[str, Any]:
        """The customer a referenced record hangs under (its owner gets the work)."""
        ...


def escalation_key(ticket_id: int, target: str) -> str:
    return f"{ESCALATE}:{ticket_id}:{target}"


def survey_key(ticket_id: int, resolved_at: datetime) -> str:
    return f"{SURVEY_REQUEST}:ticket:{ticket_id}:{resolved_at.astimezone(UTC).isoformat()}"
