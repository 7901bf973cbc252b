"""Service: tickets through 受理→分析→处理→回访 with SLA targets, and on-site visits."""

from __future__ import annotations

from typing import Any

from domain.accounts import active_role
from domain.enums import (
    Channel,
    Direction,
    LeadSource,
    LeadStatus,
    Role,
    TicketEventKind,
    TicketPriority,
    TicketStatus,
)
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
from domain.global_ids import global_id
from domain.ports import Store
from domain.sla import (
    ESCALATE,
    RESOLUTION,
    RESPONSE,
    SURVEY_REQUEST,
    SlaStore,
    escalation_key,
    survey_key,
)

S = TicketStatus
#: The flow 受理 → 分析 → 处理 → 回访: one step forward at a time; the only way back is reopening
#: a resolved ticket (RESOLVED or FOLLOW_UP → IN_PROGRESS).
FORWARD = (S.NEW, S.ACCEPTED, S.ANALYZING, S.IN_PROGRESS, S.RESOLVED, S.FOLLOW_UP, S.CLOSED)
REOPEN = frozenset({S.RESOLVED, S.FOLLOW_UP})
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    status: frozenset(FORWARD[i + 1 : i + 2]) | ({S.IN_PROGRESS} if status in REOPEN else set())
    for i, status in enumerate(FORWARD)
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
    "upsell_note": optional_text(2_000),
}


async def create_ticket(store: SlaStore, values: dict[str, Any]) -> int:
    require(values, "customer_id", "subject", "kind")
    data = clean(values, TICKET_RULES)
    for field in ("contact_id", "asset_id"):
        if data.get(field) is not None:
            if store.referenced(field)["customer_id"] != data["customer_id"]:
                raise Refused(bad_input(camel(field), "it belongs to another customer"))
    priority = TicketPriority(data.get("priority") or TicketPriority.NORMAL)
    now = store.now()
    sla = await store.sla_policy(priority)
    respond_by = await store.business_due(sla.calendar, now, sla.first_response_minutes)
    resolve_by = await store.business_due(sla.calendar, now, sla.resolution_minutes)
    ticket_id = await store.next_id("Ticket")
    data.update(
        id=ticket_id,
        number=f"T{now:%Y%m%d}-{ticket_id:06d}",
        priority=priority,
        status=TicketStatus.NEW,
        first_response_due_at=respond_by,
        resolution_due_at=resolve_by,
        created_at=now,
        updated_at=now,
    )
    await store.insert("Ticket", present(data))
    await _event(store, ticket_id, data["customer_id"], TicketEventKind.CREATED, None, S.NEW)
    for target, due in ((RESPONSE, respond_by), (RESOLUTION, resolve_by)):
        payload = {"ticketId": ticket_id, "target": target, "dueAt": due.isoformat()}
        await store.schedule(ESCALATE, escalation_key(ticket_id, target), due, payload)
    await store.emit(
        "ticket.created",
        {
            "id": global_id("Ticket", ticket_id),
            "number": data["number"],
            "priority": priority.value,
            "status": S.NEW.value,
        },
    )
    return ticket_id


async def assign_ticket(store: Store, values: dict[str, Any]) -> int:
    """Give the ticket to a technician or agent. Assigning is not answering: the status and the
    first-response clock stay as they are until someone moves the ticket (CONTRACT §7)."""
    ticket = await store.target("ticket_id")
    if active_role(store, "assignee_id") not in ASSIGNABLE:
        raise Refused(bad_input("assigneeId", "tickets go to technicians or service agents"))
    status = TicketStatus(ticket["status"])
    await store.update(ticket["id"], {"assignee_id": values["assignee_id"]}, None)
    await _event(
        store, ticket["id"], ticket["customer_id"], TicketEventKind.ASSIGNED, status, status
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
    now = store.now()
    changes: dict[str, Any] = {"status": status}
    if current is S.NEW and ticket["first_responded_at"] is None:
        changes["first_responded_at"] = now
    if status is S.RESOLVED:
        changes["resolved_at"] = now
    elif status is S.IN_PROGRESS and current in REOPEN:
        changes["resolved_at"] = None  # reopened: no longer resolved
    await store.update(ticket["id"], changes, expected_version)
    await _event(
        store, ticket["id"], ticket["customer_id"], TicketEventKind.STATUS_CHANGED, current, status
    )
    await _status_changed(store, int(ticket["id"]), current, status)
    if status is S.RESOLVED:
        # The CSAT survey (brief H10b's process): once per resolution.
        key = survey_key(int(ticket["id"]), now)
        await store.schedule(SURVEY_REQUEST, key, now, {"ticketId": int(ticket["id"])})
    return int(ticket["id"])


async def _status_changed(
    store: Store, ticket_id: int, before: TicketStatus, after: TicketStatus
) -> None:
    await store.emit(
        "ticket.status_changed",
        {
            "id": global_id("Ticket", ticket_id),
            "fromStatus": before.value,
            "toStatus": after.value,
        },
    )


async def record_service_visit(store: SlaStore, values: dict[str, Any]) -> int:
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
    note = data.pop("upsell_note", None)
    if note:
        data["lead_id"] = await _upsell_lead(store, ticket["customer_id"], note)
    return await store.insert("ServiceVisit", present(data))


async def _upsell_lead(store: SlaStore, customer_id: int, note: str) -> int:
    """Service to sales: a lead (source SERVICE) for the customer's owner, the note with it."""
    customer = await store.customer_of(customer_id)
    owner = customer["owner_id"]
    lead_id = await store.insert(
        "Lead",
        {
            "company_name": customer["name"],
            "source": LeadSource.SERVICE,
            "status": LeadStatus.ASSIGNED if owner is not None else LeadStatus.NEW,
            "assignee_id": owner,
            "region": customer["region"],
            "industry": customer["industry"],
        },
    )
    await store.insert(
        "Interaction",
        {
            "customer_id": customer_id,
            "lead_id": lead_id,
            "channel": Channel.VISIT,
            "direction": Direction.INBOUND,
            "summary": note,
            "is_internal": True,
            "occurred_at": store.now(),
            "actor_id": store.actor.user_id,
        },
    )
    await store.emit(
        "lead.created",
        {"id": global_id("Lead", lead_id), "source": LeadSource.SERVICE.value},
    )
    return lead_id


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
            "occurred_at": store.now(),
        },
    )
