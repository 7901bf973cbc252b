"""Opaque global IDs: `base64("Type:pk")`, so clients never build or parse them."""

from __future__ import annotations

import base64
import binascii

from persistence.errors import BadInput

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
}


def reference_type(field: str) -> str:
    """The type an ID input field refers to (`owner_id` -> User). An ID field nobody declared is
    a programming error, so it fails loudly instead of going around the checks references get."""
    try:
        return REFERENCES[field]
    except KeyError:
        raise LookupError(f"ID input field {field!r} is not declared in REFERENCES") from None


def encode_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(global_id: str, field: str = "id") -> tuple[str, int]:
    """Split a global ID; anything that is not one of ours is BAD_USER_INPUT, never a 500."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        pk = int(raw_pk)
        if not type_name.isidentifier() or not 0 < pk < 2**63 or raw_pk != str(pk):
            raise ValueError
    except (ValueError, binascii.Error, UnicodeError):
        raise BadInput(f"`{field}` is not a valid Prism ID", field) from None
    return type_name, pk


def decode_id_of(global_id: str, type_name: str, field: str) -> int:
    """Decode an ID that must name a `type_name` (an `ownerId` must be a User's ID)."""
    found_type, pk = decode_id(global_id, field)
    if found_type != type_name:
        raise BadInput(f"`{field}` must be the ID of a {type_name}", field)
    return pk
