"""Opaque global IDs: `base64("Type:pk")`, so clients never build or parse them.

Plain Python, so every layer names records the same way: the GraphQL layer (`schema.ids`), the
application's readers and the use cases (an event's `data.id`, CONTRACT §8).
"""

from __future__ import annotations

import base64
import binascii

from domain.errors import BadInput


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


encode_id = global_id


def decode_id(value: str, field: str = "id") -> tuple[str, int]:
    """Split a global ID; anything that is not one of ours is BAD_USER_INPUT, never a 500."""
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        pk = int(raw_pk)
        if not type_name.isidentifier() or not 0 < pk < 2**63 or raw_pk != str(pk):
            raise ValueError
    except (ValueError, binascii.Error, UnicodeError):
        raise BadInput(f"`{field}` is not a valid Prism ID", field) from None
    return type_name, pk


def decode_id_of(value: str, type_name: str, field: str) -> int:
    """Decode an ID that must name a `type_name` (an `ownerId` must be a User's ID)."""
    found_type, pk = decode_id(value, field)
    if found_type != type_name:
        raise BadInput(f"`{field}` must be the ID of a {type_name}", field)
    return pk
