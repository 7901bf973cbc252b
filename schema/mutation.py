"""The mutation root: one `input`, a payload with the changed object and `userErrors`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import accounts, customers, deals, leads_flow, sales, service
from persistence.deal_store import DealStore
from persistence.lead_desk import LeadStore
from persistence.service_store import ServiceStore
from resolvers import lists
from resolvers.mutations import run
from schema.admin import AdminMutation
from schema.campaign import CampaignMutation
from schema.customer import Customer
from schema.engagement import Contact, Interaction
from schema.enums import (
    Channel,
    CustomerStatus,
    CustomerTier,
    Direction,
    InteractionKind,
    LeadSource,
    LifecycleStage,
    OpportunityStage,
    PartnerKind,
    PartnerStatus,
    PartnerTier,
    Region,
    Role,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from schema.errors import UserError
from schema.ids import decode_id_of
from schema.lead_flow import LeadFlowMutation
from schema.lead_routing import LeadRoutingMutation
from schema.nurture import NurtureMutation
from schema.people import Partner, User
from schema.sales import Lead, Opportunity
from schema.service import ServiceVisit, Ticket
from schema.service_flow import ServiceFlowMutation
from schema.surveys import SurveyMutation
from schema.webhooks import WebhookMutation

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="A new channel partner company.")
class CreatePartnerInput:
    name: str
    kind: PartnerKind
    tier: PartnerTier
    region: Region
    status: PartnerStatus | None = None
    commission_rate: Decimal | None = None


@strawberry.type(description="Result of createPartner.")
class CreatePartnerPayload:
    partner: Partner | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A new user; `externalId` is the identity provider's `sub`.")
class CreateUserInput:
    external_id: str
    display_name: str
    role: Role
    partner_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    region: Region | None = None
    email: str | None = None


@strawberry.type(description="Result of createUser.")
class CreateUserPayload:
    user: User | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A new customer account.")
class CreateCustomerInput:
    name: str
    region: Region
    tax_id: str | None = strawberry.field(default=None, description="USCC, 18 characters.")
    industry: str | None = None
    tier: CustomerTier | None = None
    lifecycle_stage: LifecycleStage | None = None
    status: CustomerStatus | None = None
    phone: str | None = None
    address: str | None = None
    owner_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    credit_limit: Decimal | None = None
    internal_notes: str | None = None


@strawberry.input(description="Changes to a customer; omitted fields stay as they are.")
class UpdateCustomerInput:
    customer_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="The `version` you read; a stale one gets CONFLICT."
    )
    name: str | None = None
    tax_id: str | None = None
    industry: str | None = None
    region: Region | None = None
    tier: CustomerTier | None = None
    lifecycle_stage: LifecycleStage | None = None
    status: CustomerStatus | None = None
    phone: str | None = None
    address: str | None = None
    owner_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    credit_limit: Decimal | None = None
    internal_notes: str | None = None


@strawberry.type(description="Result of createCustomer or updateCustomer.")
class CustomerPayload:
    customer: Customer | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A new person at a customer.")
class CreateContactInput:
    customer_id: strawberry.ID
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary: bool | None = None
    wecom_user_id: str | None = None
    dingtalk_user_id: str | None = None


@strawberry.type(description="Result of createContact.")
class CreateContactPayload:
    contact: Contact | None
    user_errors: list[UserError] = ERRORS


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


@strawberry.input(description="A new service request.")
class CreateTicketInput:
    customer_id: strawberry.ID
    subject: str
    kind: TicketKind
    description: str | None = None
    priority: TicketPriority | None = None
    channel: Channel | None = None
    contact_id: strawberry.ID | None = None
    asset_id: strawberry.ID | None = None


@strawberry.input(description="Give a ticket to a technician or service agent.")
class AssignTicketInput:
    ticket_id: strawberry.ID
    assignee_id: strawberry.ID


@strawberry.input(description="Move a ticket along 受理→分析→处理→回访.")
class UpdateTicketStatusInput:
    ticket_id: strawberry.ID
    status: TicketStatus
    expected_version: int | None = None


@strawberry.type(description="Result of a ticket mutation.")
class TicketPayload:
    ticket: Ticket | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A technician's visit for a ticket.")
class RecordServiceVisitInput:
    ticket_id: strawberry.ID
    scheduled_start: datetime
    scheduled_end: datetime
    technician_id: strawberry.ID | None = None
    check_in_at: datetime | None = None
    check_out_at: datetime | None = None
    parts_used: JSON | None = None
    notes: str | None = None
    customer_rating: int | None = None
    upsell_note: str | None = strawberry.field(
        default=None, description="A sales opportunity seen on site: becomes a lead (SERVICE)."
    )


@strawberry.type(description="Result of recordServiceVisit.")
class RecordServiceVisitPayload:
    service_visit: ServiceVisit | None
    user_errors: list[UserError] = ERRORS


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


def _target(pk: int | None, global_id: str, type_name: str) -> int | None:
    """The record an update acted on, so a refused update still shows its current state (to a
    viewer who can read it: the payload reads through the viewer's slice like any query)."""
    if pk is not None:
        return pk
    try:
        return decode_id_of(global_id, type_name, "id")
    except ValueError:
        return None


@strawberry.type(description="Every change goes through here; each runs all or nothing.")
class Mutation(
    ServiceFlowMutation,
    WebhookMutation,
    SurveyMutation,
    LeadRoutingMutation,
    LeadFlowMutation,
    CampaignMutation,
    NurtureMutation,
    AdminMutation,
):
    @strawberry.mutation(description="Create a channel partner (admins).")
    async def create_partner(self, info: Info, input: CreatePartnerInput) -> CreatePartnerPayload:
        pk, errors = await run(info, input, accounts.create_partner)
        return CreatePartnerPayload(
            partner=await lists.node(info, "Partner", pk), user_errors=errors
        )

    @strawberry.mutation(description="Create a user who can sign in (admins).")
    async def create_user(self, info: Info, input: CreateUserInput) -> CreateUserPayload:
        pk, errors = await run(info, input, accounts.create_user)
        return CreateUserPayload(user=await lists.node(info, "User", pk), user_errors=errors)

    @strawberry.mutation(description="Create a customer account.")
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> CustomerPayload:
        pk, errors = await run(info, input, customers.create_customer)
        return CustomerPayload(customer=await lists.node(info, "Customer", pk), user_errors=errors)

    @strawberry.mutation(description="Change a customer; pass `expectedVersion`.")
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> CustomerPayload:
        pk, errors = await run(info, input, customers.update_customer)
        pk = _target(pk, input.customer_id, "Customer")
        return CustomerPayload(customer=await lists.node(info, "Customer", pk), user_errors=errors)

    @strawberry.mutation(description="Add a person at a customer.")
    async def create_contact(self, info: Info, input: CreateContactInput) -> CreateContactPayload:
        pk, errors = await run(info, input, customers.create_contact)
        return CreateContactPayload(
            contact=await lists.node(info, "Contact", pk), user_errors=errors
        )

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

    @strawberry.mutation(description="Open a service ticket; SLA targets follow its priority.")
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> TicketPayload:
        pk, errors = await run(info, input, service.create_ticket, ServiceStore)
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Assign a ticket; a NEW ticket becomes ACCEPTED (受理).")
    async def assign_ticket(self, info: Info, input: AssignTicketInput) -> TicketPayload:
        pk, errors = await run(info, input, service.assign_ticket)
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Move a ticket to its next status; pass `expectedVersion`.")
    async def update_ticket_status(
        self, info: Info, input: UpdateTicketStatusInput
    ) -> TicketPayload:
        pk, errors = await run(info, input, service.update_ticket_status)
        pk = _target(pk, input.ticket_id, "Ticket")
        return TicketPayload(ticket=await lists.node(info, "Ticket", pk), user_errors=errors)

    @strawberry.mutation(description="Record a technician's visit for a ticket.")
    async def record_service_visit(
        self, info: Info, input: RecordServiceVisitInput
    ) -> RecordServiceVisitPayload:
        pk, errors = await run(info, input, service.record_service_visit, ServiceStore)
        return RecordServiceVisitPayload(
            service_visit=await lists.node(info, "ServiceVisit", pk), user_errors=errors
        )

    @strawberry.mutation(description="Log a touchpoint onto the customer's timeline.")
    async def log_interaction(
        self, info: Info, input: LogInteractionInput
    ) -> LogInteractionPayload:
        pk, errors = await run(info, input, leads_flow.log_interaction, LeadStore)
        return LogInteractionPayload(
            interaction=await lists.node(info, "Interaction", pk), user_errors=errors
        )
