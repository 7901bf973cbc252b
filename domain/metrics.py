"""The managers' numbers (CONTRACT §10): which KPIs and dimensions exist, and what each needs.

A KPI is offered to a role only when every type and field it is computed from is in that role's
slice; `NEEDS` names them, and the schema layer cuts each role's `Kpi` enum by it.
"""

from __future__ import annotations

from enum import StrEnum


class Kpi(StrEnum):
    LEAD_COUNT = "LEAD_COUNT"
    LEAD_CONVERSION_RATE = "LEAD_CONVERSION_RATE"
    WIN_RATE = "WIN_RATE"
    AVERAGE_ORDER_VALUE = "AVERAGE_ORDER_VALUE"
    SALES_CYCLE_DAYS = "SALES_CYCLE_DAYS"
    PIPELINE_VALUE = "PIPELINE_VALUE"
    FIRST_RESPONSE_MINUTES = "FIRST_RESPONSE_MINUTES"
    RESOLUTION_HOURS = "RESOLUTION_HOURS"
    FIRST_CONTACT_RESOLUTION_RATE = "FIRST_CONTACT_RESOLUTION_RATE"
    SLA_ATTAINMENT_RATE = "SLA_ATTAINMENT_RATE"
    CSAT = "CSAT"
    NPS = "NPS"
    CHURN_RATE = "CHURN_RATE"
    LIFETIME_VALUE = "LIFETIME_VALUE"
    COST_PER_LEAD = "COST_PER_LEAD"
    CAMPAIGN_ROI = "CAMPAIGN_ROI"


class Dimension(StrEnum):
    REGION = "REGION"
    INDUSTRY = "INDUSTRY"
    OWNER = "OWNER"
    PARTNER = "PARTNER"
    SOURCE = "SOURCE"
    CHANNEL = "CHANNEL"
    CAMPAIGN = "CAMPAIGN"
    PRIORITY = "PRIORITY"
    TIER = "TIER"
    MONTH = "MONTH"


_LEAD = ("Lead.status", "Lead.createdAt")
_DEAL = ("Opportunity.amount", "Opportunity.stage", "Opportunity.closedAt")

#: The types (`Lead`) and fields (`Ticket.resolvedAt`) each KPI is computed from.
NEEDS: dict[Kpi, tuple[str, ...]] = {
    Kpi.LEAD_COUNT: _LEAD,
    Kpi.LEAD_CONVERSION_RATE: _LEAD,
    Kpi.WIN_RATE: _DEAL,
    Kpi.AVERAGE_ORDER_VALUE: _DEAL,
    Kpi.SALES_CYCLE_DAYS: (*_DEAL, "Opportunity.createdAt"),
    Kpi.PIPELINE_VALUE: _DEAL,
    Kpi.FIRST_RESPONSE_MINUTES: ("Ticket.createdAt", "Ticket.firstRespondedAt"),
    Kpi.RESOLUTION_HOURS: ("Ticket.createdAt", "Ticket.resolvedAt"),
    Kpi.FIRST_CONTACT_RESOLUTION_RATE: ("Ticket.resolvedAt", "ServiceVisit", "TicketEvent"),
    Kpi.SLA_ATTAINMENT_RATE: ("Ticket.resolvedAt", "Ticket.resolutionDueAt"),
    Kpi.CSAT: ("SurveyResponse.score", "SurveyResponse.kind"),
    Kpi.NPS: ("SurveyResponse.score", "SurveyResponse.kind"),
    Kpi.CHURN_RATE: ("Customer.status",),
    Kpi.LIFETIME_VALUE: ("Customer.lifetimeValue", *_DEAL),
    Kpi.COST_PER_LEAD: ("Campaign.cost", "Campaign.startsOn", "Lead.campaign"),
    Kpi.CAMPAIGN_ROI: (
        "Campaign.cost",
        "Campaign.startsOn",
        "Lead.campaign",
        "Lead.convertedCustomer",
        *_DEAL,
    ),
}

#: What grouping by each dimension reads.
DIMENSION_NEEDS: dict[Dimension, tuple[str, ...]] = {
    Dimension.REGION: (),
    Dimension.INDUSTRY: (),
    Dimension.OWNER: ("User",),
    Dimension.PARTNER: ("Partner",),
    Dimension.SOURCE: ("Lead.source",),
    Dimension.CHANNEL: (),
    Dimension.CAMPAIGN: ("Campaign", "Lead.campaign"),
    Dimension.PRIORITY: ("Ticket.priority",),
    Dimension.TIER: ("Customer.tier",),
    Dimension.MONTH: (),
}

#: Opportunity stages in the order a deal moves through them (CLOSED_LOST aside).
FUNNEL_STAGES = ("QUALIFICATION", "NEEDS_ANALYSIS", "PROPOSAL", "NEGOTIATION", "CLOSED_WON")
FUNNEL_NEEDS = ("Opportunity.stage", "Opportunity.amount")

#: Months (`MONTH`, `YYYY-MM`) are counted on the business's calendar.
BUSINESS_ZONE = "Asia/Shanghai"


def readable(needs: tuple[str, ...], present: dict[str, tuple[str, ...]]) -> bool:
    """Whether every type and field named is in a slice (`present`: type -> its fields)."""
    for need in needs:
        type_name, _, field = need.partition(".")
        if type_name not in present or (field and field not in present[type_name]):
            return False
    return True
