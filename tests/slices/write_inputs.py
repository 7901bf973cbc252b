"""Valid inputs for every mutation, built inside one viewer's slice of a world (the oracle's
data; its rules are in `tests/slices/write_oracle.py`).
"""

from __future__ import annotations

import re
from typing import Any

from schema.ids import encode_id
from tests.slices.write_lookups import ViewerRows
from tests.slices.write_oracle import REFERENCE_TYPES

# §2: who may be given a ticket (§7 escalation: technicians, service agents, admins).
ASSIGNABLE = ("TECHNICIAN", "SERVICE_AGENT", "ADMIN")
# Every row of a world is at its first version: the matrix inserts the world again after any
# write that changed it.
FIRST_VERSION = 1


class Inputs(ViewerRows):
    """Inputs for one viewer of one world (`ids` as the world was last inserted)."""

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
