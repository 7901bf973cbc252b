"""Marketing campaigns: what brought a lead, and what it cost (COST_PER_LEAD, CAMPAIGN_ROI)."""

from __future__ import annotations

from typing import Any

from domain.errors import Refused, bad_input
from domain.fields import clean, money, present, require, text
from domain.ports import Store

CAMPAIGN_RULES = {"name": text(200), "cost": money}


async def create_campaign(store: Store, values: dict[str, Any]) -> int:
    require(values, "name", "channel", "starts_on", "ends_on", "cost")
    data = clean(values, CAMPAIGN_RULES)
    if data["ends_on"] < data["starts_on"]:
        raise Refused(bad_input("endsOn", "endsOn must not be before startsOn"))
    return await store.insert("Campaign", present(data))
