"""CONTRACT §3 role by role, written out by hand from the contract, record by record, over the
world of `scenario`: what each viewer's root lists, `node`, c1's connections and timeline
must hold (`test_roles.py` asks the app).
"""

from __future__ import annotations

from decimal import Decimal

from tests.slices import scenario

ROOT_LISTS = (
    "customers",
    "contacts",
    "leads",
    "opportunities",
    "tickets",
    "serviceVisits",
    "assets",
    "contracts",
    "interactions",
    "partners",
    "users",
    "tasks",
)


def _names(prefix: str, *suffixes: str) -> set[str]:
    return {prefix + s for s in suffixes}


EVERYTHING: dict[str, set[str]] = {
    "customers": _names("c", "1", "2", "3", "4", "5", "6"),
    "contacts": _names("k", "1", "1b", "2", "3", "4", "5", "6"),
    "leads": _names("l", "1", "2", "3", "4", "5"),
    "opportunities": _names("o", "1", "2", "3", "4", "5"),
    "tickets": _names("t", "1", "2", "3", "4", "5"),
    "serviceVisits": _names("v", "1", "2", "3", "4", "5"),
    "assets": _names("a", "1", "3", "5", "6"),
    "contracts": _names("ct", "1", "3", "6"),
    "interactions": _names("i", "1", "2", "3", "4", "5", "6"),
    "partners": {"P1", "P2"},
    "users": set(scenario.SUBS),
    "tasks": _names("task", "1", "2", "3", "4", "5", "6"),
}
NO_SALES = {k: v for k, v in EVERYTHING.items() if k not in ("leads", "opportunities")}

# Root lists per viewer; a list missing from a viewer's entry is absent from their schema.
ROOTS: dict[str, dict[str, set[str]]] = {
    "admin": EVERYTHING,
    "analyst": EVERYTHING,
    "agent": NO_SALES,
    "mgr": {
        "customers": _names("c", "1", "2", "3", "4"),
        "contacts": _names("k", "1", "1b", "2", "3", "4"),
        # l3 has no assignee: the unassigned pool is the managers' (CONTRACT §7).
        "leads": _names("l", "1", "2", "3", "5"),
        "opportunities": _names("o", "1", "2", "3"),
        "tickets": _names("t", "1", "2", "5"),
        "serviceVisits": _names("v", "1", "2", "4", "5"),
        "assets": _names("a", "1", "3"),
        "contracts": _names("ct", "1", "3"),
        "interactions": _names("i", "1", "2", "3"),
        "partners": EVERYTHING["partners"],
        "users": EVERYTHING["users"],
        "tasks": _names("task", "1", "2"),
    },
    "rep1": {
        "customers": _names("c", "1", "2"),
        "contacts": _names("k", "1", "1b", "2"),
        "leads": {"l1"},
        "opportunities": {"o1"},  # o2 sits on rep1's customer but rep2 owns it
        "tickets": _names("t", "1", "5"),
        "serviceVisits": _names("v", "1", "4", "5"),
        "assets": {"a1"},
        "contracts": {"ct1"},
        "interactions": _names("i", "1", "2"),
        "partners": EVERYTHING["partners"],
        "users": EVERYTHING["users"],
        "tasks": {"task1"},
    },
    "rep2": {
        "customers": {"c3"},
        "contacts": {"k3"},
        "leads": {"l2"},
        "opportunities": _names("o", "2", "3"),
        "tickets": {"t2"},
        "serviceVisits": {"v2"},
        "assets": {"a3"},
        "contracts": {"ct3"},
        "interactions": {"i3"},
        "partners": EVERYTHING["partners"],
        "users": EVERYTHING["users"],
        "tasks": {"task2"},
    },
    "pu1": {
        "customers": _names("c", "1", "5"),
        "contacts": _names("k", "1", "1b", "5"),
        "leads": {"l2"},
        "opportunities": _names("o", "1", "4"),
        "tickets": _names("t", "1", "3", "5"),
        "serviceVisits": _names("v", "1", "3", "4", "5"),
        "assets": _names("a", "1", "5"),
        "contracts": set(),
        "interactions": {"i1"},  # i2 and i4 are internal
        "partners": {"P1"},
        "users": {"pu1", "tech2"},
        "tasks": {"task4"},
    },
    "pu2": {
        "customers": {"c3"},
        "contacts": {"k3"},
        "leads": {"l3"},
        "opportunities": {"o3"},
        "tickets": {"t2"},
        "serviceVisits": {"v2"},
        "assets": {"a3"},
        "contracts": set(),
        "interactions": {"i3"},
        "partners": {"P2"},
        "users": {"pu2"},
        "tasks": set(),
    },
    "tech1": {
        "customers": _names("c", "1", "5"),
        "contacts": _names("k", "1", "5"),
        "tickets": _names("t", "1", "3"),
        "serviceVisits": _names("v", "1", "3"),
        "assets": _names("a", "1", "5"),
        "interactions": set(),
        "partners": set(),
        "users": {"tech1"},
        "tasks": {"task3"},
    },
    "tech2": {
        "customers": _names("c", "1", "3"),
        "contacts": _names("k", "1b", "3"),
        "tickets": _names("t", "2", "5"),
        "serviceVisits": _names("v", "2", "4", "5"),
        "assets": {"a3"},
        "interactions": set(),
        "partners": {"P1"},
        "users": {"tech2"},
        "tasks": set(),
    },
}

# Records without a root list, reachable by `node` and through the timeline.
FEED_ROWS: dict[str, set[str]] = {
    "admin": _names("e", "1", "2", "3", "4", "5") | _names("s", "1", "2", "3", "4", "5"),
    "analyst": _names("e", "1", "2", "3", "4", "5") | _names("s", "1", "2", "3", "4", "5"),
    "agent": _names("e", "1", "2", "3", "4", "5"),
    "mgr": _names("e", "1", "2", "5") | _names("s", "1", "2", "3"),
    "rep1": _names("e", "1", "5") | {"s1"},
    "rep2": {"e2", "s2", "s3"},
    "pu1": _names("e", "1", "3", "5") | _names("s", "1", "4"),
    "pu2": {"e2", "s3"},
    "tech1": _names("e", "1", "3"),
    "tech2": _names("e", "2", "5"),
}

# Nested connections under customer c1, which every viewer but pu2 and rep2 can see.
C1_CHILDREN: dict[str, dict[str, set[str]]] = {
    "admin": {
        "contacts": {"k1", "k1b"},
        "tickets": {"t1", "t5"},
        "interactions": {"i1", "i2"},
        "assets": {"a1"},
        "contracts": {"ct1"},
        "opportunities": {"o1", "o2"},
        "tasks": {"task1", "task4"},
    },
    "mgr": {
        "contacts": {"k1", "k1b"},
        "tickets": {"t1", "t5"},
        "interactions": {"i1", "i2"},
        "assets": {"a1"},
        "contracts": {"ct1"},
        "opportunities": {"o1", "o2"},
        "tasks": {"task1"},
    },
    "rep1": {
        "contacts": {"k1", "k1b"},
        "tickets": {"t1", "t5"},
        "interactions": {"i1", "i2"},
        "assets": {"a1"},
        "contracts": {"ct1"},
        "opportunities": {"o1"},
        "tasks": {"task1"},
    },
    "pu1": {
        "contacts": {"k1", "k1b"},
        "tickets": {"t1", "t5"},
        "interactions": {"i1"},
        "assets": {"a1"},
        "contracts": set(),
        "opportunities": {"o1"},
        "tasks": {"task4"},
    },
    "tech1": {
        "contacts": {"k1"},
        "tickets": {"t1"},
        "interactions": set(),
        "assets": {"a1"},
        "tasks": set(),
    },
    "tech2": {
        "contacts": {"k1b"},
        "tickets": {"t5"},
        "interactions": set(),
        "assets": set(),
        "tasks": set(),
    },
    "agent": {
        "contacts": {"k1", "k1b"},
        "tickets": {"t1", "t5"},
        "interactions": {"i1", "i2"},
        "assets": {"a1"},
        "contracts": {"ct1"},
        "tasks": {"task1", "task4"},
    },
}
C1_CHILDREN["analyst"] = C1_CHILDREN["admin"]

# c1's timeline, newest first (i1 -1h, i2 -2h, e1 -3h, e5 -4h, s1 -5h, s2 -6h, v1/v4/v5 -7..9h).
C1_TIMELINE: dict[str, list[str]] = {
    "admin": ["i1", "i2", "e1", "e5", "s1", "s2", "v1", "v4", "v5"],
    "analyst": ["i1", "i2", "e1", "e5", "s1", "s2", "v1", "v4", "v5"],
    "mgr": ["i1", "i2", "e1", "e5", "s1", "s2", "v1", "v4", "v5"],
    "rep1": ["i1", "i2", "e1", "e5", "s1", "v1", "v4", "v5"],
    "pu1": ["i1", "e1", "e5", "s1", "v1", "v4", "v5"],
    "tech1": ["e1", "v1"],
    "tech2": ["e5", "v4", "v5"],
    "agent": ["i1", "i2", "e1", "e5", "v1", "v4", "v5"],
}

# lifetimeValue of c1: won deals in the viewer's slice (o1 1000 by rep1, o2 500 by rep2).
C1_LIFETIME_VALUE = {
    "admin": Decimal("1500"),
    "analyst": Decimal("1500"),
    "mgr": Decimal("1500"),
    "rep1": Decimal("1000"),
}
