"""The service side: tickets and their events, visits, assets, contracts, survey answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from catalogue.model import (
    JSON,
    TIMES,
    Column,
    Entry,
    Ordering,
    any_of,
    ref,
    search,
    stamps,
    to_many,
    to_one,
    updated_since,
)
from domain.enums import (
    Channel,
    ContractStatus,
    SurveyKind,
    TicketEventKind,
    TicketKind,
    TicketPriority,
    TicketStatus,
)

TICKET = Entry(
    name="Ticket",
    table="ticket",
    description="A service request or work order.",
    plural="tickets",
    columns=(
        Column("number", str, "Human-readable ticket number."),
        Column("subject", str, "One-line summary."),
        Column("description", str, "Details from the customer.", True),
        Column("kind", TicketKind, "What the ticket is about."),
        Column("priority", TicketPriority, "How urgent it is."),
        Column("status", TicketStatus, "Where it is in 受理→分析→处理→回访."),
        Column("channel", Channel, "Channel it came in on."),
        Column("first_response_due_at", datetime, "First-response SLA.", True),
        Column("first_responded_at", datetime, "When first answered.", True),
        Column("resolution_due_at", datetime, "Resolution SLA.", True),
        Column("resolved_at", datetime, "When resolved.", True),
        Column("escalation_level", int, "0 = not escalated."),
        Column("csat_score", int, "Customer satisfaction, 1–5.", True),
        Column("internal_notes", str, "Notes for our staff only.", True),
        *stamps("When the ticket was opened."),
    ),
    relations=(
        to_one("customer", "Customer", "The customer."),
        to_one("contact", "Contact", "The person who reported it."),
        to_one("asset", "Asset", "The product concerned."),
        to_one("assignee", "User", "Who works on it."),
    ),
    to_many=(
        to_many(
            "service_visits",
            "ServiceVisit",
            "On-site visits for this ticket, latest first.",
            filter=False,
            order_by=False,
        ),
    ),
    ordering=Ordering((*TIMES[:2], ("NUMBER", "number"), TIMES[2]), ("CREATED_AT", "DESC")),
    filter_description="Narrow a ticket list.",
    filters=(
        search("Substring of subject/number."),
        any_of("status", TicketStatus),
        any_of("priority", TicketPriority),
        any_of("kind", TicketKind),
        ref("assignee_id", "User"),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
    search=("subject", "number"),
)

TICKET_EVENT = Entry(
    name="TicketEvent",
    table="ticket_event",
    description="Something that happened to a ticket; part of the timeline.",
    plural="ticket events",
    columns=(
        Column("kind", TicketEventKind, "What happened."),
        Column("from_status", TicketStatus, "Status before.", True),
        Column("to_status", TicketStatus, "Status after.", True),
        Column("occurred_at", datetime, "When it happened."),
    ),
    relations=(
        to_one("ticket", "Ticket", "The ticket."),
        to_one("actor", "User", "Who did it."),
    ),
    ordering=Ordering(
        (("OCCURRED_AT", "occurred_at"), ("ID", "id")), ("OCCURRED_AT", "DESC"), exposed=False
    ),
)

SERVICE_VISIT = Entry(
    name="ServiceVisit",
    table="service_visit",
    description="A technician's on-site appointment for a ticket.",
    plural="service visits",
    columns=(
        Column("scheduled_start", datetime, "Planned arrival."),
        Column("scheduled_end", datetime, "Planned end."),
        Column("check_in_at", datetime, "Actual arrival.", True),
        Column("check_out_at", datetime, "Actual departure.", True),
        Column("parts_used", JSON, "Parts used, free-form list."),
        Column("notes", str, "Technician's notes.", True),
        Column("customer_rating", int, "Customer's rating, 1–5.", True),
        *stamps(),
    ),
    relations=(
        to_one("ticket", "Ticket", "The ticket this visit works on."),
        to_one("technician", "User", "The technician."),
        to_one("lead", "Lead", "The sales lead this visit's upsell note raised, if any."),
    ),
    ordering=Ordering(
        (("SCHEDULED_START", "scheduled_start"), *TIMES), ("SCHEDULED_START", "DESC")
    ),
    filter_description="Narrow a service visit list.",
    filters=(
        ref("technician_id", "User"),
        ref("ticket_id", "Ticket"),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
)

ASSET = Entry(
    name="Asset",
    table="asset",
    description="An installed product at a customer site.",
    plural="assets",
    columns=(
        Column("model", str, "Product model."),
        Column("serial_number", str, "Serial number, unique."),
        Column("installed_at", date, "Installation date.", True),
        Column("warranty_ends_at", date, "Last day of warranty.", True),
        Column("site_address", str, "Where it is installed.", True),
        *stamps(),
    ),
    relations=(to_one("customer", "Customer", "The owning customer."),),
    ordering=Ordering((("SERIAL_NUMBER", "serial_number"), *TIMES), ("SERIAL_NUMBER", "ASC")),
    filter_description="Narrow an asset list.",
    filters=(
        search("Substring of model/serial."),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
    search=("model", "serial_number"),
)

CONTRACT = Entry(
    name="Contract",
    table="contract",
    description="What a customer bought, with its term.",
    plural="contracts",
    columns=(
        Column("number", str, "Contract number."),
        Column("starts_on", date, "First day of the term."),
        Column("ends_on", date, "Last day of the term (renewal date)."),
        Column("value", Decimal, "Contract value."),
        Column("currency", str, "ISO 4217 code."),
        Column("status", ContractStatus, "State of the contract."),
        *stamps(),
    ),
    relations=(to_one("customer", "Customer", "The customer."),),
    ordering=Ordering((("ENDS_ON", "ends_on"), ("NUMBER", "number"), *TIMES), ("ENDS_ON", "ASC")),
    filter_description="Narrow a contract list.",
    filters=(
        search("Substring of the number."),
        any_of("status", ContractStatus),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
    search=("number",),
)

SURVEY_RESPONSE = Entry(
    name="SurveyResponse",
    table="survey_response",
    description="A CSAT (1–5) or NPS (0–10) answer.",
    plural="survey responses",
    columns=(
        Column("kind", SurveyKind, "CSAT or NPS."),
        Column("score", int, "The score given."),
        Column("comment", str, "Free-text comment.", True),
        Column("responded_at", datetime, "When answered."),
    ),
    relations=(
        to_one("customer", "Customer", "The customer who answered."),
        to_one("ticket", "Ticket", "The ticket the survey followed, if any."),
    ),
    ordering=Ordering(
        (("RESPONDED_AT", "responded_at"), ("ID", "id")), ("RESPONDED_AT", "DESC"), exposed=False
    ),
)
