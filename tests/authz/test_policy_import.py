"""Imported policies: a typo refused with its line, how lines combine, the CSV round trip, and
`explain`.
"""

from __future__ import annotations

import pytest

from authz.policy import (
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
from tests.authz.policy_expected import CATALOGUE, default_with

# --- imported policies ----------------------------------------------------------------------


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
    lines = default_with(line)
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
