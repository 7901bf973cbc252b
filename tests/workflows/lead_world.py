"""Shared pieces of the lead workflow tests: documents, a sales team, and reading the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 1 March 2027, 10:00 in Shanghai: an ordinary working morning.
MONDAY_10 = datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)

CREATE_RULE = """
mutation($input: CreateAssignmentRuleInput!) {
  createAssignmentRule(input: $input) {
    assignmentRule { id name priority active strategy firstContactMinutes calendar version
      assigneeIds match { regions industries sources } }
    userErrors { field message code }
  }
}"""

UPDATE_RULE = """
mutation($input: UpdateAssignmentRuleInput!) {
  updateAssignmentRule(input: $input) {
    assignmentRule { id name active priority version assigneeIds }
    userErrors { field message code }
  }
}"""

CREATE_LEAD = """
mutation($input: CreateLeadInput!) {
  createLead(input: $input) {
    lead { id status firstContactDueAt assignee { id } }
    userErrors { field message code }
  }
}"""

LEAD = """
query($id: ID!) {
  lead(id: $id) { id status firstContactDueAt firstContactedAt offerStatus offerExpiresAt
    assignee { id } partner { id } }
}"""

LOG = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id } userErrors { field message code } }
}"""


def data(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][name]  # type: ignore[no-any-return]


def gid(type_name: str, pk: int) -> str:
    return encode_id(type_name, pk)


class Team:
    """An admin, a manager with four reps, and the reps' global ids."""

    def __init__(self, admin: int, manager: int, reps: list[int]) -> None:
        self.admin, self.manager, self.reps = admin, manager, reps
        self.rep_ids = [gid("User", r) for r in reps]


async def team(api: Api, reps: int = 4) -> Team:
    db = api.engine
    admin = await f.user(db, "ADMIN", external_id="admin")
    manager = await f.user(db, "SALES_MANAGER", external_id="manager")
    people = [
        await f.user(db, "SALES_REP", external_id=f"rep{n}", manager_id=manager)
        for n in range(reps)
    ]
    return Team(admin, manager, people)


async def create_rule(api: Api, **values: Any) -> dict[str, Any]:
    body = await api.query(CREATE_RULE, {"input": values}, sub="admin")
    result = data(body, "createAssignmentRule")
    assert result["userErrors"] == [], result
    return result["assignmentRule"]  # type: ignore[no-any-return]


async def create_lead(api: Api, sub: str = "admin", **values: Any) -> dict[str, Any]:
    values.setdefault("companyName", "苏州精工机械有限公司")
    values.setdefault("source", "WEB_FORM")
    body = await api.query(CREATE_LEAD, {"input": values}, sub=sub)
    result = data(body, "createLead")
    assert result["userErrors"] == [], result
    return result["lead"]  # type: ignore[no-any-return]


async def events(api: Api, event_type: str) -> list[dict[str, Any]]:
    async with api.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT data FROM outbox_event WHERE type = :t ORDER BY occurred_at, id"),
            {"t": event_type},
        )
        return [dict(r[0]) for r in rows]


async def scalar(api: Api, sql: str, **params: Any) -> Any:
    async with api.engine.connect() as conn:
        return await conn.scalar(text(sql), params)
