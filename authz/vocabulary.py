"""The policy's vocabulary: the types it governs, the acts each mutation and query needs, the
row scopes a line may name, and what an act may write besides its own type. Pure data."""

from __future__ import annotations

from pathlib import Path

from catalogue import CATALOGUE

MODEL_PATH = Path(__file__).with_name("casbin_model.conf")
DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.csv")

READ = "read"
NO_SCOPE = "-"
ALLOW = "allow"
DENY = "deny"
POLICY_TYPE = "Policy"

#: Row scopes; the query layer turns each into a WHERE predicate for a given type.
SCOPES = frozenset(
    {
        "all",
        "own",
        "team",
        "partner",
        "assigned",
        "customer",
        "customer_external",
        "customer_or_lead",
        "none",
        # Issue 11: a sales manager's leads are the team's and the unassigned pool.
        "team_or_unassigned",
    }
)

#: Types whose rows the policy scopes, read or not by each role (CONTRACT §2 plus feed rows):
#: the policy object of every type in the catalogue.
DOMAIN_TYPES = tuple(entry.policy_name for entry in CATALOGUE.values())

#: Each mutation and admin query -> the (type, act) cell of the policy that allows it. A role's
#: schema holds an operation only when its policy allows the cell, and the write path opens a
#: store for exactly this cell, so an operation missing here can neither be served nor run.
MUTATION_ACTIONS: dict[str, tuple[str, str]] = {
    "createPartner": ("Partner", "create"),
    "createUser": ("User", "create"),
    "createCustomer": ("Customer", "create"),
    "updateCustomer": ("Customer", "update"),
    "createContact": ("Contact", "create"),
    "createLead": ("Lead", "create"),
    "convertLead": ("Lead", "convert"),
    "createOpportunity": ("Opportunity", "create"),
    "updateOpportunity": ("Opportunity", "update"),
    "registerDeal": ("Opportunity", "register"),
    "createTicket": ("Ticket", "create"),
    "assignTicket": ("Ticket", "assign"),
    "updateTicketStatus": ("Ticket", "updateStatus"),
    "recordServiceVisit": ("ServiceVisit", "record"),
    "logInteraction": ("Interaction", "log"),
    "createCampaign": ("Campaign", "create"),
    "updatePolicy": (POLICY_TYPE, "manage"),
    # Workflows (CONTRACT §7): service configuration is policy administration.
    "updateSlaPolicy": (POLICY_TYPE, "manage"),
    "setBusinessDay": (POLICY_TYPE, "manage"),
    "completeTask": ("Task", "complete"),
    "createContract": ("Contract", "create"),
    # Webhooks (CONTRACT §8) and surveys (§7).
    "createWebhookEndpoint": ("WebhookEndpoint", "create"),
    "deleteWebhookEndpoint": ("WebhookEndpoint", "delete"),
    "requestSurvey": ("SurveyResponse", "request"),
    # Issue 11: leads that never wait.
    "createAssignmentRule": ("AssignmentRule", "create"),
    "updateAssignmentRule": ("AssignmentRule", "update"),
    "distributeLead": ("Lead", "distribute"),
    "acceptLead": ("Lead", "respond"),
    "rejectLead": ("Lead", "respond"),
    "approveDeal": ("Opportunity", "decide"),
    "rejectDeal": ("Opportunity", "decide"),
    "createWebForm": ("WebForm", "create"),
    "createNurtureSequence": ("NurtureSequence", "create"),
    "updateNurtureSequence": ("NurtureSequence", "update"),
    # Issue 11: lead scoring rules.
    "createScoringRule": ("ScoringRule", "create"),
    "updateScoringRule": ("ScoringRule", "update"),
}
#: Queries that exist only for roles allowed a cell (policy administration).
QUERY_ACTIONS: dict[str, tuple[str, str]] = {
    "explainAccess": (POLICY_TYPE, "manage"),
    "slaPolicies": (POLICY_TYPE, "manage"),
    "businessDays": (POLICY_TYPE, "manage"),
}

#: Records an act writes besides records of its own type, as part of the same change: a record's
#: history (stage changes, ticket events) and what a conversion makes. The write path refuses
#: to write any other type under the act.
CONSEQUENCES: dict[tuple[str, str], frozenset[str]] = {
    ("Opportunity", "create"): frozenset({"OpportunityStageChange"}),
    ("Opportunity", "update"): frozenset({"OpportunityStageChange"}),
    ("Opportunity", "register"): frozenset({"OpportunityStageChange"}),
    ("Ticket", "create"): frozenset({"TicketEvent"}),
    ("Ticket", "assign"): frozenset({"TicketEvent"}),
    ("Ticket", "updateStatus"): frozenset({"TicketEvent"}),
    ("Lead", "convert"): frozenset({"Customer", "Contact"}),
    # Service to sales: an upsell note on a visit raises a lead, its note as an interaction.
    ("ServiceVisit", "record"): frozenset({"Lead", "Interaction"}),
    # Issue 11: routing a new lead advances its rule and gives the assignee a FIRST_CONTACT
    # task; the assignee's first logged touchpoint marks the lead contacted.
    ("Lead", "create"): frozenset({"Task", "AssignmentRule"}),
    # An interaction of a nurture sequence's trigger kind enrols the lead (issue 11).
    ("Interaction", "log"): frozenset({"Lead", "NurtureEnrollment"}),
}

ACTS = frozenset({READ} | {act for _, act in MUTATION_ACTIONS.values()})
