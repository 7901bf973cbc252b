"""Opaque global IDs in the GraphQL layer: which input fields hold one, and the codec itself
(plain Python, in `domain.global_ids`, so the application layer decodes without this layer)."""

from __future__ import annotations

from domain.global_ids import decode_id, decode_id_of, encode_id

__all__ = ["REFERENCES", "decode_id", "decode_id_of", "encode_id", "reference_type"]

#: Input and filter fields that hold IDs, and the type each must name (`ownerId` is a User's).
REFERENCES = {
    "customer_id": "Customer",
    "owner_id": "User",
    "partner_id": "Partner",
    "manager_id": "User",
    "assignee_id": "User",
    "technician_id": "User",
    "contact_id": "Contact",
    "asset_id": "Asset",
    "lead_id": "Lead",
    "ticket_id": "Ticket",
    "opportunity_id": "Opportunity",
    "task_id": "Task",
    "webhook_endpoint_id": "WebhookEndpoint",
    "assignment_rule_id": "AssignmentRule",  # issue 11
    "campaign_id": "Campaign",
    "nurture_sequence_id": "NurtureSequence",
    "scoring_rule_id": "ScoringRule",  # issue 11, lead scoring
}


def reference_type(field: str) -> str:
    """The type an ID input field refers to (`owner_id` -> User). An ID field nobody declared is
    a programming error, so it fails loudly instead of going around the checks references get."""
    try:
        return REFERENCES[field]
    except KeyError:
        raise LookupError(f"ID input field {field!r} is not declared in REFERENCES") from None
