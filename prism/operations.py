"""Operator commands run outside a request (`prism users add`, `prism policy …`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from authz.policy import compile_policies, explain, parse_csv, to_csv
from authz.viewer import Viewer
from domain import accounts
from domain.enums import Role
from domain.errors import Refused
from persistence import policy_store
from persistence.access import Access
from persistence.db import make_engine
from persistence.viewers import partner_id_by_name, user_active
from persistence.writes import Reference, SqlStore
from prism.schemas import SchemaRegistry

#: The operator at the console acts as an administrator without a user row.
CONSOLE = Viewer(
    user_id=0,
    external_id="console",
    display_name="console",
    role=Role.ADMIN,
    partner_id=None,
    manager_id=None,
    region=None,
)


class OperationError(Exception):
    """An operator command failed for a reason worth printing."""


@asynccontextmanager
async def transaction(url: str) -> AsyncIterator[AsyncConnection]:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            yield conn
    finally:
        await engine.dispose()


async def add_user(url: str, sub: str, role: str, name: str, partner: str | None) -> str:
    try:
        role_value = Role(role.upper())
    except ValueError:
        raise OperationError(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}"
        ) from None
    async with transaction(url) as conn:
        partner_id = await _partner_id(conn, partner) if partner else None
        await policy_store.ensure_default(conn)
        policies = compile_policies(await policy_store.load_lines(conn), SchemaRegistry().catalogue)
        values = {
            "external_id": sub,
            "display_name": name,
            "role": role_value.value,
            "partner_id": partner_id,
        }
        try:
            store = SqlStore(conn, Access(CONSOLE, policies[Role.ADMIN]), ("User", "create"))
            if partner_id is not None:
                await store.resolve([Reference("partner_id", "Partner", partner_id)])
            await accounts.create_user(store, values)
        except Refused as refused:
            raise OperationError("; ".join(p.message for p in refused.problems)) from None
    return f"{sub} ({role_value.value})"


async def _partner_id(conn: AsyncConnection, name: str) -> int:
    found = await partner_id_by_name(conn, name)
    if found is None:
        raise OperationError(f"no partner named {name!r}")
    return int(found)


async def export_policy(url: str) -> str:
    async with transaction(url) as conn:
        await policy_store.ensure_default(conn)
        return to_csv(await policy_store.load_lines(conn))


async def import_policy(url: str, csv_text: str) -> int:
    lines = parse_csv(csv_text)
    async with transaction(url) as conn:
        await policy_store.replace_lines(conn, lines, SchemaRegistry().catalogue)
    return len(lines)


async def explain_policy(url: str, role: str, type_name: str | None) -> str:
    async with transaction(url) as conn:
        await policy_store.ensure_default(conn)
        lines = await policy_store.load_lines(conn)
    registry = SchemaRegistry()
    registry.load(lines)
    return explain(registry.policies, Role(role.upper()), type_name)


async def user_status(url: str, sub: str) -> str | None:
    """`active`, `inactive`, or None when no user has this token subject."""
    async with transaction(url) as conn:
        active = await user_active(conn, sub)
    if active is None:
        return None
    return "active" if active else "inactive"
