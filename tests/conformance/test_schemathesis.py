"""Schemathesis fuzzes every query and mutation of every role's schema, through the ASGI app.

Each role introspects its own schema with its own token, so each run covers exactly what that
role can send. A response fails when it is a 5xx, reports `INTERNAL_SERVER_ERROR`, breaks its
schema (null in a non-null field), or shows a traceback, SQL or driver text. Expected failures
(bad IDs, records out of reach, invalid input) are data: `userErrors`, `null` or a
`BAD_USER_INPUT` error, which the checks accept.

`PRISM_SCHEMATHESIS_EXAMPLES` (default 8) sets the valid examples per operation; invalid
documents (negative mode) get a third as many. Runs are derandomized, so CI sees the same
cases every time: raise the number locally to dig deeper.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from authn.devkeys import issue_dev_token, load_or_create_dev_key
from persistence import policy_store
from prism.app import create_app
from prism.settings import Settings
from tests.conformance.checks import no_internals_leak, register_scalars
from tests.conformance.targets import retarget_ids
from tests.conformance.world import ROLES, SeededWorld, seed_world
from tests.conftest import truncate_all

EXAMPLES = int(os.environ.get("PRISM_SCHEMATHESIS_EXAMPLES", "8"))
# Invalid documents stop at validation, a path far shorter than a valid operation's.
NEGATIVE_EXAMPLES = max(1, EXAMPLES // 3)
CHECKS = [not_a_server_error, response_schema_conformance, no_internals_leak]
FUZZ_SETTINGS = hypothesis.settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=False,
    # `explain` traces every line hypothesis runs; it slows generation tenfold here.
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate, hypothesis.Phase.shrink],
)


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine) -> AsyncIterator[SeededWorld]:
    """The seeded rows; afterwards the tables are emptied and the policy is as it was."""
    async with engine.begin() as conn:
        await policy_store.ensure_default(conn)
        policy = await policy_store.load_lines(conn)
    world = await seed_world(engine)
    register_scalars([i for ids in world.global_ids().values() for i in ids])
    yield world
    await truncate_all(engine)
    async with engine.begin() as conn:
        if await policy_store.load_lines(conn) != policy:  # a fuzzed updatePolicy got through
            await policy_store.replace_lines(conn, policy)


@pytest.fixture(scope="module")
def prism_app(settings: Settings, database_url: str, world: SeededWorld) -> Iterator[Starlette]:
    """A fresh app: schemathesis runs its lifespan on its own event loop thread.

    The per-viewer cost budget is lifted: one role's fuzzing spends far more than a minute's
    worth, and `RATE_LIMITED` answers would hide the resolvers behind them.
    """
    unlimited = dataclasses.replace(settings, rate_limit_per_minute=10**9)
    yield create_app(unlimited, database_url)
    shutdown_lifespans()


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """Run one operation's cases; the failure report, or None when every case passed."""
    examples = EXAMPLES if mode == GenerationMode.POSITIVE else NEGATIVE_EXAMPLES

    @hypothesis.settings(FUZZ_SETTINGS, max_examples=examples)
    # No feedback: values harvested from Prism's source code would crowd out the seeded IDs.
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, feedback=NO_FEEDBACK))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as exc:  # noqa: BLE001 - collected so one run reports every operation
        return f"--- {operation.label} ({mode.value}) ---\n{exc}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_of_the_role_schema(
    role: str, prism_app: Starlette, world: SeededWorld, settings: Settings
) -> None:
    token = issue_dev_token(
        load_or_create_dev_key(settings.data_dir), world.subs[role], settings.oidc_audience
    )
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.graphql.from_asgi("/graphql", prism_app, headers=headers)
    schema.hook(retarget_ids(world.global_ids()))
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    assert operations, f"{role} sees no operations"
    failures = [
        report
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (report := _fuzz(operation, mode, headers)) is not None
    ]
    assert not failures, f"{len(failures)} failing operation(s) as {role}:\n" + "\n".join(failures)
