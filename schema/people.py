"""Users who sign in and the channel partner companies some of them belong to."""

from __future__ import annotations

import strawberry

from schema.enums import Role
from schema.generated import entity_type
from schema.node import Node


@entity_type("Partner")
class Partner(Node):
    """Its fields are all in the catalogue."""


@entity_type("User")
class User(Node):
    """Its fields are all in the catalogue."""


@strawberry.type(description="The signed-in user and the role that decides their slice.")
class Viewer:
    role: Role = strawberry.field(description="The viewer's role.")
    user: User = strawberry.field(description="The viewer's user record.")
