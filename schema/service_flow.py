"""The service processes in GraphQL (CONTRACT §7): SLA policies, the business calendar's days,
closing tasks and creating contracts. Root fields and mutations as mixins of Query/Mutation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain import contracts, service_levels
from domain.sla import SlaTargets
from persistence.service_store import ConfigStore
from resolvers import service_flow
from schema import lists
from schema.engagement import Task
from schema.enums import TicketPriority
from schema.errors import UserError
from schema.lead_enums import CalendarName
from schema.service import Contract
from schema.use_cases import run

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.type(description="The targets of one ticket priority, in minutes of its calendar.")
class SlaPolicy:
    priority: TicketPriority
    first_response_minutes: int
    resolution_minutes: int
    calendar: CalendarName
    version: int = strawberry.field(description="Pass as `expectedVersion` when updating.")

    @classmethod
    def of(cls, targets: SlaTargets) -> SlaPolicy:
        return cls(
            priority=TicketPriority(targets.priority),
            first_response_minutes=targets.first_response_minutes,
            resolution_minutes=targets.resolution_minutes,
            calendar=CalendarName(targets.calendar),
            version=targets.version,
        )


@strawberry.type(description="A day that departs from Monday–Friday: a holiday, a 调休 working "
                 "day, or an admin's decision.")  # fmt: skip
class BusinessDay:
    date: dt.date
    working: bool = strawberry.field(description="Whether business hours run that day.")
    note: str | None
    source: str = strawberry.field(description="HOLIDAYS (seeded) or ADMIN.")


@strawberry.input(description="New targets for one priority; tickets created later use them.")
class UpdateSlaPolicyInput:
    priority: TicketPriority
    first_response_minutes: int
    resolution_minutes: int
    calendar: CalendarName | None = None
    expected_version: int | None = None


@strawberry.type(description="Result of updateSlaPolicy.")
class UpdateSlaPolicyPayload:
    sla_policy: SlaPolicy | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="Decide whether a date is a working day (kept over seeded data).")
class SetBusinessDayInput:
    date: dt.date
    working: bool
    note: str | None = None


@strawberry.type(description="Result of setBusinessDay.")
class SetBusinessDayPayload:
    business_day: BusinessDay | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="Close an open task.")
class CompleteTaskInput:
    task_id: strawberry.ID


@strawberry.type(description="Result of completeTask.")
class CompleteTaskPayload:
    task: Task | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="A customer's contract; renewal and care tasks follow its term.")
class CreateContractInput:
    customer_id: strawberry.ID
    number: str
    starts_on: dt.date
    ends_on: dt.date
    value: Decimal
    currency: str | None = None


@strawberry.type(description="Result of createContract.")
class CreateContractPayload:
    contract: Contract | None
    user_errors: list[UserError] = ERRORS


@strawberry.type
class ServiceFlowQuery:
    @strawberry.field(description="The SLA targets of each ticket priority (admins).")
    async def sla_policies(self, info: Info) -> list[SlaPolicy]:
        return [SlaPolicy.of(t) for t in await service_flow.sla_policies(info)]

    @strawberry.field(
        description="Holidays, 调休 working days and admin decisions between two dates (admins)."
    )
    async def business_days(
        self,
        info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
    ) -> list[BusinessDay]:
        rows = await service_flow.business_days(info, from_, to)
        return [
            BusinessDay(date=r["day"], working=r["working"], note=r["note"], source=r["source"])
            for r in rows
        ]


@strawberry.type
class ServiceFlowMutation:
    @strawberry.mutation(description="Change one priority's SLA targets (admins).")
    async def update_sla_policy(
        self, info: Info, input: UpdateSlaPolicyInput
    ) -> UpdateSlaPolicyPayload:
        targets, errors = await run(info, input, service_levels.update_sla_policy, ConfigStore)
        return UpdateSlaPolicyPayload(
            sla_policy=SlaPolicy.of(targets) if targets else None, user_errors=errors
        )

    @strawberry.mutation(description="Make a date a working day or a day off (admins).")
    async def set_business_day(
        self, info: Info, input: SetBusinessDayInput
    ) -> SetBusinessDayPayload:
        day, errors = await run(info, input, service_levels.set_business_day, ConfigStore)
        found = None
        if day is not None:
            rows = await service_flow.business_days(info, day, day)
            found = [
                BusinessDay(date=r["day"], working=r["working"], note=r["note"], source=r["source"])
                for r in rows
            ][0]
        return SetBusinessDayPayload(business_day=found, user_errors=errors)

    @strawberry.mutation(description="Close a task (its assignee, their managers, admins).")
    async def complete_task(self, info: Info, input: CompleteTaskInput) -> CompleteTaskPayload:
        pk, errors = await run(info, input, service_levels.complete_task)
        return CompleteTaskPayload(task=await lists.node(info, "Task", pk), user_errors=errors)

    @strawberry.mutation(description="Add a contract; its renewal and care marks are scheduled.")
    async def create_contract(
        self, info: Info, input: CreateContractInput
    ) -> CreateContractPayload:
        pk, errors = await run(info, input, contracts.create_contract)
        return CreateContractPayload(
            contract=await lists.node(info, "Contract", pk), user_errors=errors
        )
