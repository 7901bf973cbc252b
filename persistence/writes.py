"""The write path: a store opened for one act of the policy, which every write goes through.

A use case gets a `SqlStore` for the (type, act) cell its mutation names, and cannot write
around it:

- opening the store refuses (FORBIDDEN) when the viewer's policy does not allow the act;
- every reference of the input (`customerId`, `contactId`, ...) is read under the viewer's read
  scope of its type before the use case runs; one outside the slice gets exactly the answer of
  one that does not exist (NOT_FOUND, same field and message), so IDs cannot be probed;
- a new record of the act's type must fall inside the act's scope (checked in the same
  transaction, right after the INSERT), and an UPDATE carries the act's scope and the expected
  version in its WHERE;
- other types are written only as the act's declared consequences (`authz.policy.CONSEQUENCES`).

A row outside the viewer's read slice is NOT_FOUND; a visible row the act does not cover is
FORBIDDEN; a stale `expectedVersion` is CONFLICT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from asyncpg.exceptions import (
    CheckViolationError,
    ForeignKeyViolationError,
    UniqueViolationError,
)
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from authz.policy import CONSEQUENCES, POLICY_TYPE
from domain.clock import Clock, SystemClock
from domain.errors import Problem, Refused, bad_input, conflict, forbidden, not_found, stale
from domain.fields import camel
from persistence import jobs, outbox, policy_store
from persistence.access import Access
from persistence.listing import SPECS

TABLES: dict[str, Table] = {name: spec.table for name, spec in SPECS.items()}


@dataclass(frozen=True, slots=True)
class Reference:
    """An input field that names a record: `customer_id` holding Customer 42."""

    field: str  # snake_case input field, as in the use case's values
    type_name: str
    pk: int


class UndeclaredWrite(RuntimeError):
    """A use case tried to write a type its act does not cover: a bug, never user input."""


# Unique constraints a client can hit, and the input field to blame.
_UNIQUE_FIELDS = {
    "uq_customer_tax_id": ("taxId", "taxId is already used by another customer"),
    "uq_partner_name": ("name", "a partner with this name already exists"),
    "uq_app_user_external_id": ("externalId", "a user with this externalId already exists"),
    "uq_asset_serial_number": ("serialNumber", "serialNumber is already registered"),
}


class SqlStore:
    """Writes for one viewer and one act, inside the request's transaction."""

    def __init__(
        self,
        conn: AsyncConnection,
        access: Access,
        act: tuple[str, str],
        clock: Clock | None = None,
    ) -> None:
        self.conn = conn
        self.clock: Clock = clock or SystemClock()
        self._now = self.clock.now()
        self.access = access
        self.actor = access.viewer
        self.type_name, self.act = act
        scope = access.write(self.type_name, self.act)
        if scope is None:
            raise forbidden(f"Your role may not {self.act} {self.type_name} records")
        self._scope = scope
        self._consequences = CONSEQUENCES.get(act, frozenset())
        self._references: dict[str, tuple[Reference, Mapping[str, Any]]] = {}

    async def resolve(self, references: Iterable[Reference]) -> None:
        """Read every referenced record within the viewer's slice, or refuse with NOT_FOUND."""
        for reference in references:
            row = await self._visible(reference.type_name, reference.pk)
            if row is None:
                raise not_found(camel(reference.field), reference.type_name)
            self._references[reference.field] = (reference, row)

    def referenced(self, field: str) -> Mapping[str, Any]:
        """The record the input field `field` names, as the viewer may read it."""
        return self._references[field][1]

    async def target(self, field: str) -> Mapping[str, Any]:
        """The record of the act's type that the input field `field` names, if the act's scope
        reaches it (FORBIDDEN for a visible record it does not reach)."""
        reference, row = self._references[field]
        if reference.type_name != self.type_name:
            raise UndeclaredWrite(f"{field} names a {reference.type_name}, not {self.type_name}")
        if not await self._in_scope(reference.pk):
            raise forbidden(f"You may not {self.act} this {self.type_name}", camel(field))
        return row

    async def insert(self, type_name: str, values: Mapping[str, Any]) -> int:
        self._check_writable(type_name)
        table = TABLES[type_name]
        stmt = insert(table).values(**values).returning(table.c.id)
        pk = int((await self._guarded(stmt)).scalar_one())
        if type_name == self.type_name and not await self._in_scope(pk):
            raise forbidden(f"You may not {self.act} {self.type_name} records here")
        return pk

    async def update(
        self, pk: int, values: Mapping[str, Any], expected_version: int | None
    ) -> None:
        """Apply `values` to the act's record if it is in scope and at `expected_version`."""
        table = TABLES[self.type_name]
        changes = dict(values)
        conditions = [table.c.id == pk, self._scope.predicate]
        if "version" in table.c:
            changes["version"] = table.c.version + 1
            if expected_version is not None:
                conditions.append(table.c.version == expected_version)
        if "updated_at" in table.c:
            changes["updated_at"] = func.now()
        stmt = update(table).where(*conditions).values(**changes).returning(table.c.id)
        if (await self._guarded(stmt)).first() is None:
            # The caller loaded the row in scope first, so only the version can have moved.
            raise stale(self.type_name, await self._version(table, pk), expected_version)

    async def next_id(self, type_name: str) -> int:
        self._check_writable(type_name)
        seq = func.pg_get_serial_sequence(TABLES[type_name].name, "id")
        return int(await self.conn.scalar(select(func.nextval(seq))) or 0)

    def now(self) -> datetime:
        """One instant for the whole write, so every timestamp it sets agrees."""
        return self._now

    async def emit(self, event_type: str, data: Mapping[str, Any]) -> str:
        return await outbox.emit(self.conn, event_type, data, self._now)

    async def schedule(
        self, kind: str, key: str, at: datetime, payload: Mapping[str, Any] | None = None
    ) -> bool:
        return await jobs.enqueue(self.conn, kind, key, at, payload)

    async def replace_policy(
        self, lines: Sequence[Sequence[str]], catalogue: Mapping[str, Iterable[str]]
    ) -> None:
        """Replace the access policy (the act `Policy manage`); announced to every process."""
        self._check_writable(POLICY_TYPE)
        async with self.conn.begin_nested():
            await policy_store.replace_lines(self.conn, lines, catalogue)

    def _check_writable(self, type_name: str) -> None:
        if type_name != self.type_name and type_name not in self._consequences:
            raise UndeclaredWrite(f"{self.type_name} {self.act} may not write {type_name}")

    async def _visible(self, type_name: str, pk: int) -> Mapping[str, Any] | None:
        table = TABLES[type_name]
        predicate = self.access.read(type_name).predicate
        row = (await self.conn.execute(select(table).where(table.c.id == pk, predicate))).first()
        # RowMapping also accepts Column keys; callers here index by column name only.
        return cast(Mapping[str, Any], row._mapping) if row is not None else None

    async def _in_scope(self, pk: int) -> bool:
        if self._scope.name == "all":
            return True
        table = TABLES[self.type_name]
        found = await self.conn.scalar(
            select(func.count()).where(table.c.id == pk, self._scope.predicate)
        )
        return bool(found)

    async def _version(self, table: Table, pk: int) -> int:
        return int(await self.conn.scalar(select(table.c.version).where(table.c.id == pk)) or 0)

    async def _guarded(self, stmt: Any) -> Any:
        """Run a write; constraint violations become precise user errors, never a 500."""
        try:
            async with self.conn.begin_nested():
                return await self.conn.execute(stmt)
        except DBAPIError as exc:
            raise _as_refusal(exc) from None


def _as_refusal(exc: DBAPIError) -> Exception:
    cause = getattr(exc.orig, "__cause__", None) or exc.orig
    name = getattr(cause, "constraint_name", None) or ""
    if isinstance(cause, UniqueViolationError):
        field, message = _UNIQUE_FIELDS.get(
            name, (None, "a record with these values already exists")
        )
        return conflict(field, message)
    if isinstance(cause, ForeignKeyViolationError):
        column = re.sub(r"^fk_[a-z_]+?_([a-z_]+_id)_[a-z_]+$", r"\1", name)
        return Refused(bad_input(camel(column), "refers to a record that does not exist"))
    if isinstance(cause, CheckViolationError):
        rule = name.removeprefix("ck_")
        return Refused(Problem(None, f"a value is out of range ({rule})", "BAD_USER_INPUT"))
    return exc
