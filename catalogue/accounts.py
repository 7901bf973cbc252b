"""Customers, their contacts, partners and users."""

from __future__ import annotations

from decimal import Decimal

from catalogue.model import (
    TIMES,
    Aggregate,
    Column,
    Computed,
    Entry,
    Feed,
    Ordering,
    Source,
    any_of,
    equals,
    equals_ci,
    ref,
    search,
    stamps,
    to_many,
    to_one,
    updated_since,
)
from domain.enums import (
    CustomerStatus,
    CustomerTier,
    LifecycleStage,
    OpportunityStage,
    PartnerKind,
    PartnerStatus,
    PartnerTier,
    Region,
    Role,
)

CUSTOMER = Entry(
    name="Customer",
    table="customer",
    description="A company account: the centre of the 360° view.",
    plural="customers",
    columns=(
        Column("name", str, "Registered company name, Chinese or English."),
        Column(
            "tax_id", str, "Unified Social Credit Code (统一社会信用代码), 18 characters.", True
        ),
        Column("industry", str, "Industry, free text.", True),
        Column("region", Region, "Sales region."),
        Column("tier", CustomerTier, "Account importance."),
        Column("lifecycle_stage", LifecycleStage, "Customer journey stage."),
        Column("status", CustomerStatus, "Prospect, active or churned."),
        Column("phone", str, "Switchboard phone number.", True),
        Column("address", str, "Postal address.", True),
        Column("credit_limit", Decimal, "Credit limit in CNY.", True),
        Column("internal_notes", str, "Notes for our staff only.", True),
        *stamps(),
    ),
    relations=(
        to_one("owner", "User", "The sales owner."),
        to_one("partner", "Partner", "The channel partner serving this customer."),
    ),
    to_many=(
        to_many("contacts", "Contact", "People at this customer.", filter=False),
        to_many("opportunities", "Opportunity", "Deals with this customer."),
        to_many("tickets", "Ticket", "Service requests of this customer."),
        to_many("assets", "Asset", "Installed products at this customer's sites.", filter=False),
        to_many(
            "contracts", "Contract", "What this customer bought, with its terms.", filter=False
        ),
        to_many("interactions", "Interaction", "Touchpoints on every channel."),
        to_many(
            "survey_responses",
            "SurveyResponse",
            "CSAT and NPS answers of this customer.",
            filter=False,
            order_by=False,
        ),
        to_many("tasks", "Task", "Follow-ups about this customer.", filter=False, order_by=False),
    ),
    ordering=Ordering((("NAME", "name"), *TIMES), ("UPDATED_AT", "DESC")),
    filter_description="Narrow a customer list; all given conditions must hold.",
    filters=(
        search("Substring of the name (华为 finds 华为技术有限公司)."),
        any_of("region", Region, "Any of these regions."),
        equals_ci("industry", "Industry, case-insensitive."),
        any_of("status", CustomerStatus),
        any_of("lifecycle_stage", LifecycleStage),
        any_of("tier", CustomerTier),
        ref("owner_id", "User", "Owning user."),
        ref("partner_id", "Partner", "Partner."),
        updated_since("Changed at or after this time (for sync)."),
    ),
    search=("name",),
    computed=(
        Computed(
            "lifetime_value",
            "Sum of won opportunities (CLOSED_WON amounts) you can see.",
            Aggregate(
                "opportunities",
                "sum",
                "amount",
                where=(("stage", OpportunityStage.CLOSED_WON.value),),
                zero=Decimal("0.00"),
            ),
        ),
        Computed(
            "timeline",
            "Everything that happened with this customer, newest first: interactions, "
            "ticket events, deal stage changes and service visits you may see.",
            Feed(
                (
                    Source("Interaction", "occurred_at"),
                    Source("TicketEvent", "occurred_at"),
                    Source("OpportunityStageChange", "occurred_at"),
                    Source("ServiceVisit", "scheduled_start"),
                )
            ),
        ),
    ),
)

CONTACT = Entry(
    name="Contact",
    table="contact",
    description="A person at a customer.",
    plural="contacts",
    columns=(
        Column("name", str, "Full name."),
        Column("title", str, "Job title.", True),
        Column("email", str, "E-mail address.", True),
        Column("phone", str, "Phone number.", True),
        Column("is_primary", bool, "The customer's main contact."),
        Column(
            "wecom_user_id",
            str,
            "WeChat Work (企业微信) user id; inbound messages are matched by it.",
            True,
        ),
        Column(
            "dingtalk_user_id",
            str,
            "DingTalk (钉钉) user id; inbound messages are matched by it.",
            True,
        ),
        *stamps(),
    ),
    relations=(to_one("customer", "Customer", "The customer this person works at."),),
    ordering=Ordering((("NAME", "name"), *TIMES), ("NAME", "ASC")),
    filter_description="Narrow a contact list.",
    filters=(
        search("Substring of name/e-mail/phone."),
        ref("customer_id", "Customer"),
        equals("is_primary", bool),
        updated_since(),
    ),
    search=("name", "email", "phone"),
)

PARTNER = Entry(
    name="Partner",
    table="partner",
    description="A channel partner company: dealer, reseller or service partner.",
    plural="partners",
    columns=(
        Column("name", str, "Company name."),
        Column("kind", PartnerKind, "What the partner does for us."),
        Column("tier", PartnerTier, "Programme level."),
        Column("region", Region, "Home region."),
        Column("status", PartnerStatus, "Whether the partnership is active."),
        Column("commission_rate", Decimal, "Commission in percent."),
        *stamps(),
    ),
    ordering=Ordering((("NAME", "name"), *TIMES), ("NAME", "ASC")),
    filter_description="Narrow a partner list.",
    filters=(
        search("Substring of the name."),
        any_of("kind", PartnerKind),
        any_of("tier", PartnerTier),
        any_of("region", Region),
        any_of("status", PartnerStatus),
        updated_since(),
    ),
    search=("name",),
)

USER = Entry(
    name="User",
    table="app_user",
    description="A person who signs in; their role decides their slice.",
    plural="users",
    columns=(
        Column("external_id", str, "The identity provider's `sub` for this user."),
        Column("display_name", str, "Name shown in the apps."),
        Column("role", Role, "Exactly one role per user."),
        Column("region", Region, "Home region, if any.", True),
        Column("active", bool, "Inactive users cannot sign in."),
        *stamps(),
    ),
    relations=(
        to_one("partner", "Partner", "The partner company this user works for, if any."),
        to_one("manager", "User", "This user's manager; a manager's team is their reports."),
    ),
    ordering=Ordering((("DISPLAY_NAME", "display_name"), *TIMES), ("DISPLAY_NAME", "ASC")),
    filter_description="Narrow a user list.",
    filters=(
        search("Substring of name or sub."),
        any_of("role", Role),
        any_of("region", Region),
        ref("partner_id", "Partner"),
        ref("manager_id", "User"),
        equals("active", bool),
        updated_since(),
    ),
    search=("display_name", "external_id"),
)
