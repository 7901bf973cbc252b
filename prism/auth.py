"""Bearer token → viewer: verify the JWT, then the user it names (kept in memory until any
user changes, see `prism.viewer_cache`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from authn.errors import InvalidToken
from authn.tokens import TokenVerifier
from authz.viewer import Viewer
from persistence.viewers import active_viewer
from prism.viewer_cache import ViewerCache


class Unauthenticated(Exception):
    """No usable identity; the message is safe to show."""


async def authenticate(
    authorization: str | None, verifier: TokenVerifier, engine: AsyncEngine, users: ViewerCache
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

    async def load(external_id: str) -> Viewer | None:
        async with engine.connect() as conn:
            return await active_viewer(conn, external_id)

    viewer = await users.get(claims.sub, load)
    if viewer is None:
        raise Unauthenticated("Unknown or inactive user")
    return viewer
