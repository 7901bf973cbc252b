"""Event types (CONTRACT §8) and the global IDs their thin payloads carry."""

from __future__ import annotations

#: CONTRACT §8, the event types a webhook endpoint can subscribe to.
EVENT_TYPES = frozenset(
    {
        "lead.created",
        "lead.assigned",
        "ticket.created",
        "ticket.status_changed",
        "ticket.escalated",
        "survey.requested",
        "opportunity.stage_changed",
        "deal.registered",
        "deal.decided",
        "task.created",
        "contract.renewal_due",
        # Issue 11: a nurture sequence's event step fired for a lead.
        "lead.nurture_step",
    }
)
