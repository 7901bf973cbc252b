"""Touchpoints and follow-up tasks."""

from __future__ import annotations

from datetime import datetime

from catalogue.model import (
    TIMES,
    Column,
    Entry,
    Ordering,
    any_of,
    due_before,
    fk,
    ref,
    search,
    stamps,
    to_one,
    updated_since,
)
from domain.enums import Channel, Direction, InteractionKind, TaskKind, TaskStatus

INTERACTION = Entry(
    name="Interaction",
    table="interaction",
    description="One touchpoint on any channel.",
    plural="interactions",
    columns=(
        Column("channel", Channel, "Where it happened."),
        Column("direction", Direction, "Inbound or outbound."),
        Column(
            "kind", InteractionKind, "What it was: a call, a message, a demo request, a download…"
        ),
        Column("summary", str, "What was said or done."),
        Column("occurred_at", datetime, "When it happened."),
        *stamps("When it was logged.")[:2],
    ),
    relations=(
        to_one("customer", "Customer", "The customer concerned."),
        to_one("contact", "Contact", "The person we talked to."),
        to_one("lead", "Lead", "The lead concerned, before conversion."),
        to_one("actor", "User", "Who on our side."),
    ),
    ordering=Ordering((("OCCURRED_AT", "occurred_at"), *TIMES), ("OCCURRED_AT", "DESC")),
    filter_description="Narrow an interaction list.",
    filters=(
        search("Substring of the summary."),
        any_of("channel", Channel),
        any_of("kind", InteractionKind),
        ref("customer_id", "Customer"),
        updated_since(),
    ),
    search=("summary",),
)

TASK = Entry(
    name="Task",
    table="task",
    description="A follow-up someone must do by a time.",
    plural="tasks",
    columns=(
        Column("subject", str, "What to do."),
        Column("kind", TaskKind, "Why the task exists."),
        Column("due_at", datetime, "When it is due."),
        Column("status", TaskStatus, "Open, done or cancelled."),
        Column("rule", str, "The rule that created it, if automatic.", True),
        *stamps(),
        fk("customer_id"),
        fk("lead_id"),
        fk("opportunity_id"),
        fk("ticket_id"),
    ),
    relations=(to_one("assignee", "User", "Who must do it."),),
    ordering=Ordering((("DUE_AT", "due_at"), *TIMES), ("DUE_AT", "ASC")),
    filter_description="Narrow a task list.",
    filters=(
        search("Substring of the subject."),
        any_of("status", TaskStatus),
        ref("assignee_id", "User"),
        due_before(),
        updated_since(),
    ),
    search=("subject",),
)
