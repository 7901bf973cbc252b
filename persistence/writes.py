"""Scoped writes: every UPDATE carries the act's scope and the expected version in its WHERE.

Failures come back as the domain's `Refused` with a field and a code. A row outside the
viewer's read slice is NOT_FOUND (the same as a row that does not exist); a visible row the act
does not cover is FORBIDDEN; a stale `expectedVersion` is CONFLICT.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from asyncpg.exceptions import (
    CheckViolationError,
    ForeignKeyViolationError,
    UniqueViolationError,
)
from sqlalchemy import ColumnElement, Table, func, insert, select, true, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from authz.access import Access
from authz.scopes import compile_scope
from domain.enums import Role
from domain.errors import Problem, Refused, bad_input, conflict, forbidden, not_found, stale
from domain.fields import camel
from persistence import models as m
from persistence.listing import SPECS

TABLES: dict[str, Table] = {name: spec.table for name, spec in SPECS.items()}

# Unique constraints a client can hit, and the input field to blame.
_UNIQUE_FIELDS = {
    "uq_customer_tax_id": ("taxId", "taxId is already used by another customer"),
    "uq_partner_name": ("name", "a partner with this name already exists"),
    "uq_app_user_external_id": ("externalId", "a user with this externalId already exists"),
    "uq_asset_serial_number": ("serialNumber", "serialNumber is already registered"),
}


class SqlStore:
    def __init__(self, conn: AsyncConnection, access: Access) -> None:
        self.conn = conn
        self.access = access
        self.actor = access.viewer

    def may(self, type_name: str, act: str) -> bool:
        return self.access.write(type_name, act) is not None

    def _act_predicate(self, type_name: str, act: str) -> ColumnElement[bool]:
        scope = self.access.write(type_name, act)
        if scope is None:
            raise forbidden(f"Your role may not {act} {type_name} records")
        return scope.predicate

    async def _visible(self, type_name: str, pk: int) -> Mapping[str, Any] | None:
        table = TABLES[type_name]
        predicate = self.access.read(type_name).predicate
        row = (await self.conn.execute(select(table).where(table.c.id == pk, predicate))).first()
        # RowMapping also accepts Column keys; callers here index by column name only.
        return cast(Mapping[str, Any], row._mapping) if row is not None else None

    async def check_parent(
        self, type_name: str, act: str, parent_type: str, parent_id: int, field: str
    ) -> Mapping[str, Any]:
        scope = self.access.write(type_name, act)
        if scope is None:
            raise forbidden(f"Your role may not {act} {type_name} records")
        parent = await self._visible(parent_type, parent_id)
        if parent is None:
            raise not_found(field, parent_type)
        table = TABLES[parent_type]
        allowed = await self.conn.scalar(
            select(func.count()).where(
                table.c.id == parent_id, self._parent_scope(scope.name, parent_type)
            )
        )
        if not allowed:
            raise forbidden(f"You may not {act} {type_name} records for this {parent_type}", field)
        return parent

    def _parent_scope(self, scope_name: str, parent_type: str) -> ColumnElement[bool]:
        if scope_name == "all":
            return true()
        if scope_name in ("customer", "customer_external"):
            return self.access.read(parent_type).predicate
        return compile_scope(
            self.actor, parent_type, scope_name, lambda t: self.access.policy.read.get(t, "none")
        ).predicate

    async def load_for(self, type_name: str, act: str, pk: int, field: str) -> Mapping[str, Any]:
        predicate = self._act_predicate(type_name, act)
        row = await self._visible(type_name, pk)
        if row is None:
            raise not_found(field, type_name)
        table = TABLES[type_name]
        if not await self.conn.scalar(select(func.count()).where(table.c.id == pk, predicate)):
            raise forbidden(f"You may not {act} this {type_name}", field)
        return row

    async def insert(self, type_name: str, values: Mapping[str, Any]) -> int:
        table = TABLES[type_name]
        stmt = insert(table).values(**values).returning(table.c.id)
        return int((await self._guarded(stmt)).scalar_one())

    async def update(
        self,
        type_name: str,
        act: str,
        pk: int,
        values: Mapping[str, Any],
        expected_version: int | None,
    ) -> None:
        table = TABLES[type_name]
        predicate = self._act_predicate(type_name, act)
        changes = dict(values)
        conditions = [table.c.id == pk, predicate]
        if "version" in table.c:
            changes["version"] = table.c.version + 1
            if expected_version is not None:
                conditions.append(table.c.version == expected_version)
        if "updated_at" in table.c:
            changes["updated_at"] = func.now()
        stmt = update(table).where(*conditions).values(**changes).returning(table.c.id)
        if (await self._guarded(stmt)).first() is None:
            # The caller loaded the row in scope first, so only the version can have moved.
            raise stale(type_name, await self._version(table, pk), expected_version)

    async def _version(self, table: Table, pk: int) -> int:
        return int(await self.conn.scalar(select(table.c.version).where(table.c.id == pk)) or 0)

    async def user_role(self, user_id: int, field: str) -> tuple[Role, int | None]:
        u = m.User.__table__.c
        row = (
            await self.conn.execute(
                select(u.role, u.partner_id).where(u.id == user_id, u.active.is_(True))
            )
        ).first()
        if row is None:
            raise Refused(bad_input(field, "no active user with this ID"))
        return Role(row.role), row.partner_id

    async def exists(self, type_name: str, pk: int, field: str) -> None:
        table = TABLES[type_name]
        if not await self.conn.scalar(select(func.count()).where(table.c.id == pk)):
            raise Refused(bad_input(field, f"no {type_name} with this ID"))

    async def next_id(self, type_name: str) -> int:
        table = TABLES[type_name]
        seq = func.pg_get_serial_sequence(table.name, "id")
        return int(await self.conn.scalar(select(func.nextval(seq))) or 0)

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
