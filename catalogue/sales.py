"""Leads, opportunities, their stage changes, and campaigns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from catalogue.model import (
    JSON,
    TIMES,
    Column,
    Computed,
    Entry,
    Ordering,
    ToMany,
    any_of,
    equals_ci,
    ref,
    search,
    stamps,
    to_one,
    updated_since,
)
from domain.enums import (
    CampaignStatus,
    Channel,
    LeadOfferStatus,
    LeadSource,
    LeadStatus,
    OpportunityStage,
    Region,
    RegistrationStatus,
)

LEAD = Entry(
    name="Lead",
    table="lead",
    description="An inbound prospect not yet qualified.",
    plural="leads",
    columns=(
        Column("company_name", str, "The prospect's company."),
        Column("contact_name", str, "Who we talk to.", True),
        Column("email", str, "Contact e-mail.", True),
        Column("phone", str, "Contact phone.", True),
        Column("source", LeadSource, "Where the lead came from."),
        Column("region", Region, "Region of the prospect.", True),
        Column("industry", str, "Industry, free text.", True),
        Column(
            "score",
            int,
            "Qualification score, 0–100, from the scoring rules (`scoringRules`): behaviour "
            "points decayed by age plus fit points, rescored when the lead is created, when an "
            "interaction is logged on it, when the rules change and daily. A score given to "
            "createLead stands until the next rescore replaces it.",
        ),
        Column(
            "scored_at",
            datetime,
            "When the scoring rules last scored the lead; null if they never have.",
            True,
        ),
        Column("status", LeadStatus, "Qualification state."),
        Column(
            "first_contact_due_at",
            datetime,
            "When the first contact is due (assignment SLA).",
            True,
        ),
        Column("first_contacted_at", datetime, "When first contacted.", True),
        Column(
            "offer_status",
            LeadOfferStatus,
            "The partner offer: OFFERED, ACCEPTED, or how the last one ended.",
            True,
        ),
        Column(
            "offer_expires_at",
            datetime,
            "When an open partner offer lapses and the lead returns to the pool.",
            True,
        ),
        Column(
            "offer_rejection_reason",
            str,
            "Why the partner declined the last offer (`rejectLead`), for the managers.",
            True,
        ),
        *stamps("When the lead arrived."),
        # The largest contributions when last scored (`domain.lead_scoring.Contribution`),
        # shown by the computed `scoreExplanation`.
        Column("score_explanation", JSON, private=True),
    ),
    relations=(
        to_one("campaign", "Campaign", "The marketing campaign that brought this lead."),
        to_one("assignee", "User", "The user working this lead."),
        to_one("partner", "Partner", "The partner this lead was distributed to."),
        to_one("converted_customer", "Customer", "The customer this lead became, once converted."),
    ),
    to_many=(
        ToMany(
            "nurture_enrollments",
            "NurtureEnrollment",
            "The nurture sequences this lead is in, with step progress.",
            filter=False,
            order_first=True,
        ),
    ),
    ordering=Ordering(
        (*TIMES[:2], ("COMPANY_NAME", "company_name"), ("SCORE", "score"), TIMES[2]),
        ("CREATED_AT", "DESC"),
    ),
    filter_description="Narrow a lead list.",
    filters=(
        search("Substring of company/contact."),
        any_of("status", LeadStatus),
        any_of("source", LeadSource),
        any_of("region", Region),
        equals_ci("industry"),
        ref("assignee_id", "User"),
        ref("partner_id", "Partner"),
        updated_since(),
    ),
    search=("company_name", "contact_name"),
    computed=(
        Computed(
            "score_explanation",
            "Why the lead has its score: its largest contributions when last scored (at most "
            "5), largest first by points (a negative one by its size).",
        ),
    ),
)

OPPORTUNITY = Entry(
    name="Opportunity",
    table="opportunity",
    description="A deal with a customer.",
    plural="opportunities",
    columns=(
        Column("name", str, "What the deal is."),
        Column("amount", Decimal, "Deal value."),
        Column("currency", str, "ISO 4217 code; CNY by default."),
        Column("stage", OpportunityStage, "Sales stage."),
        Column("probability", int, "Win probability in percent."),
        Column("expected_close_date", date, "When we expect to close.", True),
        Column("closed_at", datetime, "When it was won or lost.", True),
        Column("registration_status", RegistrationStatus, "Deal registration by a partner."),
        Column("margin_percent", Decimal, "Our margin, in percent.", True),
        *stamps(),
    ),
    relations=(
        to_one("customer", "Customer", "The customer the deal is with."),
        to_one("owner", "User", "The sales owner."),
        to_one("partner", "Partner", "The partner who brought or registered the deal."),
    ),
    ordering=Ordering(
        (
            ("UPDATED_AT", "updated_at"),
            ("CREATED_AT", "created_at"),
            ("NAME", "name"),
            ("AMOUNT", "amount"),
            ("ID", "id"),
        ),
        ("UPDATED_AT", "DESC"),
    ),
    filter_description="Narrow an opportunity list.",
    filters=(
        search("Substring of the name."),
        any_of("stage", OpportunityStage),
        any_of("registration_status", RegistrationStatus),
        ref("owner_id", "User"),
        ref("partner_id", "Partner"),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
    search=("name",),
)

OPPORTUNITY_STAGE_CHANGE = Entry(
    name="OpportunityStageChange",
    table="opportunity_stage_change",
    description="A deal moving between stages; part of the customer timeline.",
    plural="opportunity stage changes",
    columns=(
        Column("from_stage", OpportunityStage, "Stage before.", True),
        Column("to_stage", OpportunityStage, "Stage after."),
        Column("occurred_at", datetime, "When the stage changed."),
    ),
    relations=(
        to_one("opportunity", "Opportunity", "The deal that moved."),
        to_one("actor", "User", "Who moved it."),
    ),
    ordering=Ordering(
        (("OCCURRED_AT", "occurred_at"), ("ID", "id")), ("OCCURRED_AT", "DESC"), exposed=False
    ),
)

CAMPAIGN = Entry(
    name="Campaign",
    table="campaign",
    description="A marketing activity that brings leads (`Lead.campaign`).",
    plural="campaigns",
    columns=(
        Column("name", str, "What the campaign is called."),
        Column("channel", Channel, "The channel it runs on."),
        Column("starts_on", date, "First day of the campaign."),
        Column("ends_on", date, "Last day of the campaign."),
        Column("cost", Decimal, "What it cost (CNY)."),
        Column("status", CampaignStatus, "Where the campaign is in its life."),
        *stamps()[:2],
        Column("version", int, "The record's version."),
    ),
    ordering=Ordering(
        (("STARTS_ON", "starts_on"), ("NAME", "name"), *TIMES),
        ("STARTS_ON", "DESC"),
        input_direction="DESC",
    ),
    filter_description="Narrow a campaign list.",
    filters=(
        search("Substring of the name."),
        any_of("status", CampaignStatus),
        any_of("channel", Channel),
        updated_since(),
    ),
    search=("name",),
)
