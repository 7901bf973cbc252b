"""Load the signed-in user on every request, so role and activation changes apply at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from authz.viewer import Viewer
from domain.enums import Region, Role
from persistence import models as m


async def active_viewer(conn: AsyncConnection, external_id: str) -> Viewer | None:
    u = m.User.__table__.c
    stmt = select(
        u.id, u.external_id, u.display_name, u.role, u.partner_id, u.manager_id, u.region
    ).where(u.external_id == external_id, u.active.is_(True))
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
