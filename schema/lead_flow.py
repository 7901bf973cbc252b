"""Partner offers of leads and deal registration decisions (CONTRACT §7)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain import deals, leads_flow
from persistence.deal_store import DealStore
from persistence.lead_desk import LeadStore
from schema import lists
from schema.errors import UserError
from schema.ids import decode_id_of
from schema.sales import Lead, Opportunity
from schema.use_cases import run

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="Offer a lead to a partner.")
class DistributeLeadInput:
    lead_id: strawberry.ID
    partner_id: strawberry.ID
    accept_within_minutes: int | None = strawberry.field(
        default=None, description="Business minutes to accept; 2,880 when absent."
    )


@strawberry.input(description="Accept the lead offered to your partner.")
class AcceptLeadInput:
    lead_id: strawberry.ID


@strawberry.input(description="Decline the lead offered to your partner; it returns to the pool.")
class RejectLeadInput:
    lead_id: strawberry.ID
    reason: str


@strawberry.type(description="Result of distributeLead, acceptLead and rejectLead.")
class LeadOfferPayload:
    lead: Lead | None = strawberry.field(description="The lead, if you can still see it.")
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="Approve a partner's PENDING deal registration.")
class ApproveDealInput:
    opportunity_id: strawberry.ID


@strawberry.input(description="Reject a partner's PENDING deal registration.")
class RejectDealInput:
    opportunity_id: strawberry.ID
    reason: str


@strawberry.type(description="Result of approveDeal and rejectDeal.")
class DealDecisionPayload:
    opportunity: Opportunity | None
    user_errors: list[UserError] = ERRORS


def _pk(global_id: str, type_name: str) -> int | None:
    try:
        return decode_id_of(global_id, type_name, "id")
    except ValueError:
        return None


@strawberry.type
class LeadFlowMutation:
    @strawberry.mutation(description="Offer a lead to a partner (managers, admins).")
    async def distribute_lead(self, info: Info, input: DistributeLeadInput) -> LeadOfferPayload:
        pk, errors = await run(info, input, leads_flow.distribute_lead, LeadStore)
        lead = await lists.node(info, "Lead", pk or _pk(input.lead_id, "Lead"))
        return LeadOfferPayload(lead=lead, user_errors=errors)

    @strawberry.mutation(description="Accept a lead offered to your partner.")
    async def accept_lead(self, info: Info, input: AcceptLeadInput) -> LeadOfferPayload:
        pk, errors = await run(info, input, leads_flow.accept_lead, LeadStore)
        lead = await lists.node(info, "Lead", pk or _pk(input.lead_id, "Lead"))
        return LeadOfferPayload(lead=lead, user_errors=errors)

    @strawberry.mutation(description="Decline a lead offered to your partner.")
    async def reject_lead(self, info: Info, input: RejectLeadInput) -> LeadOfferPayload:
        pk, errors = await run(info, input, leads_flow.reject_lead, LeadStore)
        lead = await lists.node(info, "Lead", pk or _pk(input.lead_id, "Lead"))
        return LeadOfferPayload(lead=lead, user_errors=errors)

    @strawberry.mutation(description="Approve a PENDING deal registration (managers, admins).")
    async def approve_deal(self, info: Info, input: ApproveDealInput) -> DealDecisionPayload:
        pk, errors = await run(info, input, deals.approve_deal, DealStore)
        deal = await lists.node(info, "Opportunity", pk or _pk(input.opportunity_id, "Opportunity"))
        return DealDecisionPayload(opportunity=deal, user_errors=errors)

    @strawberry.mutation(description="Reject a PENDING deal registration (managers, admins).")
    async def reject_deal(self, info: Info, input: RejectDealInput) -> DealDecisionPayload:
        pk, errors = await run(info, input, deals.reject_deal, DealStore)
        deal = await lists.node(info, "Opportunity", pk or _pk(input.opportunity_id, "Opportunity"))
        return DealDecisionPayload(opportunity=deal, user_errors=errors)
