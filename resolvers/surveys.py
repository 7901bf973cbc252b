"""Answering a survey: `submitSurvey` has no viewer to open a store for; the survey token is
the authority, checked and used up in the same transaction as the answer
(`domain.surveys.submit_survey`). Asking for one (`requestSurvey`) is an ordinary write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain import surveys
from domain.enums import SurveyKind
from domain.errors import Problem, Refused
from persistence.surveys import SqlSurveyAnswers


@dataclass(frozen=True)
class Answer:
    """An answer recorded: the survey's kind, the score, and when."""

    kind: SurveyKind
    score: int
    responded_at: datetime


async def submit(
    info: Any, token: str, score: int, comment: str | None
) -> tuple[Answer | None, list[Problem]]:
    ctx = info.context
    now = ctx.clock.now()
    values = {"token": token, "score": score, "comment": comment}
    async with ctx.db.connection() as conn:
        savepoint = await conn.begin_nested()
        try:
            _, kind = await surveys.submit_survey(SqlSurveyAnswers(conn), values, now)
        except Refused as refused:
            await savepoint.rollback()
            return None, refused.problems
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
    return Answer(kind=SurveyKind(kind), score=score, responded_at=now), []
