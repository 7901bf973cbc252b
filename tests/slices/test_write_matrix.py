"""Write authorization, cell by cell: every mutation x every role x (own target, foreign
target, a foreign or nonexistent ID in each reference field), against `write_oracle.py`.

For each cell the viewer posts one mutation through the app and the test asserts what
CONTRACT §1, §3 and §5 promise:

- a mutation the role may never call is absent from its schema (a GraphQL error, no data; a
  read-only role has no mutation type), also when the input is about a lead alone;
- a reference field to a type absent from the role's schema is absent from its input;
- an own, valid write succeeds and shows in the database (one new row, or `version` + 1);
- a foreign ID (exists, outside the slice) and a nonexistent one both get `NOT_FOUND` on that
  field, with the same field and message, so IDs cannot be probed;
- a contact or asset of another visible customer is `BAD_USER_INPUT`;
- a refused write changes nothing: a digest of every domain table (row count and md5 of all
  rows) is the same before and after; every response is HTTP 200.

A write that changed the world is undone by inserting the world again. Every failing cell is
collected, and one assertion lists them all. Two tests: a hand-built anchor world in which every
role has own and foreign rows of every kind (and the test asserts that every cell ran), and
Hypothesis worlds as in `test_no_leak.py` (`PRISM_WRITE_MATRIX_EXAMPLES`, default 4).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import Api
from tests.slices.world import (
    ROLES,
    ChildRow,
    CustomerRow,
    InteractionRow,
    LeadRow,
    OpportunityRow,
    TaskRow,
    TicketRow,
    UserRow,
    VisitRow,
    World,
    worlds,
)
from tests.slices.write_matrix import matrix_for

EXAMPLES = int(os.environ.get("PRISM_WRITE_MATRIX_EXAMPLES", "4"))
PHASES = (
    tuple(Phase)
    if os.environ.get("PRISM_WRITE_MATRIX_SHRINK")
    else tuple(set(Phase) - {Phase.shrink})
)


# --- the anchor world: every role has own and foreign rows of every kind --------------------

ANCHOR = World(
    partners=2,
    users=(
        UserRow("ADMIN", None, None),  # 0
        UserRow("SALES_MANAGER", None, None),  # 1
        UserRow("SALES_REP", None, 1),  # 2: in the manager's team
        UserRow("SALES_REP", None, None),  # 3: outside it
        UserRow("PARTNER_USER", 0, None),  # 4
        UserRow("PARTNER_USER", 1, None),  # 5: another partner
        UserRow("TECHNICIAN", None, None),  # 6
        UserRow("TECHNICIAN", 1, None),  # 7: another technician
        UserRow("SERVICE_AGENT", None, None),  # 8
        UserRow("ANALYST", None, None),  # 9
    ),
    customers=(
        CustomerRow(owner=2, partner=0),  # 0: the rep's, partner 0's
        CustomerRow(owner=3, partner=1),  # 1: foreign to all but ADMIN and SERVICE_AGENT
        CustomerRow(owner=1, partner=None),  # 2: the manager's own
        CustomerRow(owner=2, partner=0),  # 3: a second own customer for the same viewers
    ),
    contacts=(ChildRow(0), ChildRow(1), ChildRow(2), ChildRow(3)),
    assets=(ChildRow(0), ChildRow(1), ChildRow(3)),
    contracts=(ChildRow(0),),
    surveys=(),
    opportunities=(
        OpportunityRow(0, 2, 0, "PROPOSAL", 1000),
        OpportunityRow(1, 3, 1, "NEGOTIATION", 2000),
        OpportunityRow(2, 1, None, "QUALIFICATION", 3000),
    ),
    leads=(LeadRow(2, 0), LeadRow(3, 1), LeadRow(1, None)),
    tickets=(
        TicketRow(customer=0, contact=0, asset=0, assignee=6),
        TicketRow(customer=1, contact=1, asset=1, assignee=7),
        TicketRow(customer=2, contact=2, asset=None, assignee=None),
        TicketRow(customer=3, contact=3, asset=2, assignee=6),
    ),
    visits=(VisitRow(0, 0, 6), VisitRow(1, 1, 7)),
    interactions=(InteractionRow(0, 0, None, False), InteractionRow(None, None, 1, False)),
    tasks=tuple(TaskRow(user, None) for user in range(10)),  # one for each user
)
ANCHOR_VIEWERS = {"ADMIN": 0, "SALES_MANAGER": 1, "SALES_REP": 2, "PARTNER_USER": 4}
ANCHOR_VIEWERS |= {"TECHNICIAN": 6, "SERVICE_AGENT": 8, "ANALYST": 9}


#: Mutations whose targets the anchor world does not hold: the world has open offers, PENDING
#: registrations and the admins' configuration (`world._lead_desk`), but no scoring rule. A
#: mutation listed here is tested in tests/workflows only, not cell by cell.
COVERED_ELSEWHERE = frozenset({"updateScoringRule"})  # tests/workflows/test_lead_scoring.py


def report(failures: list[str]) -> str:
    return f"{len(failures)} cells break the contract:\n" + "\n".join(failures)


async def test_anchor_world_every_cell(api: Api) -> None:
    matrix = await matrix_for(api, ANCHOR)
    for me in ANCHOR_VIEWERS.values():
        await matrix.viewer(me)
    expected = {c for me in ANCHOR_VIEWERS.values() for c in matrix.expected(me)}
    skipped = sorted(
        str(c) for c in expected - matrix.exercised if c.mutation not in COVERED_ELSEWHERE
    )
    assert not skipped, f"the anchor world leaves cells untested: {skipped}"
    assert not matrix.failures, report(matrix.failures)


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # `api` is shared; each example clears the data
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds(), data=st.data())
async def test_random_worlds_every_cell(api: Api, world: World, data: st.DataObject) -> None:
    matrix = await matrix_for(api, world)
    for role in ROLES:  # one viewer of each role, drawn among the world's users of that role
        users = [i for i, u in enumerate(world.users) if u.role == role]
        await matrix.viewer(data.draw(st.sampled_from(users), label=role))
    assert not matrix.failures, report(matrix.failures)
