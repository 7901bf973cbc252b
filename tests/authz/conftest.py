"""The default policy, compiled once for the module against the test catalogue."""

from __future__ import annotations

import pytest

from authz.policy import RolePolicy, compile_policies, default_lines
from domain.enums import Role
from tests.authz.policy_expected import CATALOGUE


@pytest.fixture(scope="module")
def policies() -> dict[Role, RolePolicy]:
    return compile_policies(default_lines(), CATALOGUE)
