"""The SQL of each KPI (CONTRACT §10): the records it counts, their period column, its aggregate.

Every table is read through the viewer's row scope (`persistence.scope_sql`, the very predicates
every other read uses), so a figure is computed over the viewer's slice only: nothing here is
precomputed, so nothing can mix slices, and every figure is as fresh as the rows themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.metrics import BUSINESS_ZONE, Dimension, Kpi

#: The viewer's rows of a type, as a derived table: `rows("Opportunity", "stage = 'X'")`.
Rows = Callable[[str, str], str]

#: A ticket moved back from RESOLVED or FOLLOW_UP (a partial index keeps these few at hand).
REOPENED = "from_status IN ('RESOLVED', 'FOLLOW_UP') AND to_status = 'IN_PROGRESS'"
OPEN_STAGES = "('QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION')"
WON = "'CLOSED_WON'"


@dataclass(frozen=True)
class Source:
    """The records a KPI is computed over: `r` (of `type_name`), with `c` its customer."""

    type_name: str
    customer_fk: str | None  # column of r naming its customer; None: no customer
    columns: tuple[str, ...] = ()  # the columns of r the KPIs read


LEADS = Source(
    "Lead",
    "converted_customer_id",
    ("status", "created_at", "campaign_id", "converted_customer_id"),
)
DEALS = Source("Opportunity", "customer_id", ("stage", "amount", "created_at", "closed_at"))
TICKETS = Source(
    "Ticket",
    "customer_id",
    ("created_at", "first_responded_at", "resolved_at", "resolution_due_at"),
)
SURVEYS = Source("SurveyResponse", "customer_id", ("kind", "score", "responded_at"))
CUSTOMERS = Source("Customer", None, ())
CAMPAIGNS = Source("Campaign", None, ("cost", "starts_on", "channel"))


@dataclass(frozen=True)
class Definition:
    """One KPI: its records, which of them count (`where`), the instant that places a record
    in the period and its month (`when`; None: now, not the period), and the aggregates."""

    source: Source
    where: str
    when: str | None
    value: str
    count: str
    joins: str = ""  # further tables the aggregates read, joined to `r`


def _avg(flag: str) -> str:
    return f"avg(CASE WHEN {flag} THEN 1 ELSE 0 END)"


def _mean_span(start: str, end: str, unit_seconds: int) -> str:
    return f"avg(extract(epoch FROM ({end} - {start})) / {unit_seconds})"


def definition(kpi: Kpi, rows: Rows) -> Definition:
    """A KPI's SQL; `rows` renders a scoped table, adding its parameters to the statement, so
    only the KPI asked for is rendered."""
    return _DEFINITIONS[kpi](rows)


def _first_contact(rows: Rows) -> Definition:
    """Resolved with at most one visit (that the viewer may see) and never reopened."""
    visits = rows("ServiceVisit", "true")
    reopened = rows("TicketEvent", REOPENED)
    return Definition(
        TICKETS,
        "r.resolved_at IS NOT NULL",
        "r.resolved_at",
        _avg("coalesce(visits.n, 0) <= 1 AND reopened.ticket_id IS NULL"),
        "count(*)",
        joins=(
            f" LEFT JOIN (SELECT v.ticket_id, count(*) AS n FROM {visits} v GROUP BY v.ticket_id)"
            " visits ON visits.ticket_id = r.id"
            f" LEFT JOIN (SELECT DISTINCT e.ticket_id FROM {reopened} e) reopened"
            " ON reopened.ticket_id = r.id"
        ),
    )


def _fixed(made: Definition) -> Callable[[Rows], Definition]:
    return lambda rows: made


_DEFINITIONS: dict[Kpi, Callable[[Rows], Definition]] = {
    kpi: _fixed(made)
    for kpi, made in {
        Kpi.LEAD_COUNT: Definition(LEADS, "true", "r.created_at", "count(*)", "count(*)"),
        Kpi.LEAD_CONVERSION_RATE: Definition(
            LEADS, "true", "r.created_at", _avg("r.status = 'CONVERTED'"), "count(*)"
        ),
        Kpi.WIN_RATE: Definition(
            DEALS,
            "r.stage IN ('CLOSED_WON', 'CLOSED_LOST')",
            "r.closed_at",
            _avg(f"r.stage = {WON}"),
            "count(*)",
        ),
        Kpi.AVERAGE_ORDER_VALUE: Definition(
            DEALS, f"r.stage = {WON}", "r.closed_at", "avg(r.amount)", "count(*)"
        ),
        Kpi.SALES_CYCLE_DAYS: Definition(
            DEALS,
            f"r.stage = {WON} AND r.closed_at IS NOT NULL",
            "r.closed_at",
            _mean_span("r.created_at", "r.closed_at", 86_400),
            "count(*)",
        ),
        Kpi.PIPELINE_VALUE: Definition(
            DEALS, f"r.stage IN {OPEN_STAGES}", None, "sum(r.amount)", "count(*)"
        ),
        Kpi.FIRST_RESPONSE_MINUTES: Definition(
            TICKETS,
            "r.first_responded_at IS NOT NULL",
            "r.created_at",
            _mean_span("r.created_at", "r.first_responded_at", 60),
            "count(*)",
        ),
        Kpi.RESOLUTION_HOURS: Definition(
            TICKETS,
            "r.resolved_at IS NOT NULL",
            "r.resolved_at",
            _mean_span("r.created_at", "r.resolved_at", 3_600),
            "count(*)",
        ),
        Kpi.SLA_ATTAINMENT_RATE: Definition(
            TICKETS,
            "r.resolved_at IS NOT NULL AND r.resolution_due_at IS NOT NULL",
            "r.resolved_at",
            _avg("r.resolved_at <= r.resolution_due_at"),
            "count(*)",
        ),
        Kpi.CSAT: Definition(
            SURVEYS, "r.kind = 'CSAT'", "r.responded_at", _avg("r.score >= 4"), "count(*)"
        ),
        Kpi.NPS: Definition(
            SURVEYS,
            "r.kind = 'NPS'",
            "r.responded_at",
            f"100 * ({_avg('r.score >= 9')} - {_avg('r.score <= 6')})",
            "count(*)",
        ),
    }.items()
}
_DEFINITIONS[Kpi.FIRST_CONTACT_RESOLUTION_RATE] = _first_contact
_DEFINITIONS[Kpi.LIFETIME_VALUE] = lambda rows: _lifetime_value(rows)
_DEFINITIONS[Kpi.COST_PER_LEAD] = lambda rows: _cost_per_lead(rows)
_DEFINITIONS[Kpi.CAMPAIGN_ROI] = lambda rows: _campaign_roi(rows)


def _lifetime_value(rows: Rows) -> Definition:
    """Lifetime value as `Customer.lifetimeValue` is: the won deals the viewer may see."""
    deals = rows("Opportunity", f"stage = {WON}")
    return Definition(
        CUSTOMERS,
        "true",
        None,
        "avg(won.amount)",
        "count(*)",
        joins=(
            f" JOIN (SELECT o.customer_id, sum(o.amount) AS amount FROM {deals} o"
            " GROUP BY o.customer_id) won ON won.customer_id = r.id"
        ),
    )


def _campaign_leads(rows: Rows) -> str:
    leads = rows("Lead", "true")
    return f"(SELECT count(*) FROM {leads} l WHERE l.campaign_id = r.id)"


def _cost_per_lead(rows: Rows) -> Definition:
    leads = _campaign_leads(rows)
    return Definition(
        CAMPAIGNS,
        "true",
        f"(r.starts_on::timestamp AT TIME ZONE '{BUSINESS_ZONE}')",
        f"sum(r.cost) / nullif(sum({leads}), 0)",
        f"coalesce(sum({leads}), 0)",
    )


def _campaign_roi(rows: Rows) -> Definition:
    """Won amount of the customers its leads became (each customer once per campaign)."""
    leads = rows("Lead", "converted_customer_id IS NOT NULL")
    deals = rows("Opportunity", f"stage = {WON}")
    won = (
        f"(SELECT coalesce(sum(o.amount), 0) FROM {deals} o WHERE o.customer_id IN"
        f" (SELECT l.converted_customer_id FROM {leads} l WHERE l.campaign_id = r.id))"
    )
    return Definition(
        CAMPAIGNS,
        "true",
        f"(r.starts_on::timestamp AT TIME ZONE '{BUSINESS_ZONE}')",
        f"(sum({won}) - sum(r.cost)) / nullif(sum(r.cost), 0)",
        "count(*)",
    )


def dimension(source: Source, dim: Dimension, when: str | None) -> str:
    """The SQL of a record's key for a dimension: its own value, else its customer's (`c`)."""
    if dim is Dimension.MONTH:
        if when is None:
            return "NULL::text"
        return f"to_char(({when}) AT TIME ZONE '{BUSINESS_ZONE}', 'YYYY-MM')"
    missing = "NULL::bigint" if dim in ID_DIMENSIONS else "NULL::text"
    return KEYS[source.type_name].get(dim, missing)


def _customer_keys(c: str) -> dict[Dimension, str]:
    return {
        Dimension.REGION: f"{c}.region::text",
        Dimension.INDUSTRY: f"{c}.industry::text",
        Dimension.OWNER: f"{c}.owner_id",
        Dimension.PARTNER: f"{c}.partner_id",
        Dimension.TIER: f"{c}.tier::text",
    }


_OF_CUSTOMER = _customer_keys("c")
KEYS: dict[str, dict[Dimension, str]] = {
    "Lead": {
        **_OF_CUSTOMER,
        Dimension.REGION: "coalesce(r.region::text, c.region::text)",
        Dimension.INDUSTRY: "coalesce(r.industry::text, c.industry::text)",
        Dimension.OWNER: "coalesce(r.assignee_id, c.owner_id)",
        Dimension.PARTNER: "coalesce(r.partner_id, c.partner_id)",
        Dimension.SOURCE: "r.source::text",
        Dimension.CAMPAIGN: "r.campaign_id",
    },
    "Opportunity": {
        **_OF_CUSTOMER,
        Dimension.OWNER: "coalesce(r.owner_id, c.owner_id)",
        Dimension.PARTNER: "coalesce(r.partner_id, c.partner_id)",
    },
    "Ticket": {
        **_OF_CUSTOMER,
        Dimension.CHANNEL: "r.channel::text",
        Dimension.PRIORITY: "r.priority::text",
    },
    "SurveyResponse": _OF_CUSTOMER,
    "Customer": _customer_keys("r"),
    "Campaign": {Dimension.CHANNEL: "r.channel::text", Dimension.CAMPAIGN: "r.id"},
}

#: Dimensions whose key is a record's id (turned into its global ID), by the type it names.
ID_DIMENSIONS = {
    Dimension.OWNER: "User",
    Dimension.PARTNER: "Partner",
    Dimension.CAMPAIGN: "Campaign",
}
