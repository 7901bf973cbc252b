"""Nurture sequences (issue 11) and the leads' enrolments in them."""

from __future__ import annotations

from datetime import datetime

from catalogue.model import (
    JSON,
    TIMES,
    Column,
    Computed,
    Entry,
    Ordering,
    equals,
    search,
    stamps,
    to_one,
)
from domain.enums import Channel, InteractionKind
from domain.nurture import NurtureEnrollmentStatus

NURTURE_SEQUENCE = Entry(
    name="NurtureSequence",
    table="nurture_sequence",
    description="After a trigger, tasks and events on a schedule of business days.",
    plural="nurture sequences",
    columns=(
        Column("name", str, "What the sequence is for (白皮书下载培育)."),
        Column("active", bool, "Inactive sequences enrol no one and fire no step."),
        Column("created_at", datetime, "When the sequence was created."),
        Column("updated_at", datetime, "When the sequence last changed."),
        stamps()[2],
        Column("trigger_kind", InteractionKind, private=True),
        Column("trigger_channel", Channel, nullable=True, private=True),
        Column("steps", JSON, private=True),
    ),
    ordering=Ordering((("NAME", "name"), *TIMES), ("NAME", "ASC")),
    filter_description="Narrow the list of nurture sequences.",
    filters=(search("Substring of the name."), equals("active", bool)),
    search=("name",),
    computed=(
        Computed("trigger", "What enrols a lead."),
        Computed("steps", "The steps, in order."),
    ),
)

NURTURE_ENROLLMENT = Entry(
    name="NurtureEnrollment",
    table="nurture_enrollment",
    description="A lead in a nurture sequence, and how far its steps have gone.",
    plural="nurture enrolments",
    columns=(
        Column("status", NurtureEnrollmentStatus, "Where the enrolment is."),
        Column(
            "end_reason",
            str,
            "Why it ended early: LEAD_CONVERTED, LEAD_DISQUALIFIED, SEQUENCE_INACTIVE.",
            True,
        ),
        Column("enrolled_at", datetime, "When the trigger enrolled the lead."),
        Column("ended_at", datetime, "When it completed or ended.", True),
        Column("progress", JSON, private=True),
    ),
    relations=(
        to_one("nurture_sequence", "NurtureSequence", "The sequence, if you can see it."),
        to_one("lead", "Lead", "The lead enrolled."),
    ),
    ordering=Ordering(
        (("ENROLLED_AT", "enrolled_at"), ("ID", "id")),
        ("ENROLLED_AT", "DESC"),
        input_direction="DESC",
        enum_description="Orderings of a lead's nurture enrolments.",
    ),
    computed=(Computed("steps", "Each step with its due time and outcome."),),
)
