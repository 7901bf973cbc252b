"""Service: tickets through 受理→分析→处理→回访 with SLA targets, and on-site visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.accounts import active_role
from domain.enums import Role, TicketEventKind, TicketPriority, TicketStatus
from domain.errors import Refused, bad_input, stale
from domain.fields import (
    camel,
    clean,
    free_json,
    instant,
    int_range,
    optional_text,
    present,
    require,
    text,
)
from domain.ports import Store

S = TicketStatus
#: Where a ticket may go next. Any open ticket can be closed; a resolved one can be reopened.
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.ACCEPTED, S.CLOSED}),
    S.ACCEPTED: frozenset({S.ANALYZING, S.IN_PROGRESS, S.CLOSED}),
    S.ANALYZING: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.ANALYZING, S.CLOSED}),
    S.RESOLVED: frozenset({S.FOLLOW_UP, S.IN_PROGRESS, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}
#: (first response, resolution) targets per priority.
SLA: dict[TicketPriority, tuple[timedelta, timedelta]] = {
    TicketPriority.URGENT: (timedelta(hours=1), timedelta(hours=8)),
    TicketPriority.HIGH: (timedelta(hours=4), timedelta(hours=24)),
    TicketPriority.NORMAL: (timedelta(hours=8), timedelta(hours=72)),
    TicketPriority.LOW: (timedelta(hours=24), timedelta(hours=120)),
}
ASSIGNABLE = (Role.TECHNICIAN, Role.SERVICE_AGENT, Role.ADMIN)
TICKET_RULES = {"subject": text(300), "description": optional_text(10_000)}
VISIT_RULES = {
    "scheduled_start": instant,
    "scheduled_end": instant,
    "check_in_at": instant,
    "check_out_at": instant,
    "notes": optional_text(10_000),
    "customer_rating": int_range(1, 5),
    "parts_used": free_json(20_000),
}


async def create_ticket(store: Store, values: dict[str, Any]) -> int:
    require(values, "customer_id", "subject", "kind")
    data = clean(values, TICKET_RULES)
    for field in ("contact_id", "asset_id"):
        if data.get(field) is not None:
            if store.referenced(field)["customer_id"] != data["customer_id"]:
                raise Refused(bad_input(camel(field), "it belongs to another customer"))
    priority = TicketPriority(data.get("priority") or TicketPriority.NORMAL)
    now = datetime.now(UTC)
    respond, resolve = SLA[priority]
    ticket_id = await store.next_id("Ticket")
    data.update(
        id=ticket_id,
        number=f"T{now:%Y%m%d}-{ticket_id:06d}",
        priority=priority,
        status=TicketStatus.NEW,
        first_response_due_at=now + respond,
        resolution_due_at=now + resolve,
    )
    await store.insert("Ticket", present(data))
    await _event(store, ticket_id, data["customer_id"], TicketEventKind.CREATED, None, S.NEW)
    return ticket_id


async def assign_ticket(store: Store, values: dict[str, Any]) -> int:
    ticket = await store.target("ticket_id")
    if active_role(store, "assignee_id") not in ASSIGNABLE:
        raise Refused(bad_input("assigneeId", "tickets go to technicians or service agents"))
    changes: dict[str, Any] = {"assignee_id": values["assignee_id"]}
    status = TicketStatus(ticket["status"])
    if status is S.NEW:
        changes.update(status=S.ACCEPTED, first_responded_at=datetime.now(UTC))
    await store.update(ticket["id"], changes, None)
    await _event(
        store,
        ticket["id"],
        ticket["customer_id"],
        TicketEventKind.ASSIGNED,
        status,
        changes.get("status", status),
    )
    return int(ticket["id"])


async def update_ticket_status(store: Store, values: dict[str, Any]) -> int:
    ticket = await store.target("ticket_id")
    status = TicketStatus(values["status"])
    expected_version = values.get("expected_version")
    current = TicketStatus(ticket["status"])
    if expected_version is not None and ticket["version"] != expected_version:
        raise stale("Ticket", ticket["version"], expected_version)
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing"
        raise Refused(bad_input("status", f"a {current.value} ticket can move to {allowed}"))
    now = datetime.now(UTC)
    changes: dict[str, Any] = {"status": status}
    if current is S.NEW and ticket["first_responded_at"] is None:
        changes["first_responded_at"] = now
    if status is S.RESOLVED:
        changes["resolved_at"] = now
    await store.update(ticket["id"], changes, expected_version)
    await _event(
        store, ticket["id"], ticket["customer_id"], TicketEventKind.STATUS_CHANGED, current, status
    )
    return int(ticket["id"])


async def record_service_visit(store: Store, values: dict[str, Any]) -> int:
    require(values, "ticket_id", "scheduled_start", "scheduled_end")
    data = clean(values, VISIT_RULES)
    ticket = store.referenced("ticket_id")
    if data["scheduled_end"] < data["scheduled_start"]:
        raise Refused(bad_input("scheduledEnd", "scheduledEnd must not be before scheduledStart"))
    if (
        data.get("check_in_at")
        and data.get("check_out_at")
        and data["check_out_at"] < data["check_in_at"]
    ):
        raise Refused(bad_input("checkOutAt", "checkOutAt must not be before checkInAt"))
    actor = store.actor
    if actor.role is Role.TECHNICIAN:
        data["technician_id"] = actor.user_id
    elif data.get("technician_id") is not None:
        if active_role(store, "technician_id") is not Role.TECHNICIAN:
            raise Refused(bad_input("technicianId", "service visits are made by technicians"))
    data["customer_id"] = ticket["customer_id"]
    return await store.insert("ServiceVisit", present(data))


async def _event(
    store: Store,
    ticket_id: int,
    customer_id: int,
    kind: TicketEventKind,
    before: TicketStatus | None,
    after: TicketStatus | None,
) -> None:
    await store.insert(
        "TicketEvent",
        {
            "ticket_id": ticket_id,
            "customer_id": customer_id,
            "kind": kind,
            "from_status": before,
            "to_status": after,
            "actor_id": store.actor.user_id,
        },
    )
