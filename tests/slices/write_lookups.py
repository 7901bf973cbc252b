"""The rows of a world that one viewer may name in a write (`tests/slices/oracle.py` says
which), as global IDs: its own, a foreign one, a missing one.
"""

from __future__ import annotations

from collections.abc import Callable

from schema.ids import decode_id, encode_id
from tests.slices.oracle import Slice, visible
from tests.slices.world import World
from tests.slices.world_db import Ids

MISSING_OFFSET = 10**6


class ViewerRows:
    """One viewer's rows of one world (`ids` as the world was last inserted)."""

    def __init__(self, world: World, ids: Ids, me: int, policy_csv: str, unique: str) -> None:
        self.world, self.ids, self.me = world, ids, me
        self.role = world.users[me].role
        self.slice: Slice = visible(world, me)
        self.policy_csv, self.unique = policy_csv, unique

    # --- ids -------------------------------------------------------------------------------

    def gid(self, type_name: str, index: int) -> str:
        return encode_id(type_name, self.ids[type_name][index])

    def missing(self, type_name: str) -> str:
        """A valid ID of the right type that names no row: a real row's id + 10^6."""
        return encode_id(type_name, max(self.ids.get(type_name, ()), default=0) + MISSING_OFFSET)

    def foreign(self, type_name: str) -> str | None:
        """A row that exists but lies outside the viewer's slice, if the world has one."""
        seen = self.slice.get(type_name, set())
        outside = [i for i in range(len(self.ids[type_name])) if i not in seen]
        return self.gid(type_name, outside[0]) if outside else None

    def _index(self, type_name: str, global_id: str) -> int:
        return self.ids[type_name].index(decode_id(global_id)[1])

    # --- rows in the slice -----------------------------------------------------------------

    def _mine(self, type_name: str, keep: Callable[[int], bool] = lambda _: True) -> list[int]:
        return sorted(i for i in self.slice.get(type_name, set()) if keep(i))

    def _first(self, type_name: str, keep: Callable[[int], bool] = lambda _: True) -> str | None:
        mine = self._mine(type_name, keep)
        return self.gid(type_name, mine[0]) if mine else None

    def _users(self, *roles: str) -> str | None:
        return self._first("User", lambda i: self.world.users[i].role in roles)

    def _child(self, type_name: str, customer: int) -> str | None:
        rows = self.world.rows(type_name)
        return self._first(type_name, lambda i: rows[i].customer == customer)

    def _customer(self) -> int | None:
        """A visible customer, preferring one with a visible contact and asset."""

        def richness(c: int) -> int:
            return sum(self._child(t, c) is not None for t in ("Contact", "Asset"))

        mine = self._mine("Customer")
        return max(mine, key=lambda c: (richness(c), -c)) if mine else None

    def _my_partner(self) -> str | None:
        partner = self.world.users[self.me].partner
        return self.gid("Partner", partner) if partner is not None else None
