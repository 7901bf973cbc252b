"""Nurture sequences (issue 11): the types, the root list `nurtureSequences`, the admins'
mutations, and the enrolments a lead shows (`Lead.nurtureEnrollments`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain import nurture
from domain.nurture import NurtureAction, NurtureEnrollmentStatus, NurtureStepStatus
from persistence.errors import BadInput
from schema import lists
from schema.common_args import After, Before, First, Last
from schema.connection import Connection
from schema.enums import Channel, InteractionKind, TaskKind
from schema.errors import UserError
from schema.generated import NurtureSequenceFilter, NurtureSequenceOrder, computed, entity_type
from schema.ids import decode_id_of
from schema.node import Node
from schema.use_cases import run

if TYPE_CHECKING:
    from schema.engagement import Task

ENGAGEMENT = "schema.engagement"
ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")

strawberry.enum(NurtureAction, description="What a nurture step does when it is due.")
strawberry.enum(NurtureStepStatus, description="A step of an enrolment: waiting, fired, skipped.")
strawberry.enum(
    NurtureEnrollmentStatus,
    description="ACTIVE: steps to come; COMPLETED: every step fired; ENDED: stopped early "
    "(the lead was converted or disqualified, or the sequence was switched off).",
)


@strawberry.type(description="What enrols a lead: an interaction of this kind (and channel).")
class NurtureTrigger:
    kind: InteractionKind = strawberry.field(description="The interaction kind that enrols.")
    channel: Channel | None = strawberry.field(description="Only on this channel; null = any.")


@strawberry.type(description="One step of a nurture sequence.")
class NurtureStep:
    after_business_days: int = strawberry.field(
        description="Business days after the trigger (on the business calendar) it is due."
    )
    action: NurtureAction = strawberry.field(description="What the step does.")
    task_kind: TaskKind | None = strawberry.field(description="The kind of task it creates.")
    title: str | None = strawberry.field(description="The task's subject, or the event's title.")


def _step(raw: Mapping[str, Any]) -> NurtureStep:
    return NurtureStep(
        after_business_days=int(raw["afterBusinessDays"]),
        action=NurtureAction(raw["action"]),
        task_kind=TaskKind(raw["taskKind"]) if raw.get("taskKind") else None,
        title=raw.get("title"),
    )


@entity_type("NurtureSequence")
class NurtureSequence(Node):
    @computed("NurtureSequence")
    def trigger(self) -> NurtureTrigger:
        channel = Channel(self.trigger_channel) if self.trigger_channel else None
        return NurtureTrigger(kind=InteractionKind(self.trigger_kind), channel=channel)

    @strawberry.field(name="steps", description="The steps, in order.")
    def step_list(self) -> list[NurtureStep]:
        return [_step(s) for s in self.steps]


@strawberry.type(description="Where one step of an enrolment stands.")
class NurtureStepProgress(NurtureStep):
    position: int = strawberry.field(description="The step's place in the sequence, from 0.")
    due_at: datetime = strawberry.field(description="When the step is (or was) due.")
    status: NurtureStepStatus = strawberry.field(description="PENDING, DONE or SKIPPED.")
    fired_at: datetime | None = strawberry.field(description="When the step fired.")
    task_id: strawberry.Private[int | None]

    @strawberry.field(description="The task the step created, if you can see it.")
    async def task(self, info: Info) -> Annotated[Task, strawberry.lazy(ENGAGEMENT)] | None:
        return await lists.node(info, "Task", self.task_id)


@entity_type("NurtureEnrollment")
class NurtureEnrollment(Node):
    @computed("NurtureEnrollment")
    def steps(self) -> list[NurtureStepProgress]:
        return [
            NurtureStepProgress(
                **vars(_step(raw)),
                position=int(raw["position"]),
                due_at=datetime.fromisoformat(raw["dueAt"]),
                status=NurtureStepStatus(raw["status"]),
                fired_at=datetime.fromisoformat(raw["firedAt"]) if raw.get("firedAt") else None,
                task_id=raw.get("taskId"),
            )
            for raw in self.progress
        ]


@strawberry.input(description="What enrols a lead.")
class NurtureTriggerInput:
    kind: InteractionKind
    channel: Channel | None = strawberry.field(default=None, description="Null = any channel.")


@strawberry.input(description="One step: a task for the lead's assignee, or an event.")
class NurtureStepInput:
    after_business_days: int
    action: NurtureAction
    task_kind: TaskKind | None = strawberry.field(
        default=None, description="FOLLOW_UP (default) or CARE; CREATE_TASK only."
    )
    title: str | None = strawberry.field(
        default=None, description="The task's subject (required for CREATE_TASK)."
    )


@strawberry.input(description="A new nurture sequence.")
class CreateNurtureSequenceInput:
    name: str
    trigger: NurtureTriggerInput
    steps: list[NurtureStepInput]
    active: bool | None = None


@strawberry.input(description="Change a nurture sequence; absent fields stay as they are.")
class UpdateNurtureSequenceInput:
    nurture_sequence_id: strawberry.ID
    expected_version: int | None = None
    name: str | None = None
    active: bool | None = None
    trigger: NurtureTriggerInput | None = None
    steps: list[NurtureStepInput] | None = strawberry.field(
        default=None, description="All the steps; leads already enrolled keep theirs."
    )


@strawberry.type(description="Result of createNurtureSequence and updateNurtureSequence.")
class NurtureSequencePayload:
    nurture_sequence: NurtureSequence | None
    user_errors: list[UserError] = ERRORS


@strawberry.type
class NurtureQuery:
    @strawberry.field(description="Nurture sequences (admins manage them; managers read).")
    async def nurture_sequences(
        self,
        info: Info,
        filter: NurtureSequenceFilter | None = None,
        order_by: NurtureSequenceOrder | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[NurtureSequence]:
        return await lists.root(
            info, "NurtureSequence", filter, order_by, first, after, last, before
        )


@strawberry.type
class NurtureMutation:
    @strawberry.mutation(description="Add a nurture sequence (admins).")
    async def create_nurture_sequence(
        self, info: Info, input: CreateNurtureSequenceInput
    ) -> NurtureSequencePayload:
        pk, errors = await run(info, input, nurture.create_sequence)
        sequence = await lists.node(info, "NurtureSequence", pk)
        return NurtureSequencePayload(nurture_sequence=sequence, user_errors=errors)

    @strawberry.mutation(description="Change a nurture sequence (admins).")
    async def update_nurture_sequence(
        self, info: Info, input: UpdateNurtureSequenceInput
    ) -> NurtureSequencePayload:
        pk, errors = await run(info, input, nurture.update_sequence)
        target = pk if pk is not None else _decoded(input.nurture_sequence_id)
        sequence = await lists.node(info, "NurtureSequence", target)
        return NurtureSequencePayload(nurture_sequence=sequence, user_errors=errors)


def _decoded(global_id: str) -> int | None:
    try:
        return decode_id_of(global_id, "NurtureSequence", "nurtureSequenceId")
    except BadInput:
        return None
