"""Surveys (CONTRACT §7): asking a customer for an NPS answer, and answering with a token.

`submitSurvey` lives in a schema of its own (`schema.public`), run for any request whose
operation is only `submitSurvey`, signed in or not: the single-use survey token is its
authority, so it needs no role and adds no mutation to a read-only role's schema.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain import surveys
from resolvers import surveys as resolve
from schema import lists
from schema.customer import Customer
from schema.enums import SurveyKind
from schema.errors import UserError
from schema.use_cases import run, user_errors

ERRORS = strawberry.field(description="Why the mutation changed nothing; empty on success.")


@strawberry.input(description="Ask a customer for an NPS answer.")
class RequestSurveyInput:
    customer_id: strawberry.ID
    kind: SurveyKind = strawberry.field(
        description="NPS (CSAT surveys follow each resolved ticket by themselves)."
    )


@strawberry.type(description="Result of requestSurvey: the token goes out in `survey.requested`.")
class RequestSurveyPayload:
    customer: Customer | None
    user_errors: list[UserError] = ERRORS


@strawberry.input(description="An answer to a survey, with the token its invitation carried.")
class SubmitSurveyInput:
    token: str = strawberry.field(description="The survey token (single use).")
    score: int = strawberry.field(description="CSAT 1–5 or NPS 0–10.")
    comment: str | None = strawberry.field(default=None, description="Free text.")


@strawberry.type(description="Result of submitSurvey.")
class SubmitSurveyPayload:
    submitted: bool = strawberry.field(description="Whether the answer was recorded.")
    kind: SurveyKind | None = strawberry.field(description="CSAT or NPS.")
    score: int | None = strawberry.field(description="The score recorded.")
    responded_at: datetime | None = strawberry.field(description="When it was recorded.")
    user_errors: list[UserError] = ERRORS


@strawberry.type
class SubmitSurveyMutation:
    @strawberry.mutation(
        description="Answer a survey with its token; no sign-in needed, each token works once."
    )
    async def submit_survey(self, info: Info, input: SubmitSurveyInput) -> SubmitSurveyPayload:
        answer, problems = await resolve.submit(info, input.token, input.score, input.comment)
        if answer is None:
            return SubmitSurveyPayload(
                submitted=False,
                kind=None,
                score=None,
                responded_at=None,
                user_errors=user_errors(problems),
            )
        return SubmitSurveyPayload(
            submitted=True,
            kind=answer.kind,
            score=answer.score,
            responded_at=answer.responded_at,
            user_errors=[],
        )


@strawberry.type
class SurveyMutation:
    @strawberry.mutation(
        description="Ask a customer for an NPS answer (service agents, admins): a single-use "
        "token is sent out as a `survey.requested` event."
    )
    async def request_survey(self, info: Info, input: RequestSurveyInput) -> RequestSurveyPayload:
        pk, errors = await run(info, input, surveys.request_survey)
        return RequestSurveyPayload(
            customer=await lists.node(info, "Customer", pk), user_errors=errors
        )
