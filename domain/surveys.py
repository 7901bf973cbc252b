"""Surveys (CONTRACT §7): single-use survey tokens, CSAT (1–5) and NPS (0–10) answers.

A token is random and only its SHA-256 is stored, so a leaked database cannot answer surveys;
it is handed out once, in the `survey.requested` event. Answering needs no sign-in: the token is
the authority, good for one answer until it expires.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.enums import SurveyKind
from domain.errors import Problem, Refused, bad_input, conflict
from domain.fields import clean, optional_text, require
from domain.ports import Store

TOKEN_PREFIX = "svy_"
TOKEN_TTL = timedelta(days=30)
SCORES = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}
#: The job that makes a survey token and announces it (`workflows.surveys`).
REQUEST_JOB = "survey.request"
#: Unknown and forged tokens get the same answer, so tokens cannot be probed.
UNKNOWN_TOKEN = Problem("token", "survey token not found or not valid", "NOT_FOUND")


def new_token() -> tuple[str, str]:
    """A fresh survey token and the hash to store for it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def score_problem(kind: SurveyKind, score: int) -> str | None:
    low, high = SCORES[kind]
    if not low <= score <= high:
        return f"a {kind.value} score is from {low} to {high}"
    return None


async def request_survey(store: Store, values: dict[str, Any]) -> int:
    """Ask a customer for an NPS answer: the token is made and announced by a job (the same
    one a resolved ticket's CSAT survey runs), right after this change commits."""
    require(values, "customer_id", "kind")
    kind = SurveyKind(values["kind"])
    if kind is not SurveyKind.NPS:
        raise Refused(
            bad_input("kind", "CSAT surveys are requested when a ticket is resolved; ask NPS")
        )
    customer_id = int(values["customer_id"])
    await store.schedule(
        REQUEST_JOB,
        f"{REQUEST_JOB}:nps:{customer_id}:{uuid.uuid4().hex}",
        store.now(),
        {"customerId": customer_id, "kind": kind.value},
    )
    return customer_id


@dataclass(frozen=True)
class Invitation:
    """A stored survey token, as the answer finds it."""

    id: int
    kind: SurveyKind
    customer_id: int
    ticket_id: int | None
    expires_at: datetime
    used_at: datetime | None


class SurveyAnswers(Protocol):
    """Storage for answering a survey, inside one transaction."""

    async def invitation(self, token_hash: str) -> Invitation | None:
        """The token's invitation, locked until the transaction ends."""
        ...

    async def answer(
        self, invitation: Invitation, score: int, comment: str | None, at: datetime
    ) -> int:
        """Use the token up, record the response (and a ticket's CSAT score); its id."""
        ...


async def submit_survey(
    answers: SurveyAnswers, values: dict[str, Any], now: datetime
) -> tuple[int, SurveyKind]:
    """Record an answer with a survey token: the response's id and the survey's kind."""
    require(values, "token", "score")
    comment = clean({"comment": values.get("comment")}, {"comment": optional_text(2000)})
    token = str(values["token"])
    found = None
    if token.startswith(TOKEN_PREFIX) and len(token) <= 100:
        found = await answers.invitation(token_hash(token))
    if found is None:
        raise Refused(UNKNOWN_TOKEN)
    if found.used_at is not None:
        raise conflict("token", "this survey was already answered; a token is good for one answer")
    if found.expires_at <= now:
        raise Refused(bad_input("token", "this survey token has expired"))
    score = int(values["score"])
    problem = score_problem(found.kind, score)
    if problem is not None:
        raise Refused(bad_input("score", problem))
    return await answers.answer(found, score, comment["comment"], now), found.kind
