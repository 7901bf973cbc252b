"""Bearer token → viewer: verify the JWT, then load the user it names from the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from authz.tokens import InvalidToken, TokenVerifier
from authz.viewer import Viewer
from persistence.viewers import active_viewer


class Unauthenticated(Exception):
    """No usable identity; the message is safe to show."""


async def authenticate(
    authorization: str | None, verifier: TokenVerifier, engine: AsyncEngine
) -> Viewer:
    if not authorization:
        raise Unauthenticated("Sign in: send `Authorization: Bearer <token>`")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must use the Bearer scheme")
    try:
        claims = await verifier.verify(token.strip())
    except InvalidToken as exc:
        raise Unauthenticated(f"Invalid token: {exc.reason}") from None
    async with engine.connect() as conn:
        viewer = await active_viewer(conn, claims.sub)
    if viewer is None:
        raise Unauthenticated("Unknown or inactive user")
    return viewer
