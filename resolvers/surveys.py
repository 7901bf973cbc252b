"""Resolvers of the survey mutations.

`requestSurvey` is an ordinary write (the act `SurveyResponse request`). `submitSurvey` has no
viewer to open a store for: the survey token is the authority, checked and used up in the same
transaction as the answer (`domain.surveys.submit_survey`).
"""

from __future__ import annotations

from typing import Any

from domain import surveys
from domain.enums import SurveyKind
from domain.errors import Problem, Refused
from persistence.surveys import SqlSurveyAnswers
from resolvers.mutations import run, user_errors
from schema.errors import UserError


async def request(info: Any, input_: Any) -> tuple[int | None, list[UserError]]:
    return await run(info, input_, surveys.request_survey)


async def submit(info: Any, input_: Any) -> Any:
    from schema.surveys import SubmitSurveyPayload

    ctx = info.context
    now = ctx.clock.now()
    values = {"token": input_.token, "score": input_.score, "comment": input_.comment}
    async with ctx.db.connection() as conn:
        savepoint = await conn.begin_nested()
        try:
            _, kind = await surveys.submit_survey(SqlSurveyAnswers(conn), values, now)
        except Refused as refused:
            await savepoint.rollback()
            return _refused(refused.problems)
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
    return SubmitSurveyPayload(
        submitted=True, kind=SurveyKind(kind), score=input_.score, responded_at=now, user_errors=[]
    )


def _refused(problems: list[Problem]) -> Any:
    from schema.surveys import SubmitSurveyPayload

    return SubmitSurveyPayload(
        submitted=False, kind=None, score=None, responded_at=None, user_errors=user_errors(problems)
    )
