"""What the bearer-token tests build tokens and key sets with: real RSA and EC keys, claims
around a fixed now, and an IdP whose JWKS endpoint counts its fetches.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import JWSRegistry

from authn.errors import InvalidToken
from authn.keys import JwksSource
from authn.tokens import TokenVerifier

ISSUER = "https://idp.example.test/"
AUDIENCE = "prism"
NOW = 1_800_000_000.0
JWKS_URL = "https://idp.example.test/.well-known/jwks.json"


def b64(data: bytes | str | dict[str, Any]) -> str:
    if isinstance(data, dict):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def weak_rsa_jwk(kid: str) -> dict[str, Any]:
    """A 1024-bit RSA JWK built by hand (joserfc itself warns when asked to make one)."""
    numbers = rsa.generate_private_key(65537, 1024).public_key().public_numbers()
    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    return {"kty": "RSA", "kid": kid, "n": b64(n), "e": "AQAB"}


def jwks_of(*keys: RSAKey | ECKey) -> dict[str, Any]:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def write_jwks(path: Path, *keys: RSAKey | ECKey) -> str:
    path.write_text(json.dumps(jwks_of(*keys)))
    return path.as_uri()


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-42",
        "iat": int(NOW),
        "exp": int(NOW) + 300,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: RSAKey | ECKey, payload: dict[str, Any], **header: Any) -> str:
    alg = "RS256" if isinstance(key, RSAKey) else "ES256"
    hdr = {"alg": alg, "kid": key.kid, **header}
    hdr = {k: v for k, v in hdr.items() if v is not None}
    registry = JWSRegistry(algorithms=[hdr["alg"]], strict_check_header=False)
    return jwt.encode(hdr, payload, key, registry=registry)


def verifier(source: Any, clock: Callable[[], float] = lambda: NOW) -> TokenVerifier:
    return TokenVerifier(ISSUER, AUDIENCE, source, clock=clock)


async def refused(v: TokenVerifier, token: Any) -> str:
    """Verify must fail with InvalidToken whose message is exactly its (safe) reason."""
    with pytest.raises(InvalidToken) as info:
        await v.verify(token)
    assert str(info.value) == info.value.reason
    return info.value.reason


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class CountingIdP:
    """An https JWKS endpoint (httpx.MockTransport) that counts fetches."""

    def __init__(self, document: dict[str, Any], delay: float = 0.0) -> None:
        self.document = document
        self.delay = delay
        self.fetches = 0
        self.status = 200

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        return httpx.Response(self.status, json=self.document)

    def source(self, clock: Callable[[], float] | None = None, **kw: Any) -> JwksSource:
        if clock is not None:
            kw["clock"] = clock
        return JwksSource(JWKS_URL, transport=httpx.MockTransport(self.handler), **kw)
