"""Users who sign in and the channel partner companies some of them belong to."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import lists
from schema.enums import Role
from schema.generated import entity_type
from schema.node import Node


@entity_type("Partner")
class Partner(Node):
    """Its fields are all columns: see `catalogue`."""


@entity_type("User")
class User(Node):
    @strawberry.field(description="The partner company this user works for, if any.")
    async def partner(self, info: Info) -> Partner | None:
        return await lists.node(info, "Partner", self.partner_id)

    @strawberry.field(description="This user's manager; a manager's team is their reports.")
    async def manager(self, info: Info) -> User | None:
        return await lists.node(info, "User", self.manager_id)


@strawberry.type(description="The signed-in user and the role that decides their slice.")
class Viewer:
    role: Role = strawberry.field(description="The viewer's role.")
    user: User = strawberry.field(description="The viewer's user record.")
