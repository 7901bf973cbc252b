"""The sales pipeline: inbound leads, their conversion, and deals (opportunities)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain import deals, leads_flow, sales
from persistence.deal_store import DealStore
from persistence.lead_desk import LeadStore
from schema import lists
from schema.customer import Customer
from schema.enums import LeadSource, OpportunityStage, Region
from schema.errors import UserError
from schema.sales import Lead, Opportunity
from schema.use_cases import run

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="A new inbound lead.")
class CreateLeadInput:
    company_name: str
    source: LeadSource
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    region: Region | None = None
    industry: str | None = None
    score: int | None = None
    assignee_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None, description="The marketing campaign that brought the lead."
    )


@strawberry.type(description="Result of createLead.")
class CreateLeadPayload:
    lead: Lead | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="Convert a lead into a customer with its primary contact.")
class ConvertLeadInput:
    lead_id: strawberry.ID
    owner_id: strawberry.ID | None = None


@strawberry.type(description="Result of convertLead: the lead and the customer it became.")
class ConvertLeadPayload:
    lead: Lead | None
    customer: Customer | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A new deal with a customer.")
class CreateOpportunityInput:
    customer_id: strawberry.ID
    name: str
    amount: Decimal
    currency: str | None = None
    stage: OpportunityStage | None = None
    probability: int | None = None
    expected_close_date: date | None = None
    owner_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    margin_percent: Decimal | None = None


@strawberry.input(description="Changes to a deal; omitted fields stay as they are.")
class UpdateOpportunityInput:
    opportunity_id: strawberry.ID
    expected_version: int | None = None
    name: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    stage: OpportunityStage | None = None
    probability: int | None = None
    expected_close_date: date | None = None
    owner_id: strawberry.ID | None = None
    margin_percent: Decimal | None = None


@strawberry.input(description="A partner registers a deal for one of its customers.")
class RegisterDealInput:
    customer_id: strawberry.ID
    name: str
    amount: Decimal
    currency: str | None = None
    expected_close_date: date | None = None


@strawberry.type(description="Result of a deal mutation.")
class OpportunityPayload:
    opportunity: Opportunity | None
    user_errors: list[UserError] = ERRORS


@strawberry.type
class SalesMutation:
    @strawberry.mutation(description="Record an inbound lead.")
    async def create_lead(self, info: Info, input: CreateLeadInput) -> CreateLeadPayload:
        pk, errors = await run(info, input, leads_flow.create_lead, LeadStore)
        return CreateLeadPayload(lead=await lists.node(info, "Lead", pk), user_errors=errors)

    @strawberry.mutation(description="Convert a lead into a customer.")
    async def convert_lead(self, info: Info, input: ConvertLeadInput) -> ConvertLeadPayload:
        ids, errors = await run(info, input, sales.convert_lead)
        lead_id, customer_id = ids if ids else (None, None)
        return ConvertLeadPayload(
            lead=await lists.node(info, "Lead", lead_id),
            customer=await lists.node(info, "Customer", customer_id),
            user_errors=errors,
        )

    @strawberry.mutation(description="Open a deal with a customer.")
    async def create_opportunity(
        self, info: Info, input: CreateOpportunityInput
    ) -> OpportunityPayload:
        pk, errors = await run(info, input, sales.create_opportunity)
        return OpportunityPayload(
            opportunity=await lists.node(info, "Opportunity", pk), user_errors=errors
        )

    @strawberry.mutation(description="Change a deal; pass `expectedVersion`.")
    async def update_opportunity(
        self, info: Info, input: UpdateOpportunityInput
    ) -> OpportunityPayload:
        pk, errors = await run(info, input, sales.update_opportunity)
        return OpportunityPayload(
            opportunity=await lists.node(info, "Opportunity", pk), user_errors=errors
        )

    @strawberry.mutation(description="Register a deal as a partner; it waits for approval.")
    async def register_deal(self, info: Info, input: RegisterDealInput) -> OpportunityPayload:
        pk, errors = await run(info, input, deals.register_deal, DealStore)
        return OpportunityPayload(
            opportunity=await lists.node(info, "Opportunity", pk), user_errors=errors
        )
