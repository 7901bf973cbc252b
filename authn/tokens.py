"""Bearer-token verification against an OIDC issuer's JWKS (CONTRACT §4).

The verifier is deliberately stricter than a generic JWT library: it decides the algorithm
and the key itself, from the header and our own key set, before any signature maths runs.
That closes the classic holes (`alg: none`, HMAC keyed with an RSA public key, keys embedded
in the token header) by construction instead of relying on library defaults.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol
from urllib.parse import unquote, urlsplit

import httpx
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import ECKey, JWKRegistry, Key, KeySet, RSAKey
from joserfc.jws import JWSRegistry

logger = logging.getLogger(__name__)

#: The only algorithms accepted. Both are asymmetric, so a leaked JWKS can never mint tokens.
ALLOWED_ALGORITHMS: Final = ("RS256", "ES256")
#: Weaker RSA keys in a JWKS are ignored rather than trusted.
MIN_RSA_BITS: Final = 2048
#: Far above any real access token; bounds the work done on hostile input.
MAX_TOKEN_LENGTH: Final = 16_384
#: A JWKS is a few kilobytes; refuse anything that looks like a runaway response.
MAX_JWKS_BYTES: Final = 1_048_576

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

VerificationKey = RSAKey | ECKey


class InvalidToken(Exception):
    """The bearer token is not acceptable.

    `reason` is short and safe to show a client; it never carries key material, claim
    values or library internals, which go to the server log (if anywhere).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JwksUnavailable(InvalidToken):
    """The signing keys could not be loaded.

    A subclass of InvalidToken so that callers who only care "is this request authenticated"
    get UNAUTHENTICATED, while the HTTP layer may catch it separately (e.g. to log or 503).
    """

    def __init__(self) -> None:
        super().__init__("signing keys unavailable")


@dataclass(frozen=True)
class TokenClaims:
    """The verified claims; `raw` is the whole payload for callers that need more."""

    sub: str
    issuer: str
    expires_at: datetime | None
    raw: dict[str, Any]


class KeySetProvider(Protocol):
    """Anything that can hand the verifier a key set, refreshing it on demand."""

    async def key_set(self, *, refresh: bool = False) -> KeySet: ...


# --------------------------------------------------------------------------- key sets


def _usable_key(data: object) -> VerificationKey | None:
    """Import one JWK if it can verify RS256/ES256 signatures, else None.

    Unusable entries (encryption keys, symmetric keys, weak RSA, other curves) are skipped
    rather than failing the whole set, as RFC 7517 §5 suggests. Only the public half is kept.
    """
    if not isinstance(data, dict):
        return None
    if data.get("use") not in (None, "sig"):
        return None
    key_ops = data.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return None
    if data.get("alg") not in (None, *ALLOWED_ALGORITHMS):
        return None
    if data.get("kty") not in ("RSA", "EC"):
        return None
    if data.get("kty") == "RSA" and _rsa_bits(data.get("n")) < MIN_RSA_BITS:
        return None  # checked before import, which would only warn about weak keys
    try:
        key = JWKRegistry.import_key(data)
        public = JWKRegistry.import_key(key.as_dict(private=False))
    except (JoseError, ValueError, TypeError, KeyError):
        return None
    if isinstance(public, RSAKey) and public.public_key.key_size >= MIN_RSA_BITS:
        return public
    if isinstance(public, ECKey) and public.curve_name == "P-256":
        return public
    return None


def _rsa_bits(modulus: object) -> int:
    """Bit length of a JWK's base64url `n`; 0 when it is not decodable."""
    if not isinstance(modulus, str) or not _B64URL.match(modulus):
        return 0
    try:
        raw = base64.urlsafe_b64decode(modulus + "=" * (-len(modulus) % 4))
    except (binascii.Error, ValueError):
        return 0
    return int.from_bytes(raw, "big").bit_length()


def parse_jwks(document: object) -> KeySet:
    """Turn a JWKS document into a KeySet of usable verification keys.

    Raises ValueError when nothing usable is left: an empty set would silently reject
    every token, and must not replace a previously good cached set.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    keys: list[Key] = [key for key in map(_usable_key, document["keys"]) if key is not None]
    if not keys:
        raise ValueError("JWKS holds no usable signing key")
    return KeySet(keys)


class StaticJwksSource:
    """An in-memory key set (dev signing, tests); refreshing is a no-op."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._keys = parse_jwks(dict(document))

    async def key_set(self, *, refresh: bool = False) -> KeySet:
        return self._keys


class JwksSource:
    """Loads and caches the issuer's JWKS from `https://…` or `file:///…`.

    The cache is refreshed when it is older than `max_age` (so a key the IdP withdraws
    stops being trusted) and on demand when a token names an unknown `kid` (key rotation).
    Forced refreshes are limited to one per `min_refresh_interval`, and a failed fetch is not
    retried before that interval either, so a flood of bogus `kid`s or an IdP outage cannot
    turn into a flood of requests to the IdP. A lock makes concurrent refreshes fetch once.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        min_refresh_interval: float = 10.0,
        max_age: float | None = 3600.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._path = _file_path(url)  # also validates the scheme
        self._timeout = timeout
        self._min_refresh_interval = min_refresh_interval
        self._max_age = max_age
        self._transport = transport
        self._clock = clock
        self._lock = asyncio.Lock()
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._last_forced: float | None = None
        self._last_failure: float | None = None

    @property
    def url(self) -> str:
        return self._url

    async def key_set(self, *, refresh: bool = False) -> KeySet:
        """Return the cached key set, fetching when missing, stale, or forced (rate-limited)."""
        if self._keys is not None and not self._wants_fetch(self._clock(), refresh):
            return self._keys
        async with self._lock:
            now = self._clock()
            if not self._wants_fetch(now, refresh):
                return self._cached_or_raise()
            if refresh and self._keys is not None:
                self._last_forced = now
            try:
                keys = await self._fetch()
            except JwksUnavailable:
                self._last_failure = now
                return self._cached_or_raise()
            self._keys, self._fetched_at, self._last_failure = keys, now, None
            return keys

    def _wants_fetch(self, now: float, refresh: bool) -> bool:
        if self._last_failure is not None and now - self._last_failure < self._min_refresh_interval:
            return False
        if self._keys is None:
            return True
        if refresh:
            last = self._last_forced
            return last is None or now - last >= self._min_refresh_interval
        return self._max_age is not None and now - self._fetched_at >= self._max_age

    def _cached_or_raise(self) -> KeySet:
        if self._keys is None:
            raise JwksUnavailable()
        return self._keys

    async def _fetch(self) -> KeySet:
        """Fetch and parse; every failure becomes JwksUnavailable, details go to the log."""
        try:
            raw = await (self._read_file() if self._path is not None else self._read_https())
            return parse_jwks(json.loads(raw))
        except (OSError, httpx.HTTPError, ValueError) as exc:
            logger.warning("JWKS fetch from %s failed: %s", self._url, type(exc).__name__)
            raise JwksUnavailable() from exc

    async def _read_file(self) -> bytes:
        assert self._path is not None
        raw = await asyncio.to_thread(self._path.read_bytes)
        if len(raw) > MAX_JWKS_BYTES:
            raise ValueError("JWKS too large")
        return raw

    async def _read_https(self) -> bytes:
        async with (
            httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as client,
            client.stream("GET", self._url, headers={"Accept": "application/json"}) as response,
        ):
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    raise ValueError("JWKS too large")
            return bytes(body)


def _file_path(url: str) -> Path | None:
    """The local path for a `file:` URL, None for `https:`; ValueError for anything else.

    Plain http is refused because a JWKS fetched without TLS lets anyone on the path
    substitute their own keys.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path:
        return Path(unquote(parts.path))
    raise ValueError("JWKS URL must be https://… or file:///…")


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
        self._verified: OrderedDict[str, tuple[VerificationKey, dict[str, Any]]] = OrderedDict()

    async def verify(self, token: str) -> TokenClaims:
        """Return the claims of a valid token, else raise InvalidToken with a safe reason.

        Shape and algorithm are checked before any key lookup, so garbage never causes a
        JWKS fetch; claims are read only from the payload the signature covers.
        """
        header, _ = _split(token)
        alg, kid = _checked_header(header)
        key = await self._key_for(alg, kid)
        seen = self._verified.get(token)
        if seen is not None and seen[0] is key:
            return self._checked_claims(seen[1])
        claims = _json_object(_check_signature(token, key))
        checked = self._checked_claims(claims)
        self._verified[token] = (key, claims)
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
