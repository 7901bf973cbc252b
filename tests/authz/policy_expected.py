"""CONTRACT §3 for the default policy, cell by cell, written out by hand: the catalogue of
types and fields, and what each role reads, lacks and may do.
"""

from __future__ import annotations

from authz.policy import DOMAIN_TYPES, MUTATION_ACTIONS, default_lines, parse_csv
from domain.enums import Role

CATALOGUE: dict[str, tuple[str, ...]] = {
    "Customer": (
        "name", "taxId", "industry", "region", "tier", "lifecycleStage", "status", "phone",
        "address", "owner", "partner", "creditLimit", "internalNotes", "lifetimeValue", "version",
    ),
    "Contact": ("customer", "name", "title", "email", "phone", "isPrimary"),
    "Campaign": ("name", "channel", "startsOn", "endsOn", "cost", "status"),
    "Lead": (
        "companyName", "contactName", "email", "phone", "source", "region", "score", "status",
        "assignee", "partner",
    ),
    "Opportunity": (
        "customer", "name", "amount", "stage", "owner", "partner", "registrationStatus",
        "marginPercent", "version",
    ),
    "OpportunityStageChange": ("opportunity", "fromStage", "toStage", "changedAt"),
    "Ticket": ("number", "customer", "subject", "status", "assignee", "internalNotes", "version"),
    "TicketEvent": ("ticket", "kind", "occurredAt"),
    "ServiceVisit": ("ticket", "technician", "scheduledStart", "notes"),
    "Asset": ("customer", "model", "serialNumber"),
    "Contract": ("customer", "number", "value", "status"),
    "Interaction": ("customer", "channel", "summary", "occurredAt"),
    "Partner": ("name", "kind", "tier", "region", "status", "commissionRate"),
    "User": ("externalId", "displayName", "role", "partner", "manager", "region", "active"),
    "Task": ("subject", "dueAt", "assignee", "status"),
    "SurveyResponse": ("customer", "ticket", "kind", "score"),
    "WebhookEndpoint": ("url", "events", "description", "active", "deliveries"),
    "WebhookDelivery": ("eventType", "status", "attempts", "webhookEndpoint"),
    "AssignmentRule": (
        "name", "priority", "active", "strategy", "match", "assigneeIds", "firstContactMinutes",
        "calendar", "version",
    ),
    "WebForm": ("name", "formKey", "campaignId"),
    "NurtureSequence": ("name", "active", "trigger", "steps", "version"),
    "NurtureEnrollment": ("lead", "status", "endReason", "enrolledAt", "steps"),
    "ScoringRule": ("name", "kind", "points", "interactionKind", "field", "value", "active"),
}  # fmt: skip
#: Issue 11: lead routing rules (admins manage, managers read) and web forms (admins).
ROUTING = {"AssignmentRule", "WebForm"}
#: Issue 11: nurture sequences (admins manage, sales read) and the leads' enrolments.
NURTURE = {"NurtureSequence", "NurtureEnrollment"}
#: Issue 11, lead scoring: the rule book is the admins' to write and the managers' to read.
SCORING = {"ScoringRule"}

CUSTOMER_CHILDREN = (
    "Contact", "Asset", "Contract", "Interaction", "Ticket", "TicketEvent", "ServiceVisit",
    "SurveyResponse",
)  # fmt: skip
SERVICE_SIDE = (
    "Customer", "Contact", "Asset", "Contract", "Ticket", "TicketEvent", "ServiceVisit",
    "Interaction", "SurveyResponse", "Partner", "User", "Task",
)  # fmt: skip
SALES_TYPES = ("Opportunity", "OpportunityStageChange", "Lead")
#: CONTRACT §8: admins manage webhook endpoints; every other role lacks them.
WEBHOOK_TYPES = {"WebhookEndpoint", "WebhookDelivery"}

EXPECTED_READ: dict[Role, dict[str, str]] = {
    Role.ADMIN: dict.fromkeys(DOMAIN_TYPES, "all"),
    Role.SALES_MANAGER: {
        "Customer": "team",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Lead": "team_or_unassigned",
        "Opportunity": "team",
        "OpportunityStageChange": "team",
        "Partner": "all",
        "User": "all",
        "Task": "team",
        "AssignmentRule": "all",
        "Campaign": "all",
        "NurtureSequence": "all",
        "NurtureEnrollment": "team_or_unassigned",
        "ScoringRule": "all",
    },
    Role.SALES_REP: {
        "Customer": "own",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Lead": "own",
        "Opportunity": "own",
        "OpportunityStageChange": "own",
        "Partner": "all",
        "User": "all",
        "Task": "own",
        "Campaign": "all",
        "NurtureSequence": "all",
        "NurtureEnrollment": "own",
    },
    Role.PARTNER_USER: {
        "Customer": "partner",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Interaction": "customer_external",
        "Contract": "none",
        "Lead": "partner",
        "Opportunity": "partner",
        "OpportunityStageChange": "partner",
        "Partner": "partner",
        "User": "partner",
        "Task": "own",
        "Campaign": "none",
        "NurtureEnrollment": "partner",
    },
    Role.TECHNICIAN: {
        **dict.fromkeys(("Ticket", "TicketEvent", "Customer", "Asset", "Contact"), "assigned"),
        "ServiceVisit": "own",
        "Partner": "partner",
        "User": "own",
        "Task": "own",
        "Interaction": "none",
        "SurveyResponse": "none",
        "Campaign": "none",
    },
    Role.SERVICE_AGENT: {**dict.fromkeys(SERVICE_SIDE, "all"), "Campaign": "none"},
    Role.ANALYST: dict.fromkeys(set(DOMAIN_TYPES) - WEBHOOK_TYPES, "all"),
}

EXPECTED_HIDDEN_TYPES: dict[Role, set[str]] = {
    Role.ADMIN: set(),
    Role.SALES_MANAGER: WEBHOOK_TYPES | {"WebForm"},
    Role.SALES_REP: WEBHOOK_TYPES | ROUTING | SCORING,
    Role.PARTNER_USER: WEBHOOK_TYPES | ROUTING | SCORING | {"NurtureSequence"},
    Role.TECHNICIAN: {"Opportunity", "OpportunityStageChange", "Lead", "Contract"}
    | WEBHOOK_TYPES
    | ROUTING
    | NURTURE
    | SCORING,
    Role.SERVICE_AGENT: set(SALES_TYPES) | WEBHOOK_TYPES | ROUTING | NURTURE | SCORING,
    Role.ANALYST: WEBHOOK_TYPES,
}

EXPECTED_HIDDEN_FIELDS: dict[Role, set[str]] = {
    Role.ADMIN: set(),
    Role.SALES_MANAGER: {"Ticket.internalNotes"},
    Role.SALES_REP: {
        "Opportunity.marginPercent",
        "Customer.creditLimit",
        "Ticket.internalNotes",
        "Partner.commissionRate",
    },
    Role.PARTNER_USER: {
        "Opportunity.marginPercent",
        "Customer.creditLimit",
        "Customer.internalNotes",
        "Customer.lifetimeValue",
        "Ticket.internalNotes",
        "User.manager",
    },
    Role.TECHNICIAN: {
        "Customer.creditLimit",
        "Customer.lifetimeValue",
        "Customer.internalNotes",
        "Customer.taxId",
        "Partner.commissionRate",
    },
    Role.SERVICE_AGENT: {
        "Customer.creditLimit",
        "Customer.lifetimeValue",
        "Partner.commissionRate",
    },
    Role.ANALYST: {
        "Contact.email",
        "Contact.phone",
        "Customer.phone",
        "Customer.address",
        "Lead.email",
        "Lead.phone",
        "Lead.contactName",
    },
}

EXPECTED_ACTIONS: dict[Role, dict[tuple[str, str], str]] = {
    Role.ADMIN: dict.fromkeys(set(MUTATION_ACTIONS.values()), "all"),  # §1: everything
    Role.SALES_MANAGER: {
        ("Customer", "create"): "all",
        ("Customer", "update"): "team",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "all",
        ("Lead", "convert"): "team_or_unassigned",
        ("Opportunity", "create"): "customer",
        ("Opportunity", "update"): "team",
        ("Interaction", "log"): "customer_or_lead",
        ("Ticket", "create"): "customer",
        ("Task", "complete"): "team",
        ("Contract", "create"): "customer",
        ("Lead", "distribute"): "team_or_unassigned",
        ("Opportunity", "decide"): "team",
        ("Campaign", "create"): "all",
    },
    Role.SALES_REP: {
        ("Customer", "create"): "all",
        ("Customer", "update"): "own",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "all",
        ("Lead", "convert"): "own",
        ("Opportunity", "create"): "customer",
        ("Opportunity", "update"): "own",
        ("Interaction", "log"): "customer_or_lead",
        ("Task", "complete"): "own",
        ("Contract", "create"): "customer",
    },
    Role.PARTNER_USER: {
        ("Customer", "create"): "partner",
        ("Customer", "update"): "partner",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "partner",
        ("Opportunity", "register"): "customer",
        ("Ticket", "create"): "customer",
        ("Interaction", "log"): "customer_or_lead",
        ("Task", "complete"): "own",
        ("Lead", "respond"): "partner",
    },
    Role.TECHNICIAN: {
        ("Ticket", "updateStatus"): "assigned",
        ("ServiceVisit", "record"): "assigned",
        ("Interaction", "log"): "assigned",
        ("Task", "complete"): "own",
    },
    Role.SERVICE_AGENT: {
        ("Customer", "update"): "all",
        ("Contact", "create"): "all",
        ("Ticket", "create"): "all",
        ("Ticket", "assign"): "all",
        ("Ticket", "updateStatus"): "all",
        ("ServiceVisit", "record"): "all",
        ("Interaction", "log"): "all",
        ("Task", "complete"): "own",
        ("SurveyResponse", "request"): "all",  # §7: requestSurvey (service agents, admins)
    },
    Role.ANALYST: {},
}


def default_with(extra: str) -> list[list[str]]:
    """The default policy's lines with `extra` (CSV) appended."""
    return [*default_lines(), *parse_csv(extra)]
