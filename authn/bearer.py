"""Who a request says it is: the `Authorization: Bearer` header read and its token verified.

The HTTP layer then loads the user the token names (`prism.auth`); this module knows tokens,
not users or storage."""

from __future__ import annotations

from authn.errors import InvalidToken
from authn.tokens import TokenVerifier


class Unauthenticated(Exception):
    """No usable identity; the message is safe to show."""


async def bearer_subject(authorization: str | None, verifier: TokenVerifier) -> str:
    """The verified token's subject (the identity provider's `sub` of a user)."""
    if not authorization:
        raise Unauthenticated("Sign in: send `Authorization: Bearer <token>`")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must use the Bearer scheme")
    try:
        claims = await verifier.verify(token.strip())
    except InvalidToken as exc:
        raise Unauthenticated(f"Invalid token: {exc.reason}") from None
    return claims.sub
