"""The mutation root: one `input`, a payload with the changed object and `userErrors`.

Each area's mutations live with its types (a mixin per area); the root assembles them in the
order the exported SDL lists them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain import leads_flow
from persistence.lead_desk import LeadStore
from schema import lists
from schema.account_flow import AccountMutation
from schema.admin import AdminMutation
from schema.campaign import CampaignMutation
from schema.engagement import Interaction
from schema.enums import Channel, Direction, InteractionKind
from schema.errors import UserError
from schema.lead_flow import LeadFlowMutation
from schema.lead_routing import LeadRoutingMutation
from schema.lead_scoring import LeadScoringMutation
from schema.nurture import NurtureMutation
from schema.sales_flow import SalesMutation
from schema.service_flow import ServiceFlowMutation
from schema.surveys import SurveyMutation
from schema.ticket_flow import TicketMutation
from schema.use_cases import run
from schema.webhooks import WebhookMutation

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="A touchpoint with a customer or lead on any channel.")
class LogInteractionInput:
    channel: Channel
    direction: Direction
    summary: str
    kind: InteractionKind | None = strawberry.field(
        default=None, description="What it was; NOTE when not given."
    )
    customer_id: strawberry.ID | None = None
    contact_id: strawberry.ID | None = None
    lead_id: strawberry.ID | None = None
    occurred_at: datetime | None = None
    is_internal: bool | None = None


@strawberry.type(description="Result of logInteraction.")
class LogInteractionPayload:
    interaction: Interaction | None
    user_errors: list[UserError] = ERRORS


@strawberry.type(description="Every change goes through here; each runs all or nothing.")
class Mutation(
    ServiceFlowMutation,
    WebhookMutation,
    SurveyMutation,
    LeadRoutingMutation,
    LeadFlowMutation,
    LeadScoringMutation,
    CampaignMutation,
    NurtureMutation,
    AdminMutation,
    AccountMutation,
    SalesMutation,
    TicketMutation,
):
    @strawberry.mutation(description="Log a touchpoint onto the customer's timeline.")
    async def log_interaction(
        self, info: Info, input: LogInteractionInput
    ) -> LogInteractionPayload:
        pk, errors = await run(info, input, leads_flow.log_interaction, LeadStore)
        return LogInteractionPayload(
            interaction=await lists.node(info, "Interaction", pk), user_errors=errors
        )
