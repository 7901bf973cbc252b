"""Deal registration decisions (CONTRACT §7): one partner per customer's open registration,
approved or rejected by the sales side, with a `deal.decided` event."""

from __future__ import annotations

from typing import Any, Protocol

from domain import sales
from domain.enums import RegistrationStatus
from domain.errors import Refused, bad_input, conflict
from domain.fields import clean, require, text
from domain.global_ids import global_id
from domain.ports import Store


class DealDesk(Store, Protocol):
    async def competing_registration(self, customer_id: int, partner_id: int) -> bool:
        """Whether another partner holds a PENDING or APPROVED registration for the customer
        (serialised per customer until the transaction ends)."""
        ...


async def register_deal(store: DealDesk, values: dict[str, Any]) -> int:
    require(values, "customer_id")
    customer = store.referenced("customer_id")
    partner_id = store.actor.partner_id or customer["partner_id"]
    if partner_id is not None and await store.competing_registration(customer["id"], partner_id):
        raise conflict(
            "customerId", "another partner has already registered a deal for this customer"
        )
    return await sales.register_deal(store, values)


async def approve_deal(store: DealDesk, values: dict[str, Any]) -> int:
    return await _decide(store, RegistrationStatus.APPROVED, None)


async def reject_deal(store: DealDesk, values: dict[str, Any]) -> int:
    require(values, "reason")
    reason = clean(values, {"reason": text(1000)})["reason"]
    return await _decide(store, RegistrationStatus.REJECTED, reason)


async def _decide(store: DealDesk, outcome: RegistrationStatus, reason: str | None) -> int:
    deal = await store.target("opportunity_id")
    if deal["registration_status"] != RegistrationStatus.PENDING:
        raise Refused(bad_input("opportunityId", "only a PENDING registration can be decided"))
    await store.update(deal["id"], {"registration_status": outcome}, None)
    data: dict[str, Any] = {"id": global_id("Opportunity", deal["id"]), "decision": outcome.value}
    if reason is not None:
        data["reason"] = reason
    await store.emit("deal.decided", data)
    return int(deal["id"])
