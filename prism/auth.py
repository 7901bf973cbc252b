"""Bearer token → viewer: the token verified by `authn`, then the user it names loaded (kept in
memory until any user changes, see `prism.viewer_cache`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from authn.bearer import Unauthenticated, bearer_subject
from authn.tokens import TokenVerifier
from authz.viewer import Viewer
from persistence.viewers import active_viewer
from prism.viewer_cache import ViewerCache


async def authenticate(
    authorization: str | None, verifier: TokenVerifier, engine: AsyncEngine, users: ViewerCache
) -> Viewer:
    subject = await bearer_subject(authorization, verifier)

    async def load(external_id: str) -> Viewer | None:
        async with engine.connect() as conn:
            return await active_viewer(conn, external_id)

    viewer = await users.get(subject, load)
    if viewer is None:
        raise Unauthenticated("Unknown or inactive user")
    return viewer
