"""Users who sign in and the channel partner companies some of them belong to."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from schema import lists
from schema.connection import OrderDirection
from schema.enums import PartnerKind, PartnerStatus, PartnerTier, Region, Role
from schema.node import Node
from schema.registry import entity


@entity("Partner")
@strawberry.type(description="A channel partner company: dealer, reseller or service partner.")
class Partner(Node):
    name: str = strawberry.field(description="Company name.")
    kind: PartnerKind = strawberry.field(description="What the partner does for us.")
    tier: PartnerTier = strawberry.field(description="Programme level.")
    region: Region = strawberry.field(description="Home region.")
    status: PartnerStatus = strawberry.field(description="Whether the partnership is active.")
    commission_rate: Decimal = strawberry.field(description="Commission in percent.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")


@entity("User")
@strawberry.type(description="A person who signs in; their role decides their slice.")
class User(Node):
    external_id: str = strawberry.field(description="The identity provider's `sub` for this user.")
    display_name: str = strawberry.field(description="Name shown in the apps.")
    role: Role = strawberry.field(description="Exactly one role per user.")
    region: Region | None = strawberry.field(description="Home region, if any.")
    active: bool = strawberry.field(description="Inactive users cannot sign in.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")
    partner_id: strawberry.Private[int | None]
    manager_id: strawberry.Private[int | None]

    @strawberry.field(description="The partner company this user works for, if any.")
    async def partner(self, info: Info) -> Partner | None:
        return await lists.node(info, "Partner", self.partner_id)

    @strawberry.field(description="This user's manager; a manager's team is their reports.")
    async def manager(self, info: Info) -> User | None:
        return await lists.node(info, "User", self.manager_id)


@strawberry.enum(description="Orderings of partners.")
class PartnerOrderField(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort partners by one field.")
class PartnerOrder:
    field: PartnerOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a partner list.")
class PartnerFilter:
    search: str | None = strawberry.field(default=None, description="Substring of the name.")
    kind: list[PartnerKind] | None = None
    tier: list[PartnerTier] | None = None
    region: list[Region] | None = None
    status: list[PartnerStatus] | None = None
    updated_since: datetime | None = None


@strawberry.enum(description="Orderings of users.")
class UserOrderField(Enum):
    DISPLAY_NAME = "DISPLAY_NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    ID = "ID"


@strawberry.input(description="Sort users by one field.")
class UserOrder:
    field: UserOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow a user list.")
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Substring of name or sub.")
    role: list[Role] | None = None
    region: list[Region] | None = None
    partner_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    active: bool | None = None
    updated_since: datetime | None = None


@strawberry.type(description="The signed-in user and the role that decides their slice.")
class Viewer:
    role: Role = strawberry.field(description="The viewer's role.")
    user: User = strawberry.field(description="The viewer's user record.")
