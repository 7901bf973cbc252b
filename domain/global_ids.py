"""Global IDs for event payloads (CONTRACT §8: `data.id` is the record's global id).

The same encoding as the GraphQL layer's (`schema.ids.encode_id`, checked by a test), kept here
so a use case can name a record in an event without importing the GraphQL layer.
"""

from __future__ import annotations

import base64


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
