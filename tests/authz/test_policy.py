"""The default policy against every cell of CONTRACT §3, import validation, storage and reload."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from authz.policy import (
    DOMAIN_TYPES,
    MUTATION_ACTIONS,
    AbsentTypeError,
    PolicyError,
    RolePolicy,
    compile_policies,
    default_lines,
    explain,
    explain_record_rule,
    parse_csv,
    to_csv,
)
from domain.enums import Role
from persistence.migrate import upgrade
from persistence.policy_store import (
    PolicyWatcher,
    ensure_default,
    load_lines,
    replace_lines,
    rule_table,
)

PG = "postgres@127.0.0.1:5432"

CATALOGUE: dict[str, tuple[str, ...]] = {
    "Customer": (
        "name", "taxId", "industry", "region", "tier", "lifecycleStage", "status", "phone",
        "address", "owner", "partner", "creditLimit", "internalNotes", "lifetimeValue", "version",
    ),
    "Contact": ("customer", "name", "title", "email", "phone", "isPrimary"),
    "Campaign": ("name", "channel", "startsOn", "endsOn", "cost", "status"),
    "Lead": (
        "companyName", "contactName", "email", "phone", "source", "region", "score", "status",
        "assignee", "partner",
    ),
    "Opportunity": (
        "customer", "name", "amount", "stage", "owner", "partner", "registrationStatus",
        "marginPercent", "version",
    ),
    "OpportunityStageChange": ("opportunity", "fromStage", "toStage", "changedAt"),
    "Ticket": ("number", "customer", "subject", "status", "assignee", "internalNotes", "version"),
    "TicketEvent": ("ticket", "kind", "occurredAt"),
    "ServiceVisit": ("ticket", "technician", "scheduledStart", "notes"),
    "Asset": ("customer", "model", "serialNumber"),
    "Contract": ("customer", "number", "value", "status"),
    "Interaction": ("customer", "channel", "summary", "occurredAt"),
    "Partner": ("name", "kind", "tier", "region", "status", "commissionRate"),
    "User": ("externalId", "displayName", "role", "partner", "manager", "region", "active"),
    "Task": ("subject", "dueAt", "assignee", "status"),
    "SurveyResponse": ("customer", "ticket", "kind", "score"),
    "WebhookEndpoint": ("url", "events", "description", "active", "deliveries"),
    "WebhookDelivery": ("eventType", "status", "attempts", "webhookEndpoint"),
    "AssignmentRule": (
        "name", "priority", "active", "strategy", "match", "assigneeIds", "firstContactMinutes",
        "calendar", "version",
    ),
    "WebForm": ("name", "formKey", "campaignId"),
    "NurtureSequence": ("name", "active", "trigger", "steps", "version"),
    "NurtureEnrollment": ("lead", "status", "endReason", "enrolledAt", "steps"),
    "ScoringRule": ("name", "kind", "points", "interactionKind", "field", "value", "active"),
}  # fmt: skip
#: Issue 11: lead routing rules (admins manage, managers read) and web forms (admins).
ROUTING = {"AssignmentRule", "WebForm"}
#: Issue 11: nurture sequences (admins manage, sales read) and the leads' enrolments.
NURTURE = {"NurtureSequence", "NurtureEnrollment"}
#: Issue 11, lead scoring: the rule book is the admins' to write and the managers' to read.
SCORING = {"ScoringRule"}

CUSTOMER_CHILDREN = (
    "Contact", "Asset", "Contract", "Interaction", "Ticket", "TicketEvent", "ServiceVisit",
    "SurveyResponse",
)  # fmt: skip
SERVICE_SIDE = (
    "Customer", "Contact", "Asset", "Contract", "Ticket", "TicketEvent", "ServiceVisit",
    "Interaction", "SurveyResponse", "Partner", "User", "Task",
)  # fmt: skip
SALES_TYPES = ("Opportunity", "OpportunityStageChange", "Lead")
#: CONTRACT §8: admins manage webhook endpoints; every other role lacks them.
WEBHOOK_TYPES = {"WebhookEndpoint", "WebhookDelivery"}

EXPECTED_READ: dict[Role, dict[str, str]] = {
    Role.ADMIN: dict.fromkeys(DOMAIN_TYPES, "all"),
    Role.SALES_MANAGER: {
        "Customer": "team",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Lead": "team_or_unassigned",
        "Opportunity": "team",
        "OpportunityStageChange": "team",
        "Partner": "all",
        "User": "all",
        "Task": "team",
        "AssignmentRule": "all",
        "Campaign": "all",
        "NurtureSequence": "all",
        "NurtureEnrollment": "team_or_unassigned",
        "ScoringRule": "all",
    },
    Role.SALES_REP: {
        "Customer": "own",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Lead": "own",
        "Opportunity": "own",
        "OpportunityStageChange": "own",
        "Partner": "all",
        "User": "all",
        "Task": "own",
        "Campaign": "all",
        "NurtureSequence": "all",
        "NurtureEnrollment": "own",
    },
    Role.PARTNER_USER: {
        "Customer": "partner",
        **dict.fromkeys(CUSTOMER_CHILDREN, "customer"),
        "Interaction": "customer_external",
        "Contract": "none",
        "Lead": "partner",
        "Opportunity": "partner",
        "OpportunityStageChange": "partner",
        "Partner": "partner",
        "User": "partner",
        "Task": "own",
        "Campaign": "none",
        "NurtureEnrollment": "partner",
    },
    Role.TECHNICIAN: {
        **dict.fromkeys(("Ticket", "TicketEvent", "Customer", "Asset", "Contact"), "assigned"),
        "ServiceVisit": "own",
        "Partner": "partner",
        "User": "own",
        "Task": "own",
        "Interaction": "none",
        "SurveyResponse": "none",
        "Campaign": "none",
    },
    Role.SERVICE_AGENT: {**dict.fromkeys(SERVICE_SIDE, "all"), "Campaign": "none"},
    Role.ANALYST: dict.fromkeys(set(DOMAIN_TYPES) - WEBHOOK_TYPES, "all"),
}

EXPECTED_HIDDEN_TYPES: dict[Role, set[str]] = {
    Role.ADMIN: set(),
    Role.SALES_MANAGER: WEBHOOK_TYPES | {"WebForm"},
    Role.SALES_REP: WEBHOOK_TYPES | ROUTING | SCORING,
    Role.PARTNER_USER: WEBHOOK_TYPES | ROUTING | SCORING | {"NurtureSequence"},
    Role.TECHNICIAN: {"Opportunity", "OpportunityStageChange", "Lead", "Contract"}
    | WEBHOOK_TYPES
    | ROUTING
    | NURTURE
    | SCORING,
    Role.SERVICE_AGENT: set(SALES_TYPES) | WEBHOOK_TYPES | ROUTING | NURTURE | SCORING,
    Role.ANALYST: WEBHOOK_TYPES,
}

EXPECTED_HIDDEN_FIELDS: dict[Role, set[str]] = {
    Role.ADMIN: set(),
    Role.SALES_MANAGER: {"Ticket.internalNotes"},
    Role.SALES_REP: {
        "Opportunity.marginPercent",
        "Customer.creditLimit",
        "Ticket.internalNotes",
        "Partner.commissionRate",
    },
    Role.PARTNER_USER: {
        "Opportunity.marginPercent",
        "Customer.creditLimit",
        "Customer.internalNotes",
        "Customer.lifetimeValue",
        "Ticket.internalNotes",
        "User.manager",
    },
    Role.TECHNICIAN: {
        "Customer.creditLimit",
        "Customer.lifetimeValue",
        "Customer.internalNotes",
        "Customer.taxId",
        "Partner.commissionRate",
    },
    Role.SERVICE_AGENT: {
        "Customer.creditLimit",
        "Customer.lifetimeValue",
        "Partner.commissionRate",
    },
    Role.ANALYST: {
        "Contact.email",
        "Contact.phone",
        "Customer.phone",
        "Customer.address",
        "Lead.email",
        "Lead.phone",
        "Lead.contactName",
    },
}

EXPECTED_ACTIONS: dict[Role, dict[tuple[str, str], str]] = {
    Role.ADMIN: dict.fromkeys(set(MUTATION_ACTIONS.values()), "all"),  # §1: everything
    Role.SALES_MANAGER: {
        ("Customer", "create"): "all",
        ("Customer", "update"): "team",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "all",
        ("Lead", "convert"): "team_or_unassigned",
        ("Opportunity", "create"): "customer",
        ("Opportunity", "update"): "team",
        ("Interaction", "log"): "customer_or_lead",
        ("Ticket", "create"): "customer",
        ("Task", "complete"): "team",
        ("Contract", "create"): "customer",
        ("Lead", "distribute"): "team_or_unassigned",
        ("Opportunity", "decide"): "team",
        ("Campaign", "create"): "all",
    },
    Role.SALES_REP: {
        ("Customer", "create"): "all",
        ("Customer", "update"): "own",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "all",
        ("Lead", "convert"): "own",
        ("Opportunity", "create"): "customer",
        ("Opportunity", "update"): "own",
        ("Interaction", "log"): "customer_or_lead",
        ("Task", "complete"): "own",
        ("Contract", "create"): "customer",
    },
    Role.PARTNER_USER: {
        ("Customer", "create"): "partner",
        ("Customer", "update"): "partner",
        ("Contact", "create"): "customer",
        ("Lead", "create"): "partner",
        ("Opportunity", "register"): "customer",
        ("Ticket", "create"): "customer",
        ("Interaction", "log"): "customer_or_lead",
        ("Task", "complete"): "own",
        ("Lead", "respond"): "partner",
    },
    Role.TECHNICIAN: {
        ("Ticket", "updateStatus"): "assigned",
        ("ServiceVisit", "record"): "assigned",
        ("Interaction", "log"): "assigned",
        ("Task", "complete"): "own",
    },
    Role.SERVICE_AGENT: {
        ("Customer", "update"): "all",
        ("Contact", "create"): "all",
        ("Ticket", "create"): "all",
        ("Ticket", "assign"): "all",
        ("Ticket", "updateStatus"): "all",
        ("ServiceVisit", "record"): "all",
        ("Interaction", "log"): "all",
        ("Task", "complete"): "own",
        ("SurveyResponse", "request"): "all",  # §7: requestSurvey (service agents, admins)
    },
    Role.ANALYST: {},
}


@pytest.fixture(scope="module")
def policies() -> dict[Role, RolePolicy]:
    return compile_policies(default_lines(), CATALOGUE)


# --- the default slices ---------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_row_scopes_match_the_contract(policies: dict[Role, RolePolicy], role: Role) -> None:
    assert dict(policies[role].read) == EXPECTED_READ[role]


@pytest.mark.parametrize("role", list(Role))
def test_absent_types_match_the_contract(policies: dict[Role, RolePolicy], role: Role) -> None:
    assert policies[role].hidden_types == EXPECTED_HIDDEN_TYPES[role]
    assert set(policies[role].read) | policies[role].hidden_types == set(DOMAIN_TYPES)


@pytest.mark.parametrize("role", list(Role))
def test_absent_fields_match_the_contract(policies: dict[Role, RolePolicy], role: Role) -> None:
    policy = policies[role]
    assert policy.hidden_fields == EXPECTED_HIDDEN_FIELDS[role]
    for type_name, scope in policy.read.items():
        assert policy.scope(type_name) == scope
        for field in CATALOGUE[type_name]:
            hidden = f"{type_name}.{field}" in EXPECTED_HIDDEN_FIELDS[role]
            assert policy.field_visible(type_name, field) is not hidden
            assert (field in policy.fields[type_name]) is not hidden


@pytest.mark.parametrize("role", list(Role))
def test_write_actions_match_the_brief(policies: dict[Role, RolePolicy], role: Role) -> None:
    assert dict(policies[role].actions) == EXPECTED_ACTIONS[role]


def test_analyst_is_read_only(policies: dict[Role, RolePolicy]) -> None:
    analyst = policies[Role.ANALYST]
    assert not analyst.actions
    assert not any(analyst.can(t, act) for t, act in MUTATION_ACTIONS.values())


def test_sales_rep_cannot_write_tickets(policies: dict[Role, RolePolicy]) -> None:
    rep = policies[Role.SALES_REP]
    assert rep.can("Ticket", "read")
    assert not any(rep.can("Ticket", act) for act in ("create", "assign", "updateStatus"))


def test_technician_cannot_see_opportunity(policies: dict[Role, RolePolicy]) -> None:
    technician = policies[Role.TECHNICIAN]
    assert not technician.can("Opportunity", "read")
    assert not technician.field_visible("Opportunity", "amount")
    assert "Opportunity" not in technician.fields
    with pytest.raises(AbsentTypeError):
        technician.scope("Opportunity")
    with pytest.raises(KeyError):
        technician.action_scope("Opportunity", "update")


def test_only_admin_manages_policy(policies: dict[Role, RolePolicy]) -> None:
    managers = [role for role, policy in policies.items() if policy.can("Policy", "manage")]
    assert managers == [Role.ADMIN]


def test_policy_objects_are_frozen(policies: dict[Role, RolePolicy]) -> None:
    rep = policies[Role.SALES_REP]
    with pytest.raises(AttributeError):
        rep.read = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        rep.read["Contract"] = "all"  # type: ignore[index]


# --- imported policies ----------------------------------------------------------------------


def _with(extra: str) -> list[list[str]]:
    return [*default_lines(), *parse_csv(extra)]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("p, SALES_RPE, Customer, read, own, allow", "unknown role"),
        ("p, SALES_REP, Customer, read, onw, allow", "unknown scope"),
        ("p, SALES_REP, Customer, read, own, alow", "unknown effect"),
        ("p, SALES_REP, Customer, raed, own, allow", "unknown act"),
        ("p, SALES_REP, Custmer, read, own, allow", "unknown type"),
        ("p, SALES_REP, Opportunity.marginPrecent, read, -, deny", "unknown field"),
        ("p, SALES_REP, Customer, read, own", "expected 6 cells"),
        ("g, alice, SALES_REP", "expected 6 cells"),
        ("g, alice, SALES_REP, x, y, z", "unknown line type"),
        ("p, SALES_REP, Customer, read, -, allow", "needs a scope"),
        ("p, SALES_REP, Customer, read, own, deny", "take the scope `-`"),
        ("p, SALES_REP, Cust*mer, read, all, allow", "may only end in `*`"),
        ("p, SALES_REP, Customer.name, update, -, deny", "only take the act `read`"),
        ("p, SALES_REP, Customer, read, own, allow", "duplicate line"),
    ],
)
def test_a_typo_in_an_imported_line_is_refused(line: str, problem: str) -> None:
    lines = _with(line)
    with pytest.raises(PolicyError, match=problem) as raised:
        compile_policies(lines, CATALOGUE)
    assert raised.value.line_no == len(lines)
    assert f"policy line {len(lines)} ({line})" in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "p, SALES_REP, *, read, all, allow\np, SALES_REP, Customer, read, own, allow",
        "p, SALES_REP, Customer, read, own, allow\np, SALES_REP, *, read, all, allow",
    ],
)
def test_the_most_specific_allow_gives_the_scope(text: str) -> None:
    rep = compile_policies(parse_csv(text), CATALOGUE)[Role.SALES_REP]
    assert rep.scope("Customer") == "own"
    assert rep.scope("Contact") == "all"
    assert explain_record_rule(parse_csv(text), "SALES_REP", "Customer", "read") == (
        "p, SALES_REP, Customer, read, own, allow"
    )


def test_a_deny_beats_every_allow() -> None:
    lines = parse_csv(
        "p, SALES_REP, *, read, all, allow\n"
        "p, SALES_REP, Customer, read, own, allow\n"
        "p, SALES_REP, Customer, read, -, deny\n"
        "p, SALES_REP, Lead.*, read, -, deny\n"
    )
    rep = compile_policies(lines, CATALOGUE)[Role.SALES_REP]
    assert "Customer" in rep.hidden_types
    assert rep.scope("Lead") == "all"
    assert rep.fields["Lead"] == ()
    assert rep.hidden_fields >= {"Lead.email", "Lead.score"}


def test_writes_on_an_absent_type_are_dropped() -> None:
    lines = parse_csv("p, TECHNICIAN, Lead, create, all, allow")
    technician = compile_policies(lines, CATALOGUE)[Role.TECHNICIAN]
    assert "Lead" in technician.hidden_types
    assert not technician.can("Lead", "create")


def test_csv_round_trip() -> None:
    lines = default_lines()
    assert parse_csv(to_csv(lines)) == lines
    assert parse_csv("# header\n\n  p ,ADMIN,  *, read,all , allow  \n   # indented\n") == [
        ["p", "ADMIN", "*", "read", "all", "allow"]
    ]
    assert to_csv([["p", "ADMIN", "*", "read", "all", "allow"]]) == (
        "p, ADMIN, *, read, all, allow\n"
    )


def test_explain_names_rows_fields_and_actions(policies: dict[Role, RolePolicy]) -> None:
    text = explain(policies, Role.SALES_REP)
    assert "Customer:\n  rows: own\n" in text
    assert "absent fields: creditLimit" in text
    assert "actions: create (all), update (own)" in text
    assert explain(policies, "TECHNICIAN", "Opportunity") == "TECHNICIAN\nOpportunity: absent\n"
    assert (
        "absent types: AssignmentRule, Contract, Lead, NurtureEnrollment, NurtureSequence,"
        " Opportunity, OpportunityStageChange, ScoringRule, WebForm"
        in explain(policies, Role.TECHNICIAN)
    )
    assert "Policy:\n  actions: manage (all)" in explain(policies, Role.ADMIN)


@pytest.mark.parametrize(
    ("role", "obj", "act", "expected"),
    [
        ("SALES_REP", "Opportunity.marginPercent", "read", "p, SALES_REP, Opportunity.marginPercent, read, -, deny"),  # noqa: E501
        ("SALES_REP", "Customer.name", "read", "p, SALES_REP, Customer, read, own, allow"),
        ("TECHNICIAN", "Opportunity.amount", "read", "p, TECHNICIAN, Opportunity, read, -, deny"),
        ("ANALYST", "Customer", "create", "p, ANALYST, *, create, -, deny"),
        ("ADMIN", "Policy", "manage", "p, ADMIN, Policy, manage, all, allow"),
        ("TECHNICIAN", "Lead", "create", None),
    ],
)  # fmt: skip
def test_explain_record_rule_names_the_deciding_line(
    role: str, obj: str, act: str, expected: str | None
) -> None:
    assert explain_record_rule(default_lines(), role, obj, act) == expected


# --- storage and reload ---------------------------------------------------------------------


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    """A migrated scratch database; PostgreSQL being down fails the tests, it never skips."""
    name = f"prism_test_policy_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"postgresql://{PG}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        await asyncio.to_thread(upgrade, f"postgresql+asyncpg://{PG}/{name}")
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"postgresql+asyncpg://{PG}/{database}")
    async with engine.begin() as conn:
        await conn.execute(delete(rule_table))
    yield engine
    await engine.dispose()


async def test_ensure_default_is_idempotent(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        assert await ensure_default(conn) is True
    async with engine.begin() as conn:
        assert await ensure_default(conn) is False
        assert await conn.scalar(select(func.count()).select_from(rule_table)) == len(
            default_lines()
        )
        assert await load_lines(conn) == default_lines()


async def test_replace_lines_refuses_a_typo_and_keeps_the_policy(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await ensure_default(conn)
    with pytest.raises(PolicyError, match="unknown scope"):
        async with engine.begin() as conn:
            await replace_lines(conn, _with("p, SALES_REP, Contract, read, everything, allow"))
    with pytest.raises(PolicyError, match="ADMIN must keep"):
        async with engine.begin() as conn:
            await replace_lines(conn, parse_csv("p, ANALYST, *, read, all, allow"))
    async with engine.connect() as conn:
        assert await load_lines(conn) == default_lines()


async def _watch(database: str, **options: float) -> tuple[PolicyWatcher, asyncio.Queue[None]]:
    heard: asyncio.Queue[None] = asyncio.Queue()

    async def on_change() -> None:
        heard.put_nowait(None)

    watcher = PolicyWatcher(f"postgresql://{PG}/{database}", on_change, **options)
    await watcher.start()
    return watcher, heard


async def test_a_replaced_policy_is_heard_within_a_second(
    engine: AsyncEngine, database: str
) -> None:
    watcher, heard = await _watch(database)
    try:
        lines = _with("p, SALES_REP, Task, create, all, allow")
        async with engine.begin() as conn:
            policies = await replace_lines(conn, lines, CATALOGUE)
        await asyncio.wait_for(heard.get(), 1.0)
        assert policies[Role.SALES_REP].can("Task", "create")
        async with engine.connect() as conn:
            assert await load_lines(conn) == lines
    finally:
        await watcher.stop()
    assert not watcher.listening


async def test_the_watcher_reconnects_and_reloads_after_a_dropped_connection(
    engine: AsyncEngine, database: str
) -> None:
    watcher, heard = await _watch(database, min_backoff=0.05, ping_interval=0.5)
    try:
        async with engine.begin() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :db AND application_name = 'prism-policy-watcher'"
                ),
                {"db": database},
            )
        assert killed == 1
        await asyncio.wait_for(heard.get(), 5.0)  # the catch-up reload after reconnecting
        assert watcher.listening
        async with engine.begin() as conn:
            await ensure_default(conn)
        await asyncio.wait_for(heard.get(), 1.0)
    finally:
        await watcher.stop()
