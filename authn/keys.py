"""The issuer's signing keys: a JWKS parsed strictly, loaded from `https://…` or `file:///…` and
cached, refreshed when old and when a token names an unknown key (rotation)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Protocol
from urllib.parse import unquote, urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, Key, KeySet, RSAKey

from authn.errors import JwksUnavailable

logger = logging.getLogger("authn.tokens")

#: Weaker RSA keys in a JWKS are ignored rather than trusted.
MIN_RSA_BITS: Final = 2048
#: A JWKS is a few kilobytes; refuse anything that looks like a runaway response.
MAX_JWKS_BYTES: Final = 1_048_576

#: The only algorithms accepted. Both are asymmetric, so a leaked JWKS can never mint tokens.
ALLOWED_ALGORITHMS: Final = ("RS256", "ES256")

VerificationKey = RSAKey | ECKey

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


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
