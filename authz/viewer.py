"""Who is asking: the signed-in user as loaded from the database on every request."""

from __future__ import annotations

from dataclasses import dataclass

from domain.enums import Region, Role


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user behind a request; role, partner and manager come from the database."""

    user_id: int
    external_id: str
    display_name: str
    role: Role
    partner_id: int | None
    manager_id: int | None
    region: Region | None
