"""Bearer-token verification against an OIDC issuer's JWKS (CONTRACT §4).

The verifier is deliberately stricter than a generic JWT library: it decides the algorithm
and the key itself, from the header and our own key set, before any signature maths runs.
That closes the classic holes (`alg: none`, HMAC keyed with an RSA public key, keys embedded
in the token header) by construction instead of relying on library defaults.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jws import JWSRegistry

from authn.errors import InvalidToken
from authn.keys import (
    ALLOWED_ALGORITHMS,
    KeySetProvider,
    VerificationKey,
)

logger = logging.getLogger(__name__)

#: Far above any real access token; bounds the work done on hostile input.
MAX_TOKEN_LENGTH: Final = 16_384

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def _jws_registry() -> JWSRegistry:
    """joserfc's JWS rules with our allow-list.

    Unknown non-critical header parameters are ignored as RFC 7515 requires (IdPs add their
    own, e.g. `nonce`); the header limit is raised from 512 bytes so `x5c` chains fit.
    """
    registry = JWSRegistry(algorithms=list(ALLOWED_ALGORITHMS), strict_check_header=False)
    registry.max_header_length = 8192
    return registry


_JWS_REGISTRY: Final = _jws_registry()


@dataclass(frozen=True)
class TokenClaims:
    """The verified claims; `raw` is the whole payload for callers that need more."""

    sub: str
    issuer: str
    expires_at: datetime | None
    raw: dict[str, Any]


# --------------------------------------------------------------------------- verification


def _b64url_json(segment: str) -> dict[str, Any]:
    """Strictly decode one base64url JSON-object segment, or raise InvalidToken."""
    if not segment or not _B64URL.match(segment) or len(segment) % 4 == 1:
        raise InvalidToken("malformed token")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("malformed token") from exc
    return _json_object(raw)


def _json_object(raw: bytes) -> dict[str, Any]:
    """Parse a JSON object; deep nesting (RecursionError) counts as malformed, not a crash."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidToken("malformed token") from exc
    if not isinstance(value, dict):
        raise InvalidToken("malformed token")
    return value


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, without trusting either yet."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed token")
    parts = token.split(".")
    if len(parts) != 3 or not parts[2] or not _B64URL.match(parts[2]):
        raise InvalidToken("malformed token")
    return _b64url_json(parts[0]), _b64url_json(parts[1])


def _checked_header(header: dict[str, Any]) -> tuple[str, str | None]:
    """The (alg, kid) of a header we are willing to process.

    The algorithm is checked here, before any key is chosen, so `none`, HS* and anything
    exotic never reach signature verification. `crit` is refused because we implement no
    extensions (RFC 7515 §4.1.11). Header keys such as `jwk`, `jku` and `x5u` are ignored:
    keys only ever come from our own JWKS.
    """
    alg, kid = header.get("alg"), header.get("kid")
    if not isinstance(alg, str) or (kid is not None and not isinstance(kid, str)):
        raise InvalidToken("malformed token")
    if alg not in ALLOWED_ALGORITHMS:
        raise InvalidToken("unsupported algorithm")
    if "crit" in header:
        raise InvalidToken("unsupported critical header")
    return alg, kid


def _suitable(key: object, alg: str) -> VerificationKey | None:
    """`key` if it may verify `alg` (right key type, its own `alg` agrees), else None."""
    if isinstance(key, RSAKey):
        fits = alg == "RS256"
    elif isinstance(key, ECKey):
        fits = alg == "ES256" and key.curve_name == "P-256"
    else:
        return None
    return key if fits and key.get("alg") in (None, alg) else None


def _select_key(keys: KeySet, alg: str, kid: str | None) -> VerificationKey | None:
    """The key for this token: by `kid`, or the sole suitable key when the token has none."""
    if kid is None:
        candidates = [k for k in (_suitable(key, alg) for key in keys) if k is not None]
        return candidates[0] if len(candidates) == 1 else None
    for key in keys:
        if key.kid == kid and (fits := _suitable(key, alg)) is not None:
            return fits
    return None


def _check_signature(token: str, key: VerificationKey) -> bytes:
    """Verify the signature and return the signed payload bytes.

    joserfc gets the same allow-list and a key of a fixed asymmetric type, so even if the
    header check above were bypassed an HS256 token could not be verified with an RSA key.
    """
    try:
        obj = jws.deserialize_compact(token, key, registry=_JWS_REGISTRY)
    except BadSignatureError as exc:
        raise InvalidToken("invalid signature") from exc
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidToken("malformed token") from exc
    assert obj.payload is not None
    return obj.payload


def _number(claims: dict[str, Any], name: str) -> float | None:
    """A NumericDate claim, None if absent; booleans and strings are malformed."""
    value = claims.get(name)
    if value is None and name not in claims:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken("malformed token")
    if not math.isfinite(value):  # json.loads accepts NaN and Infinity
        raise InvalidToken("malformed token")
    return float(value)


def _timestamp(value: float) -> datetime | None:
    """`exp` as an aware datetime; None when it lies beyond what datetime can represent."""
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


#: How many verified tokens each process remembers.
VERIFIED_TOKENS = 10_000


class TokenVerifier:
    """Verifies bearer JWTs for one issuer and audience against a JWKS."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks: KeySetProvider,
        leeway_seconds: int = 30,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks = jwks
        self.leeway = leeway_seconds
        self._clock = clock
        # Signatures already checked, by token: a client sends the same token for an hour,
        # and an RSA check per request is wasted work. The claims' time window and the key's
        # presence in the current key set are still checked on every use.
        # Kept with the header's (alg, kid), so a repeat is not decoded again.
        self._verified: OrderedDict[
            str, tuple[str, str | None, VerificationKey, dict[str, Any]]
        ] = OrderedDict()

    async def verify(self, token: str) -> TokenClaims:
        """Return the claims of a valid token, else raise InvalidToken with a safe reason.

        Shape and algorithm are checked before any key lookup, so garbage never causes a
        JWKS fetch; claims are read only from the payload the signature covers.
        """
        seen = self._verified.get(token)
        if seen is not None:
            # Its header was checked when it was first seen; only its key's presence is not.
            alg, kid, key, claims = seen
            if await self._key_for(alg, kid) is key:
                return self._checked_claims(claims)
        header, _ = _split(token)
        alg, kid = _checked_header(header)
        key = await self._key_for(alg, kid)
        claims = _json_object(_check_signature(token, key))
        checked = self._checked_claims(claims)
        self._verified[token] = (alg, kid, key, claims)
        if len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return checked

    async def _key_for(self, alg: str, kid: str | None) -> VerificationKey:
        """Find the signing key, re-fetching the JWKS once for an unknown `kid` (rotation)."""
        key = _select_key(await self.jwks.key_set(), alg, kid)
        if key is None and kid is not None:
            key = _select_key(await self.jwks.key_set(refresh=True), alg, kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key

    def _checked_claims(self, claims: dict[str, Any]) -> TokenClaims:
        """Apply the registered-claim rules: time window, issuer, audience, subject."""
        now = self._clock()
        exp, nbf, iat = _number(claims, "exp"), _number(claims, "nbf"), _number(claims, "iat")
        if exp is None:
            raise InvalidToken("missing expiry")
        if now >= exp + self.leeway:
            raise InvalidToken("token expired")
        if nbf is not None and now + self.leeway < nbf:
            raise InvalidToken("token not yet valid")
        if iat is not None and now + self.leeway < iat:
            raise InvalidToken("token issued in the future")
        iss, aud, sub = claims.get("iss"), claims.get("aud"), claims.get("sub")
        if not all(isinstance(v, str | None) for v in (iss, sub)):
            raise InvalidToken("malformed token")
        if iss != self.issuer:
            raise InvalidToken("wrong issuer")
        if self.audience not in _audiences(aud):
            raise InvalidToken("wrong audience")
        if not sub:
            raise InvalidToken("missing subject")
        assert isinstance(sub, str)
        return TokenClaims(sub=sub, issuer=self.issuer, expires_at=_timestamp(exp), raw=claims)


def _audiences(aud: object) -> list[str]:
    """`aud` as a list (RFC 7519 allows a string or an array); other shapes are malformed."""
    if aud is None:
        return []
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and all(isinstance(a, str) for a in aud):
        return aud
    raise InvalidToken("malformed token")
