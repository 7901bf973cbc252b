"""Point generated ID arguments at seeded rows of the type they name.

A random ID (or a real one of the wrong type) stops a mutation at its first check. Reading the
argument's name (`ticketId`, `ownerId`, `customer(id:)`) tells which type it wants, so most
cases can carry a row that exists and get as far as the domain rules and the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    visit,
)
from hypothesis import strategies as st

USER_REFERENCES = frozenset({"ownerId", "assigneeId", "technicianId", "managerId", "userId"})


def referenced_type(name: str, field: str | None, types: Collection[str]) -> str | None:
    """The type an argument or input field called `name` refers to, if it is one we seeded."""
    if name in USER_REFERENCES:
        return "User"
    if name == "id" and field is not None:
        candidate = field[:1].upper() + field[1:]
    elif name.endswith("Id"):
        candidate = name[:1].upper() + name[1:-2]
    else:
        return None
    return candidate if candidate in types else None


class _IdSites(Visitor):
    """Lists the type of every ID site in visit order; given picks, puts them in place."""

    def __init__(self, types: Collection[str], picks: Sequence[str | None] = ()) -> None:
        super().__init__()
        self.types = types
        self.found: list[str] = []
        self.picks: Iterator[str | None] = iter(picks)

    def enter_argument(self, node: ArgumentNode, *args: Any) -> ArgumentNode | None:
        ancestors = args[-1]
        owner = ancestors[-1] if ancestors else None
        field = owner.name.value if isinstance(owner, FieldNode) else None
        return self._site(node, field)

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> ObjectFieldNode | None:
        return self._site(node, None)

    def _site(self, node: Any, field: str | None) -> Any:
        type_name = referenced_type(node.name.value, field, self.types)
        if type_name is None or not isinstance(node.value, StringValueNode):
            return None
        self.found.append(type_name)
        pick = next(self.picks, None)
        if pick is None:
            return None
        return type(node)(name=node.name, value=StringValueNode(value=pick))


def retarget_ids(
    ids_by_type: Mapping[str, Sequence[str]],
) -> Callable[[Any, DocumentNode], st.SearchStrategy[DocumentNode]]:
    """A schemathesis `flatmap_body` hook: each ID site keeps its value or gets a seeded row."""

    def flatmap_body(context: Any, body: DocumentNode) -> st.SearchStrategy[DocumentNode]:
        sites = _IdSites(ids_by_type)
        visit(body, sites)
        if not sites.found:
            return st.just(body)
        # Mostly a seeded row; sometimes the generated value, so junk IDs stay covered too.
        choices = [_retargeted(ids_by_type[t]) for t in sites.found]
        return st.tuples(*choices).map(lambda picks: visit(body, _IdSites(ids_by_type, picks)))

    return flatmap_body


def _retargeted(ids: Sequence[str]) -> st.SearchStrategy[str | None]:
    rows = st.sampled_from(ids)
    return st.one_of(rows, rows, rows, st.none())
