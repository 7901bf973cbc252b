"""The Relay `Node` interface every entity implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global ID; pass it to `node(id:)`.")
    db_id: strawberry.Private[int]

    if TYPE_CHECKING:
        # An entity's column fields are added from the catalogue when its class is made
        # (`schema.generated.entity_type`), where a type checker cannot see them.
        def __getattr__(self, name: str) -> Any: ...
