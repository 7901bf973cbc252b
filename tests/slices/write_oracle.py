"""CONTRACT §1, §3 and §5 for writes, as plain Python over a `World`: who may call what, which
input field names the record acted on, what each `…Id` field refers to, and how to build a
valid input that stays inside a viewer's slice.

Written from the contract's words, not from `authz` or the resolvers (nothing here imports
them). Where the contract is silent the oracle follows authz/default_policy.csv, and the line
says "policy". Row scopes come from `tests/slices/oracle.py`: a write may only reach what its
viewer may read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from schema.ids import decode_id, encode_id
from tests.slices.oracle import ABSENT_TYPES, Slice, visible
from tests.slices.world import ROLES, TYPES, Ids, World

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

# §2: who may be given a ticket (§7 escalation: technicians, service agents, admins).
ASSIGNABLE = ("TECHNICIAN", "SERVICE_AGENT", "ADMIN")
MISSING_OFFSET = 10**6
# Every row of a world is at its first version: the matrix inserts the world again after any
# write that changed it.
FIRST_VERSION = 1


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


class Inputs:
    """Inputs for one viewer of one world (`ids` as the world was last inserted)."""

    def __init__(self, world: World, ids: Ids, me: int, policy_csv: str, unique: str) -> None:
        self.world, self.ids, self.me = world, ids, me
        self.role = world.users[me].role
        self.slice: Slice = visible(world, me)
        self.policy_csv, self.unique = policy_csv, unique

    # --- ids -------------------------------------------------------------------------------

    def gid(self, type_name: str, index: int) -> str:
        return encode_id(type_name, self.ids[type_name][index])

    def missing(self, type_name: str) -> str:
        """A valid ID of the right type that names no row: a real row's id + 10^6."""
        return encode_id(type_name, max(self.ids.get(type_name, ()), default=0) + MISSING_OFFSET)

    def foreign(self, type_name: str) -> str | None:
        """A row that exists but lies outside the viewer's slice, if the world has one."""
        seen = self.slice.get(type_name, set())
        outside = [i for i in range(len(self.ids[type_name])) if i not in seen]
        return self.gid(type_name, outside[0]) if outside else None

    def other_customer(self, mutation: str, field: str) -> str | None:
        """A visible contact or asset of another visible customer than the input's."""
        own = self.own(mutation)
        if own is None:
            return None
        type_name = REFERENCE_TYPES[field]
        rows = self.world.rows(type_name)
        customer = self._index("Customer", own["customerId"])
        others = [i for i in self._mine(type_name) if rows[i].customer != customer]
        return self.gid(type_name, others[0]) if others else None

    def _index(self, type_name: str, global_id: str) -> int:
        return self.ids[type_name].index(decode_id(global_id)[1])

    # --- rows in the slice -----------------------------------------------------------------

    def _mine(self, type_name: str, keep: Callable[[int], bool] = lambda _: True) -> list[int]:
        return sorted(i for i in self.slice.get(type_name, set()) if keep(i))

    def _first(self, type_name: str, keep: Callable[[int], bool] = lambda _: True) -> str | None:
        mine = self._mine(type_name, keep)
        return self.gid(type_name, mine[0]) if mine else None

    def _users(self, *roles: str) -> str | None:
        return self._first("User", lambda i: self.world.users[i].role in roles)

    def _child(self, type_name: str, customer: int) -> str | None:
        rows = self.world.rows(type_name)
        return self._first(type_name, lambda i: rows[i].customer == customer)

    def _customer(self) -> int | None:
        """A visible customer, preferring one with a visible contact and asset."""

        def richness(c: int) -> int:
            return sum(self._child(t, c) is not None for t in ("Contact", "Asset"))

        mine = self._mine("Customer")
        return max(mine, key=lambda c: (richness(c), -c)) if mine else None

    def _my_partner(self) -> str | None:
        partner = self.world.users[self.me].partner
        return self.gid("Partner", partner) if partner is not None else None

    # --- own, valid inputs -----------------------------------------------------------------

    def own(self, mutation: str, variant: str = "own") -> dict[str, Any] | None:
        """A valid input acting inside the viewer's slice, or None when the world has no
        target for it."""
        if variant == "own-lead":
            lead = self._first("Lead")
            return None if lead is None else {**_INTERACTION, "leadId": lead}
        values = getattr(self, re.sub("([A-Z])", r"_\1", "_" + mutation).lower())()
        if values is None:
            return None
        return {k: v for k, v in values.items() if v is not None}

    def probe(self, mutation: str, variant: str = "own") -> dict[str, Any] | None:
        """An input for a role that must not call `mutation` at all: its own rows if it has
        them, else any row of the world (None if the world has none); a new user is an ADMIN
        (the escalation §1 forbids)."""
        own = self.own(mutation, variant)
        if own is None:
            everything = Inputs(
                self.world, self.ids, self._an_admin(), self.policy_csv, self.unique
            )
            own = everything.own(mutation, variant)
        if own is None:
            return None
        if mutation == "createUser":
            own = {k: v for k, v in own.items() if k not in ("partnerId", "managerId")}
            own["role"] = "ADMIN"
        return own

    def _an_admin(self) -> int:
        return next(i for i, u in enumerate(self.world.users) if u.role == "ADMIN")

    def _update_policy(self) -> dict[str, Any]:
        return {"csv": self.policy_csv}

    def _create_campaign(self) -> dict[str, Any]:
        return {"name": f"活动 {self.unique}", "channel": "EVENT", "startsOn": "2026-03-01",
                "endsOn": "2026-03-02", "cost": "10.00"}  # fmt: skip

    def _create_partner(self) -> dict[str, Any]:
        return {"name": f"渠道 {self.unique}", "kind": "DEALER", "tier": "GOLD", "region": "EAST"}

    def _create_user(self) -> dict[str, Any]:
        return {
            "externalId": f"new-{self.unique}",
            "displayName": "新技术员",
            "role": "TECHNICIAN",
            "partnerId": self._first("Partner"),
            "managerId": self._users("SERVICE_AGENT"),
        }

    def _create_customer(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": f"客户 {self.unique}", "region": "EAST"}
        if self.role == "ADMIN":
            values.update(ownerId=self._users("SALES_REP"), partnerId=self._first("Partner"))
        elif self.role in ("SALES_MANAGER", "SALES_REP"):
            values["ownerId"] = self.gid("User", self.me)
        elif self.role == "PARTNER_USER":
            values["partnerId"] = self._my_partner()
        return values

    def _update_customer(self) -> dict[str, Any] | None:
        customer = self._first("Customer")
        if customer is None:
            return None
        return {"customerId": customer, "expectedVersion": FIRST_VERSION, "name": "改名有限公司"}

    def _create_contact(self) -> dict[str, Any] | None:
        customer = self._first("Customer")
        return None if customer is None else {"customerId": customer, "name": "李经理"}

    def _create_lead(self) -> dict[str, Any]:
        values: dict[str, Any] = {"companyName": f"潜在客户 {self.unique}", "source": "EVENT"}
        if self.role == "ADMIN":
            values.update(assigneeId=self._users("SALES_REP"), partnerId=self._first("Partner"))
        elif self.role in ("SALES_MANAGER", "SALES_REP"):
            values["assigneeId"] = self.gid("User", self.me)
        elif self.role == "PARTNER_USER":
            values["partnerId"] = self._my_partner()
        return values

    def _convert_lead(self) -> dict[str, Any] | None:
        lead = self._first("Lead")  # every lead of a world is NEW
        return None if lead is None else {"leadId": lead}

    def _create_opportunity(self) -> dict[str, Any] | None:
        customer = self._first("Customer")
        if customer is None:
            return None
        return {"customerId": customer, "name": "新商机", "amount": "5000.00"}

    def _update_opportunity(self) -> dict[str, Any] | None:
        deal = self._first("Opportunity")
        if deal is None:
            return None
        return {"opportunityId": deal, "expectedVersion": FIRST_VERSION, "name": "改名商机"}

    def _register_deal(self) -> dict[str, Any] | None:
        customers = self.world.customers
        customer = self._first("Customer", lambda c: customers[c].partner is not None)
        if customer is None:
            return None
        return {"customerId": customer, "name": "报备商机", "amount": "8000.00"}

    def _create_ticket(self) -> dict[str, Any] | None:
        customer = self._customer()
        if customer is None:
            return None
        return {
            "customerId": self.gid("Customer", customer),
            "subject": "水泵漏水",
            "kind": "REPAIR",
            "contactId": self._child("Contact", customer),
            "assetId": self._child("Asset", customer),
        }

    def _assign_ticket(self) -> dict[str, Any] | None:
        ticket = self._first("Ticket")
        assignee = next(filter(None, (self._users(role) for role in ASSIGNABLE)), None)
        if ticket is None or assignee is None:
            return None
        return {"ticketId": ticket, "assigneeId": assignee}

    def _update_ticket_status(self) -> dict[str, Any] | None:
        ticket = self._first("Ticket")  # every ticket of a world is NEW
        if ticket is None:
            return None
        return {"ticketId": ticket, "expectedVersion": FIRST_VERSION, "status": "ACCEPTED"}

    def _record_service_visit(self) -> dict[str, Any] | None:
        ticket = self._first("Ticket")
        if ticket is None:
            return None
        technician = (
            self.gid("User", self.me) if self.role == "TECHNICIAN" else self._users("TECHNICIAN")
        )
        return {
            "ticketId": ticket,
            "scheduledStart": "2026-12-01T09:00:00+08:00",
            "scheduledEnd": "2026-12-01T11:00:00+08:00",
            "technicianId": technician,
        }

    def _log_interaction(self) -> dict[str, Any] | None:
        customer = self._customer()
        if customer is None:
            return None
        return {
            **_INTERACTION,
            "customerId": self.gid("Customer", customer),
            "contactId": self._child("Contact", customer),
        }

    def _update_sla_policy(self) -> dict[str, Any]:
        return {"priority": "HIGH", "firstResponseMinutes": 120, "resolutionMinutes": 960}

    def _set_business_day(self) -> dict[str, Any]:
        return {"date": "2030-01-02", "working": False, "note": "公司活动"}

    def _complete_task(self) -> dict[str, Any] | None:
        tasks = self.world.tasks
        if self.role == "SERVICE_AGENT":  # reads every task, completes its own (policy)
            return _or_none("taskId", self._first("Task", lambda i: tasks[i].assignee == self.me))
        return _or_none("taskId", self._first("Task"))  # read scope = complete scope (policy)

    def _create_contract(self) -> dict[str, Any] | None:
        customer = self._first("Customer")
        if customer is None:
            return None
        return {
            "customerId": customer,
            "number": f"HT-{self.unique}",
            "startsOn": "2026-01-01",
            "endsOn": "2027-12-31",
            "value": "120000.00",
        }

    def _create_webhook_endpoint(self) -> dict[str, Any]:
        return {"url": f"https://hooks.example.com/{self.unique}", "events": ["ticket.created"]}

    def _delete_webhook_endpoint(self) -> dict[str, Any] | None:
        endpoint = self.ids.get("WebhookEndpoint")
        return (
            {"webhookEndpointId": encode_id("WebhookEndpoint", endpoint[0])} if endpoint else None
        )

    def _request_survey(self) -> dict[str, Any] | None:
        customer = self._first("Customer")
        return None if customer is None else {"customerId": customer, "kind": "NPS"}

    # --- issue 11 ---------------------------------------------------------------------------

    def _create_assignment_rule(self) -> dict[str, Any] | None:
        rep = self._users("SALES_REP", "SALES_MANAGER")
        if rep is None:
            return None
        return {"name": f"规则 {self.unique}", "strategy": "ROUND_ROBIN", "assigneeIds": [rep]}

    def _configured(self, type_name: str) -> str | None:
        """The world's one row of an admins' configuration type (`world._lead_desk`)."""
        rows = self.ids.get(type_name)
        return encode_id(type_name, rows[0]) if rows else None

    def _update_assignment_rule(self) -> dict[str, Any] | None:
        rule = self._configured("AssignmentRule")
        if rule is None:
            return None
        return {"assignmentRuleId": rule, "expectedVersion": FIRST_VERSION, "name": "改名规则"}

    def _create_web_form(self) -> dict[str, Any] | None:
        campaign = self._configured("Campaign")
        return None if campaign is None else {"name": f"表单 {self.unique}", "campaignId": campaign}

    def _create_nurture_sequence(self) -> dict[str, Any]:
        step = {"afterBusinessDays": 2, "action": "CREATE_TASK", "title": "回访"}
        return {"name": f"培育 {self.unique}", "trigger": {"kind": "WEBINAR"}, "steps": [step]}

    def _update_nurture_sequence(self) -> dict[str, Any] | None:
        sequence = self._configured("NurtureSequence")
        if sequence is None:
            return None
        return {"nurtureSequenceId": sequence, "expectedVersion": FIRST_VERSION, "active": False}

    def _distribute_lead(self) -> dict[str, Any] | None:
        lead, partner = self._first("Lead"), self._first("Partner")
        if lead is None or partner is None:
            return None
        return {"leadId": lead, "partnerId": partner}

    def _offered(self) -> str | None:
        """A lead offered to a partner (every lead of a world with a partner is)."""
        leads = self.world.leads
        return self._first("Lead", lambda i: leads[i].partner is not None)

    def _accept_lead(self) -> dict[str, Any] | None:
        return _or_none("leadId", self._offered())

    def _reject_lead(self) -> dict[str, Any] | None:
        lead = self._offered()
        return None if lead is None else {"leadId": lead, "reason": "不在服务区域"}

    def _pending(self) -> str | None:
        """A PENDING registration (every deal of a world by its customer's partner is)."""
        deals, customers = self.world.opportunities, self.world.customers
        return self._first(
            "Opportunity",
            lambda i: (
                deals[i].partner is not None
                and deals[i].partner == customers[deals[i].customer].partner
            ),
        )

    def _approve_deal(self) -> dict[str, Any] | None:
        return _or_none("opportunityId", self._pending())

    def _reject_deal(self) -> dict[str, Any] | None:
        deal = self._pending()
        return None if deal is None else {"opportunityId": deal, "reason": "重复报备"}

    def _create_scoring_rule(self) -> dict[str, Any]:
        return {"name": f"评分 {self.unique}", "kind": "FIT", "field": "INDUSTRY",
                "value": "制造业", "points": 5}  # fmt: skip

    def _update_scoring_rule(self) -> None:
        return None  # a world has no scoring rules (tests/workflows/test_lead_scoring.py)


def _or_none(field: str, value: str | None) -> dict[str, Any] | None:
    return None if value is None else {field: value}


_INTERACTION = {"channel": "PHONE", "direction": "OUTBOUND", "summary": "电话回访"}
