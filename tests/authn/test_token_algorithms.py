"""Bearer-token verification (CONTRACT §4) under attack: algorithm confusion, hostile headers,
tampered signatures and garbage, each refused by its client-safe reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from authn.errors import InvalidToken
from authn.tokens import TokenVerifier, _check_signature
from tests.authn.jwt_kit import CountingIdP, b64, claims, jwks_of, refused, sign, verifier

# --------------------------------------------------------------------------- algorithm attacks


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_is_refused(both: TokenVerifier, alg: str) -> None:
    unsigned = f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims())}"
    assert await refused(both, f"{unsigned}.c2ln") == "unsupported algorithm"
    # The canonical unsecured JWS has an empty signature: refused even earlier.
    assert await refused(both, f"{unsigned}.") == "malformed token"


def hs256(secret: bytes, header: dict[str, Any], payload: dict[str, Any]) -> str:
    signing_input = f"{b64(header)}.{b64(payload)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


@pytest.mark.parametrize("secret_form", ["pem", "der", "jwk-json"])
async def test_hs256_signed_with_the_public_key_is_refused(
    both: TokenVerifier, rsa_key: RSAKey, secret_form: str
) -> None:
    """The classic key-confusion attack: HMAC keyed with bytes anyone can download."""
    secret = {
        "pem": rsa_key.as_pem(private=False),
        "der": rsa_key.as_der(private=False),
        "jwk-json": json.dumps(rsa_key.as_dict(private=False)).encode(),
    }[secret_form]
    token = hs256(secret, {"alg": "HS256", "kid": rsa_key.kid, "typ": "JWT"}, claims())
    assert await refused(both, token) == "unsupported algorithm"


async def test_signature_layer_alone_also_refuses_hmac_with_rsa_key(rsa_key: RSAKey) -> None:
    """Defence in depth: even past the header check, joserfc will not do HS256 with an RSA key."""
    public = RSAKey.import_key(rsa_key.as_dict(private=False))
    token = hs256(public.as_pem(), {"alg": "HS256", "kid": rsa_key.kid}, claims())
    with pytest.raises(InvalidToken):
        _check_signature(token, public)


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512", "RS384", "PS256", "ES384", "EdDSA"])
async def test_other_algorithms_are_refused_before_any_key_lookup(
    rsa_key: RSAKey, alg: str
) -> None:
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source())
    token = f"{b64({'alg': alg, 'kid': rsa_key.kid})}.{b64(claims())}.c2lnbmF0dXJl"
    assert await refused(v, token) == "unsupported algorithm"
    assert idp.fetches == 0


async def test_validly_signed_rs384_is_still_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = jwt.encode(
        {"alg": "RS384", "kid": rsa_key.kid}, claims(), rsa_key, algorithms=["RS384"]
    )
    assert await refused(both, token) == "unsupported algorithm"


async def test_crit_header_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = f"{b64({'alg': 'RS256', 'kid': rsa_key.kid, 'crit': ['exp'], 'exp': 1})}"
    token += f".{b64(claims())}.c2ln"
    assert await refused(both, token) == "unsupported critical header"


@pytest.mark.parametrize("kty", ["RSA", "EC"])
async def test_key_embedded_in_header_is_ignored(both: TokenVerifier, kty: str) -> None:
    """A `jwk` header carrying the attacker's own key (and our kid) must not be trusted."""
    attacker: RSAKey | ECKey
    if kty == "RSA":
        attacker = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    else:
        attacker = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    token = sign(attacker, claims(), jwk=attacker.as_dict(private=False))
    assert await refused(both, token) == "invalid signature"


async def test_unknown_non_critical_header_is_ignored(both: TokenVerifier, ec_key: ECKey) -> None:
    """IdPs add their own header fields (e.g. `nonce`); RFC 7515 says ignore them."""
    token = sign(ec_key, claims(), nonce="abc", x5t="dGh1bWI", typ="at+jwt")
    assert (await both.verify(token)).sub == "user-42"


async def test_b64_false_is_refused(both: TokenVerifier, ec_key: ECKey) -> None:
    """RFC 7797 unencoded payloads change what is signed; we never accept them."""
    header = {"alg": "ES256", "kid": ec_key.kid, "b64": False}
    token = f"{b64(header)}.{b64(claims())}.c2ln"
    assert await refused(both, token) == "malformed token"


async def test_kid_of_the_wrong_key_type_is_refused(both: TokenVerifier, ec_key: ECKey) -> None:
    """ES256 header pointing at the RSA key's kid: no key of that kid fits that algorithm."""
    token = sign(ec_key, claims(), kid="rsa-1")
    assert await refused(both, token) == "unknown signing key"


# --------------------------------------------------------------------------- tampering, garbage


async def test_tampered_payload_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    header, _, signature = sign(rsa_key, claims()).split(".")
    forged = f"{header}.{b64(claims(sub='admin'))}.{signature}"
    assert await refused(both, forged) == "invalid signature"


async def test_tampered_es256_signature_is_refused(both: TokenVerifier, ec_key: ECKey) -> None:
    header, payload, signature = sign(ec_key, claims()).split(".")
    flipped = "A" if signature[0] != "A" else "B"
    assert await refused(both, f"{header}.{payload}.{flipped}{signature[1:]}") == (
        "invalid signature"
    )
    assert await refused(both, f"{header}.{payload}.{signature[:10]}") == "invalid signature"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a",
        "a.b",
        "a.b.c",
        "a.b.c.d.e",
        "!!!.@@@.###",
        "eyJhbGciOiJSUzI1NiJ9..",
        f"{b64('not json')}.{b64(claims())}.c2ln",
        f"{b64('[1, 2]')}.{b64(claims())}.c2ln",
        f"{b64({'alg': 'RS256'})}.{b64('[1]')}.c2ln",
        f"{b64({'alg': 'RS256'})}.{b64('x')}.c2ln",
        f"{b64({'alg': 256})}.{b64(claims())}.c2ln",
        f"{b64({'alg': 'RS256', 'kid': 5})}.{b64(claims())}.c2ln",
        f"{b64({'alg': 'RS256'})}=.{b64(claims())}.c2ln",
        f"{b64({'alg': 'RS256'})}.{b64(claims())}.c2ln+/",
        f"{b64('[' * 5000)}.{b64(claims())}.c2ln",
        "x" * 20_000,
    ],
)
async def test_garbage_is_malformed(both: TokenVerifier, token: str) -> None:
    assert await refused(both, token) == "malformed token"


async def test_non_string_token_is_malformed(both: TokenVerifier) -> None:
    assert await refused(both, None) == "malformed token"
    assert await refused(both, b"a.b.c") == "malformed token"
