"""CONTRACT §1, §3 and §5 for writes, as plain Python over a `World`: who may call what, which
input field names the record acted on, what each `…Id` field refers to, and how to build a
valid input that stays inside a viewer's slice (`tests/slices/write_inputs.py`).

Written from the contract's words, not from `authz` or the resolvers (nothing here imports
them). Where the contract is silent the oracle follows authz/default_policy.csv, and the line
says "policy". Row scopes come from `tests/slices/oracle.py`: a write may only reach what its
viewer may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tests.slices.oracle import ABSENT_TYPES
from tests.slices.world import ROLES, TYPES

ADMIN = frozenset({"ADMIN"})
SALES = frozenset({"ADMIN", "SALES_MANAGER", "SALES_REP"})

# §1, §3 and §5: the roles that may call each mutation. Every other role must not even find the
# mutation in its schema (§5: "a mutation the role's policy can never allow is absent").
MUTATIONS: dict[str, frozenset[str]] = {
    "updatePolicy": ADMIN,  # §1: "everything, plus users and policies"
    "createUser": ADMIN,  # §1
    "createPartner": ADMIN,  # policy: partners are the admin's reference data
    "createCustomer": SALES | {"PARTNER_USER"},  # policy: the service side only edits them
    "updateCustomer": SALES | {"PARTNER_USER", "SERVICE_AGENT"},  # policy for SERVICE_AGENT
    "createContact": SALES | {"PARTNER_USER", "SERVICE_AGENT"},  # policy for SERVICE_AGENT
    "createLead": SALES | {"PARTNER_USER"},  # §3: TECHNICIAN and SERVICE_AGENT lack Lead
    "convertLead": SALES,  # policy: a partner's leads are converted by us
    "createOpportunity": SALES,  # policy: a partner registers deals instead
    "updateOpportunity": SALES,
    "registerDeal": ADMIN | {"PARTNER_USER"},  # §7: deal registration is the partner's act
    "createTicket": ADMIN | {"SALES_MANAGER", "PARTNER_USER", "SERVICE_AGENT"},  # §3: a rep's
    # tickets are read-only
    "assignTicket": ADMIN | {"SERVICE_AGENT"},  # policy: the service desk dispatches
    "updateTicketStatus": ADMIN | {"SERVICE_AGENT", "TECHNICIAN"},  # policy
    "recordServiceVisit": ADMIN | {"SERVICE_AGENT", "TECHNICIAN"},  # policy
    "logInteraction": frozenset(ROLES) - {"ANALYST"},  # §3: ANALYST is read-only
    # §7: "the calendar and the SLA policies are data that an admin changes at run time"
    "updateSlaPolicy": ADMIN,
    "setBusinessDay": ADMIN,
    "completeTask": frozenset(ROLES) - {"ANALYST"},  # policy: the assignee, managers, admins
    "createContract": SALES,  # policy: sales sell contracts under customers they see
    "createWebhookEndpoint": ADMIN,  # §8: "Admins manage endpoints"
    "deleteWebhookEndpoint": ADMIN,  # §8
    "requestSurvey": ADMIN | {"SERVICE_AGENT"},  # §7: "(service agents, admins)"
    # §7: "Admins manage rules"; web forms are made by admins (§9).
    "createAssignmentRule": ADMIN,
    "updateAssignmentRule": ADMIN,
    "createWebForm": ADMIN,
    # §7: managers and admins offer leads and decide deals; partner users answer offers.
    "distributeLead": ADMIN | {"SALES_MANAGER"},
    "acceptLead": ADMIN | {"PARTNER_USER"},  # §1: admins do everything
    "rejectLead": ADMIN | {"PARTNER_USER"},
    "approveDeal": ADMIN | {"SALES_MANAGER"},
    "rejectDeal": ADMIN | {"SALES_MANAGER"},
    "createCampaign": ADMIN | {"SALES_MANAGER"},  # policy: marketing is run by managers
    # Issue 11: nurture sequences are the admins' configuration, like assignment rules.
    "createNurtureSequence": ADMIN,
    "updateNurtureSequence": ADMIN,
    # Issue 11: the lead scoring rules are the admins' (managers only read them).
    "createScoringRule": ADMIN,
    "updateScoringRule": ADMIN,
}

# §5: "`…Id` for a reference": every ID field of a mutation input and the type it must name.
REFERENCE_TYPES: dict[str, str] = {
    "customerId": "Customer",
    "contactId": "Contact",
    "assetId": "Asset",
    "leadId": "Lead",
    "opportunityId": "Opportunity",
    "ticketId": "Ticket",
    "ownerId": "User",
    "managerId": "User",
    "assigneeId": "User",
    "technicianId": "User",
    "partnerId": "Partner",
    "taskId": "Task",
    "webhookEndpointId": "WebhookEndpoint",
    "assignmentRuleId": "AssignmentRule",
    "nurtureSequenceId": "NurtureSequence",
    "scoringRuleId": "ScoringRule",
}

# Data fields whose names end in `Id` but refer to no row (§2 `taxId`, `externalId`; §9 the
# channels' user ids).
NOT_REFERENCES = frozenset({"taxId", "externalId", "wecomUserId", "dingtalkUserId", "campaignId"})
# (`campaignId` names a Campaign, which the world's slices do not model: createLead's is checked
# in tests/workflows/test_lead_loose_ends.py.)


def id_fields(fields: Iterable[str]) -> frozenset[str]:
    """The `…Id` fields of an input that refer to a row."""
    return frozenset(f for f in fields if f.endswith("Id") and f not in NOT_REFERENCES)


# The record a mutation acts on, or the parent its new record hangs under (§5 names them).
TARGETS: dict[str, tuple[str, ...]] = {
    "updateCustomer": ("customerId",),
    "createContact": ("customerId",),
    "convertLead": ("leadId",),
    "createOpportunity": ("customerId",),
    "updateOpportunity": ("opportunityId",),
    "registerDeal": ("customerId",),
    "createTicket": ("customerId",),
    "assignTicket": ("ticketId",),
    "updateTicketStatus": ("ticketId",),
    "recordServiceVisit": ("ticketId",),
    "logInteraction": ("customerId", "leadId"),
    "completeTask": ("taskId",),
    "createContract": ("customerId",),
    "deleteWebhookEndpoint": ("webhookEndpointId",),
    "requestSurvey": ("customerId",),
    "updateAssignmentRule": ("assignmentRuleId",),
    "updateScoringRule": ("scoringRuleId",),
    "distributeLead": ("leadId",),
    "acceptLead": ("leadId",),
    "rejectLead": ("leadId",),
    "approveDeal": ("opportunityId",),
    "rejectDeal": ("opportunityId",),
    "updateNurtureSequence": ("nurtureSequenceId",),
}

# Fields whose own input is an interaction about a lead alone (no customer).
LEAD_ONLY = {("logInteraction", "leadId")}

# A reference that must belong to the input's customer: another visible customer's row is
# BAD_USER_INPUT (the record exists and the viewer may see it, so nothing is probed).
SAME_CUSTOMER = {
    ("createTicket", "contactId"),
    ("createTicket", "assetId"),
    ("logInteraction", "contactId"),
}

# Types of which a role reads every row, so no foreign row of them can exist (§3).
_PRESENT = frozenset(TYPES)
READS_ALL: dict[str, frozenset[str]] = {
    # §8: admins manage every endpoint; §7: and the lead processes' configuration.
    "ADMIN": _PRESENT | {"WebhookEndpoint", "AssignmentRule", "NurtureSequence"},
    "ANALYST": _PRESENT,
    "SERVICE_AGENT": _PRESENT - ABSENT_TYPES["SERVICE_AGENT"],
    "SALES_MANAGER": frozenset({"Partner", "User"}),  # policy
    "SALES_REP": frozenset({"Partner", "User"}),  # policy
    "PARTNER_USER": frozenset(),
    "TECHNICIAN": frozenset(),
}

# Where a successful act shows in the database: a new row of the type, or the target's
# `version` + 1; updatePolicy stores the same lines again.
EFFECTS: dict[str, tuple[str, str]] = {
    "updatePolicy": ("Policy", "same"),
    "createUser": ("User", "insert"),
    "createPartner": ("Partner", "insert"),
    "createCampaign": ("Campaign", "insert"),
    "createCustomer": ("Customer", "insert"),
    "updateCustomer": ("Customer", "version"),
    "createContact": ("Contact", "insert"),
    "createLead": ("Lead", "insert"),
    "convertLead": ("Lead", "version"),
    "createOpportunity": ("Opportunity", "insert"),
    "updateOpportunity": ("Opportunity", "version"),
    "registerDeal": ("Opportunity", "insert"),
    "createTicket": ("Ticket", "insert"),
    "assignTicket": ("Ticket", "version"),
    "updateTicketStatus": ("Ticket", "version"),
    "recordServiceVisit": ("ServiceVisit", "insert"),
    "logInteraction": ("Interaction", "insert"),
    "updateSlaPolicy": ("SlaPolicy", "config"),  # configuration: success is the answer
    "setBusinessDay": ("BusinessDay", "config"),
    "completeTask": ("Task", "version"),
    "createContract": ("Contract", "insert"),
    "createWebhookEndpoint": ("WebhookEndpoint", "insert"),
    "deleteWebhookEndpoint": ("WebhookEndpoint", "deleted"),
    # §7: the token is made and announced by a job right after the request commits.
    "requestSurvey": ("Job", "insert"),
    "createAssignmentRule": ("AssignmentRule", "insert"),
    "updateAssignmentRule": ("AssignmentRule", "version"),
    "createWebForm": ("WebForm", "insert"),
    "distributeLead": ("Lead", "version"),
    "acceptLead": ("Lead", "version"),
    "rejectLead": ("Lead", "version"),
    "approveDeal": ("Opportunity", "version"),
    "rejectDeal": ("Opportunity", "version"),
    "createNurtureSequence": ("NurtureSequence", "insert"),
    "updateNurtureSequence": ("NurtureSequence", "version"),
    "createScoringRule": ("ScoringRule", "insert"),
    "updateScoringRule": ("ScoringRule", "version"),
}


@dataclass(frozen=True, order=True)
class Case:
    """One cell of the matrix: a role calling a mutation in one way."""

    mutation: str
    role: str
    # absent | absent-lead | own | own-lead | foreign | nonexistent | absent-field |
    # other-customer ("-lead": the input is about a lead alone)
    kind: str
    field: str | None = None

    def __str__(self) -> str:
        on = f".{self.field}" if self.field else ""
        return f"{self.role} {self.mutation}{on} [{self.kind}]"


def absent_types(role: str) -> frozenset[str]:
    return ABSENT_TYPES.get(role, frozenset())


def base_of(case: Case) -> str:
    """Which own input a case starts from: the lead-only interaction, or the usual one."""
    return "own-lead" if (case.mutation, case.field) in LEAD_ONLY else "own"


def cases(mutation: str, role: str, id_fields: Iterable[str]) -> list[Case]:
    """Every cell for one role and mutation; `id_fields` are the `…Id` fields of its input in
    the ADMIN schema (all of them, so a new reference cannot go untested)."""
    about_leads = any(m == mutation for m, _ in LEAD_ONLY)
    if role not in MUTATIONS[mutation]:
        return [Case(mutation, role, "absent")] + (
            [Case(mutation, role, "absent-lead")] if about_leads else []
        )
    found = [Case(mutation, role, "own")]
    if about_leads and "Lead" not in absent_types(role):
        found.append(Case(mutation, role, "own-lead"))
    for field in sorted(id_fields):
        type_name = REFERENCE_TYPES[field]
        if type_name in absent_types(role):
            found.append(Case(mutation, role, "absent-field", field))
            continue
        found.append(Case(mutation, role, "nonexistent", field))
        if type_name not in READS_ALL[role]:
            found.append(Case(mutation, role, "foreign", field))
        if (mutation, field) in SAME_CUSTOMER:
            found.append(Case(mutation, role, "other-customer", field))
    return found
