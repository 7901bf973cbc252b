"""Load the signed-in user on every request, so role and activation changes apply at once."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from authz.viewer import Viewer
from domain.enums import Region, Role
from persistence import models as m


async def active_viewer(conn: AsyncConnection, external_id: str) -> Viewer | None:
    return await _viewer(conn, external_id, active_only=True)


async def _viewer(conn: AsyncConnection, external_id: str, *, active_only: bool) -> Viewer | None:
    u = m.User.__table__.c
    stmt = select(
        u.id, u.external_id, u.display_name, u.role, u.partner_id, u.manager_id, u.region
    ).where(u.external_id == external_id)
    if active_only:
        stmt = stmt.where(u.active.is_(True))
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    return Viewer(
        user_id=row.id,
        external_id=row.external_id,
        display_name=row.display_name,
        role=Role(row.role),
        partner_id=row.partner_id,
        manager_id=row.manager_id,
        region=Region(row.region) if row.region is not None else None,
    )


async def viewer_by_id(conn: AsyncConnection, user_id: int) -> Viewer | None:
    """Any user (active or not) as a viewer, for explaining their access."""
    u = m.User.__table__.c
    row = (await conn.execute(select(u.external_id).where(u.id == user_id))).first()
    if row is None:
        return None
    return await _viewer(conn, row.external_id, active_only=False)


async def user_active(conn: AsyncConnection, external_id: str) -> bool | None:
    """Whether the user with this token subject may sign in; None when there is none."""
    u = m.User.__table__.c
    found = (await conn.execute(select(u.active).where(u.external_id == external_id))).scalar()
    return None if found is None else bool(found)


async def active_subjects(conn: AsyncConnection, external_ids: list[str]) -> set[str]:
    """Which of these token subjects belong to users who may sign in."""
    u = m.User.__table__.c
    stmt = select(u.external_id).where(u.external_id.in_(external_ids), u.active)
    found = await conn.execute(stmt)
    return set(found.scalars().all())


async def partner_id_by_name(conn: AsyncConnection, name: str) -> int | None:
    p = m.Partner.__table__.c
    found = (await conn.execute(select(p.id).where(p.name == name))).scalar()
    return None if found is None else int(found)


async def any_user(conn: AsyncConnection) -> bool:
    """Whether the database holds a user yet (an empty one gets the demo data)."""
    return bool((await conn.execute(select(exists().select_from(m.User.__table__)))).scalar())
