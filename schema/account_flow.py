"""Accounts: channel partners, users who sign in, customers and their contacts."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain import accounts, customers
from schema import lists
from schema.customer import Customer
from schema.engagement import Contact
from schema.enums import (
    CustomerStatus,
    CustomerTier,
    LifecycleStage,
    PartnerKind,
    PartnerStatus,
    PartnerTier,
    Region,
    Role,
)
from schema.errors import UserError
from schema.people import Partner, User
from schema.use_cases import run, target

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


@strawberry.type
class AccountMutation:
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
        pk = target(pk, input.customer_id, "Customer")
        return CustomerPayload(customer=await lists.node(info, "Customer", pk), user_errors=errors)

    @strawberry.mutation(description="Add a person at a customer.")
    async def create_contact(self, info: Info, input: CreateContactInput) -> CreateContactPayload:
        pk, errors = await run(info, input, customers.create_contact)
        return CreateContactPayload(
            contact=await lists.node(info, "Contact", pk), user_errors=errors
        )
