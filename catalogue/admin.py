"""What admins configure: webhook endpoints and their delivery log, lead routing, web forms,
lead scoring rules."""

from __future__ import annotations

from datetime import datetime

from catalogue.model import (
    TIMES,
    Column,
    Entry,
    Ordering,
    any_of,
    equals,
    fk,
    search,
    stamps,
    to_many,
    to_one,
)
from domain.enums import (
    AssignmentStrategy,
    CalendarName,
    Channel,
    Direction,
    InteractionKind,
    ScoringFitField,
    ScoringRuleKind,
)
from domain.webhooks import DeliveryStatus

WEBHOOK_DELIVERY = Entry(
    name="WebhookDelivery",
    table="webhook_delivery",
    description="One event sent (or being sent) to one webhook endpoint.",
    plural="webhook deliveries",
    columns=(
        Column(
            "event_id",
            str,
            "The event's id: the `webhook-id` header and the body's `id`, the same on "
            "every attempt.",
        ),
        Column("event_type", str, "The event type, e.g. `ticket.created`."),
        Column("status", DeliveryStatus, "Delivered, pending, failed."),
        Column("attempts", int, "Attempts made so far."),
        Column(
            "response_status", int, "The HTTP status of the last answer; null when none came.", True
        ),
        Column("last_error", str, "Why the last attempt failed; null after a delivery.", True),
        Column(
            "next_attempt_at",
            datetime,
            "When the next attempt is due; null once delivered or failed.",
            True,
        ),
        Column("last_attempt_at", datetime, "When it was last tried.", True),
        Column("delivered_at", datetime, "When the receiver took it.", True),
        *stamps("When the event was fanned out.")[:2],
    ),
    relations=(to_one("webhook_endpoint", "WebhookEndpoint", "The endpoint it goes to."),),
    ordering=Ordering(
        (("CREATED_AT", "created_at"), ("ID", "id")), ("CREATED_AT", "DESC"), exposed=False
    ),
    filter_description="Narrow a delivery log.",
    filters=(any_of("status", DeliveryStatus), any_of("event_type", str)),
)

WEBHOOK_ENDPOINT = Entry(
    name="WebhookEndpoint",
    table="webhook_endpoint",
    description="A URL that receives the events it subscribes to, signed.",
    plural="webhook endpoints",
    columns=(
        Column("url", str, "Where deliveries are POSTed."),
        Column("description", str, "What it is for.", True),
        Column("events", list[str], "The event types it receives."),
        Column("active", bool, "Whether new events are delivered to it."),
        Column("created_at", datetime, "When it was created."),
        Column("updated_at", datetime, "When it last changed."),
    ),
    to_many=(
        to_many(
            "deliveries",
            "WebhookDelivery",
            "Its deliveries, newest first: the delivery log.",
            order_by=False,
        ),
    ),
    ordering=Ordering(TIMES, ("CREATED_AT", "DESC")),
    filter_description="Narrow a list of webhook endpoints.",
    filters=(search("Substring of url/description."),),
    search=("url", "description"),
)

ASSIGNMENT_RULE = Entry(
    name="AssignmentRule",
    table="assignment_rule",
    description="A lead routing rule: the first active one that fits assigns.",
    plural="assignment rules",
    columns=(
        Column("name", str, "What the rule is for (华东区制造业 → 销售A组)."),
        Column("priority", int, "Rules run lowest number first."),
        Column("active", bool, "Inactive rules are skipped."),
        Column("strategy", AssignmentStrategy, "How an assignee is chosen."),
        Column(
            "first_contact_minutes", int, "Minutes, on `calendar`, until the first contact is due."
        ),
        Column("calendar", CalendarName, "The calendar the minutes count on."),
        *stamps("When the rule was created.")[:1],
        Column("updated_at", datetime, "When the rule last changed."),
        stamps()[2],
        Column("regions", list[str], private=True),
        Column("industries", list[str], private=True),
        Column("sources", list[str], private=True),
        Column("assignee_ids", list[int], private=True),
    ),
    ordering=Ordering((("PRIORITY", "priority"), ("NAME", "name"), *TIMES), ("PRIORITY", "ASC")),
    filter_description="Narrow the list of assignment rules.",
    filters=(search("Substring of the name."), equals("active", bool)),
    search=("name",),
)

WEB_FORM = Entry(
    name="WebForm",
    table="web_form",
    description="A web form; submissions go to `POST /channels/web-form/{formKey}`.",
    plural="web forms",
    columns=(
        Column("name", str, "The form's name."),
        Column("form_key", str, "The form's public key, in its address."),
        Column("created_at", datetime, "When the form was created."),
        fk("campaign_id"),
    ),
    ordering=Ordering((("NAME", "name"), *TIMES), ("NAME", "ASC"), exposed=False),
    search=("name",),
)

SCORING_RULE = Entry(
    name="ScoringRule",
    table="lead_scoring_rule",
    description="A weight of the lead score. BEHAVIOUR: `points` for each interaction of the "
    "lead that matches `channel`, `interactionKind` and `direction` (absent = any), halved "
    "every `halfLifeDays` of its age. FIT: `points` once when the lead's `field` is `value`.",
    plural="scoring rules",
    columns=(
        Column("name", str, "What the rule rewards (shown in explanations)."),
        Column("kind", ScoringRuleKind, "BEHAVIOUR or FIT."),
        Column("points", int, "Points given, −100 to 100 (negative lowers)."),
        Column("channel", Channel, "BEHAVIOUR: the channel; null = any.", True),
        Column(
            "interaction_kind",
            InteractionKind,
            "BEHAVIOUR: the interaction kind; null = any.",
            True,
        ),
        Column("direction", Direction, "BEHAVIOUR: inbound or outbound; null = either.", True),
        Column(
            "half_life_days",
            int,
            "BEHAVIOUR: days after which an interaction's points are halved; null = they never "
            "decay.",
            True,
        ),
        Column("field", ScoringFitField, "FIT: the lead field.", True),
        Column(
            "value",
            str,
            "FIT: the value that scores (an enum value for REGION and SOURCE; an industry is "
            "matched case-insensitively).",
            True,
        ),
        Column("active", bool, "Inactive rules give no points."),
        *stamps("When the rule was created.")[:1],
        Column("updated_at", datetime, "When the rule last changed."),
        stamps()[2],
    ),
    ordering=Ordering((("NAME", "name"), ("POINTS", "points"), *TIMES), ("NAME", "ASC")),
    filter_description="Narrow the list of scoring rules.",
    filters=(
        search("Substring of name or value."),
        any_of("kind", ScoringRuleKind),
        equals("active", bool),
    ),
    search=("name", "value"),
)
