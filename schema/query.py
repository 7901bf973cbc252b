"""The query root: `node`/`nodes`, `viewer`, one connection per root list, one field per type."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers.context import context_of
from schema import lists
from schema.admin import AdminQuery
from schema.campaign import CampaignQuery
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.customer import Customer
from schema.engagement import Contact, Interaction, Task
from schema.generated import (
    AssetFilter,
    AssetOrder,
    ContactFilter,
    ContactOrder,
    ContractFilter,
    ContractOrder,
    CustomerFilter,
    CustomerOrder,
    InteractionFilter,
    InteractionOrder,
    LeadFilter,
    LeadOrder,
    OpportunityFilter,
    OpportunityOrder,
    PartnerFilter,
    PartnerOrder,
    ServiceVisitFilter,
    ServiceVisitOrder,
    TaskFilter,
    TaskOrder,
    TicketFilter,
    TicketOrder,
    UserFilter,
    UserOrder,
)
from schema.ids import decode_id, decode_id_of
from schema.lead_routing import LeadRoutingQuery
from schema.lead_scoring import LeadScoringQuery
from schema.metrics import MetricsQuery
from schema.node import Node
from schema.nurture import NurtureQuery
from schema.people import Partner, User, Viewer
from schema.registry import CLASSES
from schema.sales import Lead, Opportunity
from schema.service import Asset, Contract, ServiceVisit, Ticket
from schema.service_flow import ServiceFlowQuery
from schema.webhooks import WebhookQuery

IdArg = Annotated[strawberry.ID, strawberry.argument(description="The object's global ID.")]
MAX_NODES = 100


async def _node(info: Info, global_id: str) -> Any:
    type_name, pk = decode_id(global_id)
    if type_name not in CLASSES:
        return None
    return await lists.node(info, type_name, pk)


async def _one(info: Info, type_name: str, global_id: str) -> Any:
    return await lists.node(info, type_name, decode_id_of(global_id, type_name, "id"))


@strawberry.type(description="Everything you can read, each list cut to your slice.")
class Query(
    ServiceFlowQuery,
    WebhookQuery,
    LeadRoutingQuery,
    LeadScoringQuery,
    CampaignQuery,
    NurtureQuery,
    MetricsQuery,
    AdminQuery,
):
    @strawberry.field(description="Fetch any object by its global ID; null if not visible.")
    async def node(self, info: Info, id: IdArg) -> Node | None:
        return await _node(info, id)

    @strawberry.field(
        description="Fetch up to 100 objects by ID, in order; null where not visible."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            from persistence.errors import BadInput

            raise BadInput(f"`ids` may hold at most {MAX_NODES} IDs", "ids")
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))

    @strawberry.field(description="The signed-in user and their role.")
    async def viewer(self, info: Info) -> Viewer:
        ctx = context_of(info)
        user = await lists.node(info, "User", ctx.viewer.user_id)
        return Viewer(role=ctx.viewer.role, user=user)

    @strawberry.field(description="A customer by ID, the 360° view; null if not visible.")
    async def customer(self, info: Info, id: IdArg) -> Customer | None:
        return await _one(info, "Customer", id)

    @strawberry.field(description="A contact by ID.")
    async def contact(self, info: Info, id: IdArg) -> Contact | None:
        return await _one(info, "Contact", id)

    @strawberry.field(description="A lead by ID.")
    async def lead(self, info: Info, id: IdArg) -> Lead | None:
        return await _one(info, "Lead", id)

    @strawberry.field(description="An opportunity by ID.")
    async def opportunity(self, info: Info, id: IdArg) -> Opportunity | None:
        return await _one(info, "Opportunity", id)

    @strawberry.field(description="A ticket by ID.")
    async def ticket(self, info: Info, id: IdArg) -> Ticket | None:
        return await _one(info, "Ticket", id)

    @strawberry.field(description="A service visit by ID.")
    async def service_visit(self, info: Info, id: IdArg) -> ServiceVisit | None:
        return await _one(info, "ServiceVisit", id)

    @strawberry.field(description="An asset by ID.")
    async def asset(self, info: Info, id: IdArg) -> Asset | None:
        return await _one(info, "Asset", id)

    @strawberry.field(description="A contract by ID.")
    async def contract(self, info: Info, id: IdArg) -> Contract | None:
        return await _one(info, "Contract", id)

    @strawberry.field(description="An interaction by ID.")
    async def interaction(self, info: Info, id: IdArg) -> Interaction | None:
        return await _one(info, "Interaction", id)

    @strawberry.field(description="A partner by ID.")
    async def partner(self, info: Info, id: IdArg) -> Partner | None:
        return await _one(info, "Partner", id)

    @strawberry.field(description="A user by ID.")
    async def user(self, info: Info, id: IdArg) -> User | None:
        return await _one(info, "User", id)

    @strawberry.field(description="A task by ID.")
    async def task(self, info: Info, id: IdArg) -> Task | None:
        return await _one(info, "Task", id)

    @strawberry.field(description="Customers you can see.")
    async def customers(
        self,
        info: Info,
        filter: CustomerFilter | None = None,
        order_by: CustomerOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer]:
        return await lists.root(info, "Customer", filter, order_by, first, after, last, before)

    @strawberry.field(description="Contacts you can see.")
    async def contacts(
        self,
        info: Info,
        filter: ContactFilter | None = None,
        order_by: ContactOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Contact]:
        return await lists.root(info, "Contact", filter, order_by, first, after, last, before)

    @strawberry.field(description="Leads you can see.")
    async def leads(
        self,
        info: Info,
        filter: LeadFilter | None = None,
        order_by: LeadOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Lead]:
        return await lists.root(info, "Lead", filter, order_by, first, after, last, before)

    @strawberry.field(description="Opportunities you can see.")
    async def opportunities(
        self,
        info: Info,
        filter: OpportunityFilter | None = None,
        order_by: OpportunityOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Opportunity]:
        return await lists.root(info, "Opportunity", filter, order_by, first, after, last, before)

    @strawberry.field(description="Tickets you can see.")
    async def tickets(
        self,
        info: Info,
        filter: TicketFilter | None = None,
        order_by: TicketOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Ticket]:
        return await lists.root(info, "Ticket", filter, order_by, first, after, last, before)

    @strawberry.field(description="Service visits you can see.")
    async def service_visits(
        self,
        info: Info,
        filter: ServiceVisitFilter | None = None,
        order_by: ServiceVisitOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ServiceVisit]:
        return await lists.root(info, "ServiceVisit", filter, order_by, first, after, last, before)

    @strawberry.field(description="Assets you can see.")
    async def assets(
        self,
        info: Info,
        filter: AssetFilter | None = None,
        order_by: AssetOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Asset]:
        return await lists.root(info, "Asset", filter, order_by, first, after, last, before)

    @strawberry.field(description="Contracts you can see.")
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        order_by: ContractOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Contract]:
        return await lists.root(info, "Contract", filter, order_by, first, after, last, before)

    @strawberry.field(description="Interactions you can see.")
    async def interactions(
        self,
        info: Info,
        filter: InteractionFilter | None = None,
        order_by: InteractionOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Interaction]:
        return await lists.root(info, "Interaction", filter, order_by, first, after, last, before)

    @strawberry.field(description="Partners you can see.")
    async def partners(
        self,
        info: Info,
        filter: PartnerFilter | None = None,
        order_by: PartnerOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Partner]:
        return await lists.root(info, "Partner", filter, order_by, first, after, last, before)

    @strawberry.field(description="Users you can see.")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        order_by: UserOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        return await lists.root(info, "User", filter, order_by, first, after, last, before)

    @strawberry.field(description="Tasks you can see.")
    async def tasks(
        self,
        info: Info,
        filter: TaskFilter | None = None,
        order_by: TaskOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Task]:
        return await lists.root(info, "Task", filter, order_by, first, after, last, before)
