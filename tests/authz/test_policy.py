"""The default policy against every cell of CONTRACT §3."""

from __future__ import annotations

import pytest

from authz.policy import DOMAIN_TYPES, MUTATION_ACTIONS, AbsentTypeError, RolePolicy
from domain.enums import Role
from tests.authz.policy_expected import (
    CATALOGUE,
    EXPECTED_ACTIONS,
    EXPECTED_HIDDEN_FIELDS,
    EXPECTED_HIDDEN_TYPES,
    EXPECTED_READ,
)

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
