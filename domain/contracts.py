"""Contracts and the marks of their term (CONTRACT §7 "Renewals and care").

Renewal marks fall 60, 30 and 7 days before `endsOn`, care marks 1 month, 6 months and 1 year
after `startsOn`, each at the start of that calendar day in Asia/Shanghai. Each mark is one
durable job keyed by contract and mark, so it happens once. A contract created past some marks
gets the latest of them at once (and, for renewals, the opportunity with it), not a burst of
stale reminders.
"""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from domain.calendar import SHANGHAI
from domain.enums import ContractStatus
from domain.errors import Refused, bad_input
from domain.fields import clean, money, present, require, text
from domain.ports import Store

RENEWAL = "contract.renewal"
CARE = "contract.care"
RENEWAL_DAYS = (60, 30, 7)
CARE_MONTHS = {"1M": 1, "6M": 6, "1Y": 12}
CONTRACT_RULES = {"number": text(50), "value": money}


@dataclass(frozen=True)
class Mark:
    kind: str  # RENEWAL or CARE
    label: str  # "60D", "30D", "7D", "1M", "6M", "1Y"
    day: date
    opportunity: bool = False  # the renewal mark that also opens the renewal opportunity

    @property
    def at(self) -> datetime:
        return datetime.combine(self.day, time(0), SHANGHAI)

    def key(self, contract_id: int) -> str:
        return f"{self.kind}:{contract_id}:{self.label}"


def add_months(day: date, count: int) -> date:
    """The same day `count` months later, or the month's last day (Jan 31 + 1 month: Feb 28)."""
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, months.monthrange(year, month)[1]))


def _due_now_or_later(marks: list[Mark], today: date) -> list[Mark]:
    """Future marks as they are, and of the marks already past only the latest."""
    past = [m for m in marks if m.day <= today]
    future = [m for m in marks if m.day > today]
    return ([max(past, key=lambda m: m.day)] if past else []) + future


def term_marks(starts_on: date, ends_on: date, today: date) -> list[Mark]:
    """The marks a contract must still fire, given the local date it is created on."""
    from datetime import timedelta

    renewals: list[Mark] = []
    if ends_on >= today:
        due = _due_now_or_later(
            [Mark(RENEWAL, f"{d}D", ends_on - timedelta(days=d)) for d in RENEWAL_DAYS], today
        )
        renewals = [Mark(m.kind, m.label, m.day, opportunity=i == 0) for i, m in enumerate(due)]
    care = _due_now_or_later(
        [Mark(CARE, label, add_months(starts_on, n)) for label, n in CARE_MONTHS.items()], today
    )
    return renewals + care


async def create_contract(store: Store, values: dict[str, Any]) -> int:
    require(values, "customer_id", "number", "starts_on", "ends_on", "value")
    data = clean(values, CONTRACT_RULES)
    if data["ends_on"] < data["starts_on"]:
        raise Refused(bad_input("endsOn", "endsOn must not be before startsOn"))
    now = store.now()
    data.update(status=ContractStatus.ACTIVE, created_at=now, updated_at=now)
    contract_id = await store.insert("Contract", present(data))
    today = now.astimezone(SHANGHAI).date()
    for mark in term_marks(data["starts_on"], data["ends_on"], today):
        payload = {"contractId": contract_id, "mark": mark.label, "opportunity": mark.opportunity}
        await store.schedule(mark.kind, mark.key(contract_id), max(mark.at, now), payload)
    return contract_id
