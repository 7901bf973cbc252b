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
    updated_since,
)
from domain.enums import Channel, Direction, TaskKind, TaskStatus

INTERACTION = Entry(
    name="Interaction",
    table="interaction",
    description="One touchpoint on any channel.",
    plural="interactions",
    columns=(
        Column("channel", Channel, "Where it happened."),
        Column("direction", Direction, "Inbound or outbound."),
        Column("summary", str, "What was said or done."),
        Column("occurred_at", datetime, "When it happened."),
        *stamps("When it was logged.")[:2],
        fk("customer_id"),
        fk("contact_id"),
        fk("lead_id"),
        fk("actor_id"),
    ),
    ordering=Ordering((("OCCURRED_AT", "occurred_at"), *TIMES), ("OCCURRED_AT", "DESC")),
    filter_description="Narrow an interaction list.",
    filters=(
        search("Substring of the summary."),
        any_of("channel", Channel),
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
        fk("assignee_id"),
        fk("customer_id"),
        fk("lead_id"),
        fk("opportunity_id"),
        fk("ticket_id"),
    ),
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
