"""Bearer-token verification (CONTRACT §4) against real RSA and EC keys.

Every refusal is checked by its client-safe reason, so a test cannot pass because a token
was refused for some unrelated cause.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey
from joserfc.jws import JWSRegistry, serialize_compact

from authn.devkeys import (
    DEV_ISSUER,
    DEV_KEY_FILENAME,
    DevKeyError,
    dev_jwks,
    issue_dev_token,
    load_or_create_dev_key,
    verifier_from_settings,
)
from authn.errors import InvalidToken, JwksUnavailable
from authn.keys import JwksSource, StaticJwksSource, parse_jwks
from authn.tokens import TokenVerifier, _check_signature
from prism.settings import Settings

ISSUER = "https://idp.example.test/"
AUDIENCE = "prism"
NOW = 1_800_000_000.0
JWKS_URL = "https://idp.example.test/.well-known/jwks.json"


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})


@pytest.fixture(scope="module")
def ec_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "ec-1"})


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


@pytest.fixture
def both(tmp_path: Path, rsa_key: RSAKey, ec_key: ECKey) -> TokenVerifier:
    """A verifier over a JWKS file holding one RSA and one EC key."""
    return verifier(JwksSource(write_jwks(tmp_path / "jwks.json", rsa_key, ec_key)))


# --------------------------------------------------------------------------- happy paths


async def test_valid_rs256_token(both: TokenVerifier, rsa_key: RSAKey) -> None:
    result = await both.verify(sign(rsa_key, claims()))
    assert result.sub == "user-42"
    assert result.issuer == ISSUER
    assert result.expires_at == datetime.fromtimestamp(NOW + 300, tz=UTC)
    assert result.raw["aud"] == AUDIENCE


async def test_valid_es256_token(both: TokenVerifier, ec_key: ECKey) -> None:
    result = await both.verify(sign(ec_key, claims(sub="user-7")))
    assert result.sub == "user-7"


async def test_audience_list_containing_ours_is_accepted(
    both: TokenVerifier, ec_key: ECKey
) -> None:
    result = await both.verify(sign(ec_key, claims(aud=["other-api", AUDIENCE])))
    assert result.sub == "user-42"


async def test_no_kid_uses_the_single_suitable_key(tmp_path: Path, rsa_key: RSAKey) -> None:
    v = verifier(JwksSource(write_jwks(tmp_path / "j.json", rsa_key)))
    assert (await v.verify(sign(rsa_key, claims(), kid=None))).sub == "user-42"


async def test_no_kid_is_refused_when_several_keys_fit(tmp_path: Path, rsa_key: RSAKey) -> None:
    other = RSAKey.generate_key(2048, parameters={"kid": "rsa-2"})
    v = verifier(JwksSource(write_jwks(tmp_path / "j.json", rsa_key, other)))
    assert await refused(v, sign(rsa_key, claims(), kid=None)) == "unknown signing key"


# --------------------------------------------------------------------------- time window


async def test_expired_token_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = sign(rsa_key, claims(exp=int(NOW) - 31))
    assert await refused(both, token) == "token expired"


async def test_not_yet_valid_token_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = sign(rsa_key, claims(nbf=int(NOW) + 120))
    assert await refused(both, token) == "token not yet valid"


async def test_issued_in_the_future_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = sign(rsa_key, claims(iat=int(NOW) + 120))
    assert await refused(both, token) == "token issued in the future"


async def test_small_clock_skew_within_leeway_is_accepted(
    both: TokenVerifier, rsa_key: RSAKey
) -> None:
    skewed = claims(exp=int(NOW) - 20, nbf=int(NOW) + 20, iat=int(NOW) + 20)
    assert (await both.verify(sign(rsa_key, skewed))).sub == "user-42"


async def test_missing_exp_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    payload = claims()
    del payload["exp"]
    assert await refused(both, sign(rsa_key, payload)) == "missing expiry"


# --------------------------------------------------------------------------- iss / aud / sub


async def test_wrong_issuer_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    token = sign(rsa_key, claims(iss="https://evil.example.test/"))
    assert await refused(both, token) == "wrong issuer"


async def test_wrong_audience_is_refused(both: TokenVerifier, rsa_key: RSAKey) -> None:
    assert await refused(both, sign(rsa_key, claims(aud="billing"))) == "wrong audience"
    assert await refused(both, sign(rsa_key, claims(aud=["a", "b"]))) == "wrong audience"
    no_aud = claims()
    del no_aud["aud"]
    assert await refused(both, sign(rsa_key, no_aud)) == "wrong audience"


@pytest.mark.parametrize("sub", [None, ""])
async def test_missing_or_empty_sub_is_refused(
    both: TokenVerifier, rsa_key: RSAKey, sub: str | None
) -> None:
    payload = claims()
    if sub is None:
        del payload["sub"]
    else:
        payload["sub"] = sub
    assert await refused(both, sign(rsa_key, payload)) == "missing subject"


@pytest.mark.parametrize(
    "bad",
    [
        {"exp": "1800000300"},
        {"exp": True},
        {"nbf": [1]},
        {"sub": 42},
        {"iss": ["x"]},
        {"aud": 7},
        {"aud": [AUDIENCE, 7]},
    ],
)
async def test_wrong_claim_types_are_malformed(
    both: TokenVerifier, rsa_key: RSAKey, bad: dict[str, Any]
) -> None:
    assert await refused(both, sign(rsa_key, claims(**bad))) == "malformed token"


async def test_non_finite_exp_is_malformed(both: TokenVerifier, rsa_key: RSAKey) -> None:
    """json accepts `Infinity`; a token must not be able to live forever that way."""
    header = {"alg": "RS256", "kid": rsa_key.kid}
    body = json.dumps(claims()).replace(str(int(NOW) + 300), "Infinity")
    token = serialize_compact(header, body, rsa_key, algorithms=["RS256"])
    assert await refused(both, token) == "malformed token"


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


# --------------------------------------------------------------------------- JWKS handling


async def test_unknown_kid_is_refused_after_one_refetch(rsa_key: RSAKey) -> None:
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source())
    stranger = RSAKey.generate_key(2048, parameters={"kid": "who-dis"})
    assert await refused(v, sign(stranger, claims())) == "unknown signing key"
    assert idp.fetches == 2  # initial load + exactly one forced refresh


async def test_key_rotation_is_picked_up_by_the_refetch(tmp_path: Path, rsa_key: RSAKey) -> None:
    path = tmp_path / "jwks.json"
    v = verifier(JwksSource(write_jwks(path, rsa_key)))
    assert (await v.verify(sign(rsa_key, claims()))).sub == "user-42"  # old set now cached

    rotated = ECKey.generate_key("P-256", parameters={"kid": "ec-2026"})
    write_jwks(path, rotated)
    assert (await v.verify(sign(rotated, claims(sub="after")))).sub == "after"
    assert await refused(v, sign(rsa_key, claims())) == "unknown signing key"


async def test_bogus_kid_flood_is_rate_limited(rsa_key: RSAKey) -> None:
    clock = FakeClock()
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source(clock))
    for i in range(50):
        bogus = sign(rsa_key, claims(), kid=f"bogus-{i}")
        assert await refused(v, bogus) == "unknown signing key"
    assert idp.fetches == 2

    clock.now += 10
    assert await refused(v, sign(rsa_key, claims(), kid="bogus-late")) == "unknown signing key"
    assert idp.fetches == 3


async def test_concurrent_refreshes_fetch_once(rsa_key: RSAKey) -> None:
    idp = CountingIdP(jwks_of(rsa_key), delay=0.02)
    v = verifier(idp.source())
    tokens = [sign(rsa_key, claims(), kid=f"bogus-{i}") for i in range(20)]
    results = await asyncio.gather(*(v.verify(t) for t in tokens), return_exceptions=True)
    assert all(isinstance(r, InvalidToken) for r in results)
    assert idp.fetches == 2  # one initial load, one forced refresh, despite 20 callers


async def test_stale_cache_is_refreshed_after_max_age(rsa_key: RSAKey, ec_key: ECKey) -> None:
    clock = FakeClock()
    idp = CountingIdP(jwks_of(rsa_key, ec_key))
    source = idp.source(clock, max_age=60)
    await source.key_set()
    await source.key_set()
    assert idp.fetches == 1
    clock.now += 61
    await source.key_set()
    assert idp.fetches == 2


async def test_failed_refresh_keeps_the_cached_set(rsa_key: RSAKey) -> None:
    clock = FakeClock()
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source(clock))
    assert (await v.verify(sign(rsa_key, claims()))).sub == "user-42"
    idp.status = 503
    clock.now += 3600
    assert (await v.verify(sign(rsa_key, claims()))).sub == "user-42"
    assert idp.fetches == 2


async def test_missing_jwks_file_is_reported_without_detail(tmp_path: Path) -> None:
    v = verifier(JwksSource((tmp_path / "missing.json").as_uri()))
    with pytest.raises(JwksUnavailable) as info:
        await v.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert info.value.reason == "signing keys unavailable"
    assert str(info.value) == info.value.reason


async def test_unreachable_idp_is_not_hammered(rsa_key: RSAKey) -> None:
    clock = FakeClock()
    idp = CountingIdP(jwks_of(rsa_key))
    idp.status = 503
    v = verifier(idp.source(clock))
    token = sign(rsa_key, claims())
    for _ in range(5):
        with pytest.raises(JwksUnavailable):
            await v.verify(token)
    assert idp.fetches == 1
    idp.status = 200
    clock.now += 10
    assert (await v.verify(token)).sub == "user-42"
    assert idp.fetches == 2


async def test_garbage_never_reaches_the_idp(rsa_key: RSAKey) -> None:
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source())
    for token in ("", "a.b.c", f"{b64({'alg': 'none'})}.{b64(claims())}.c2ln"):
        await refused(v, token)
    assert idp.fetches == 0


async def test_https_jwks_errors_become_unavailable(rsa_key: RSAKey) -> None:
    idp = CountingIdP(jwks_of(rsa_key))
    idp.status = 500
    with pytest.raises(JwksUnavailable):
        await idp.source().key_set()


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.test/jwks.json",
        "ftp://idp.example.test/jwks.json",
        "https:///no-host",
        "file://remote-host/etc/jwks.json",
        "/etc/jwks.json",
        "jwks.json",
    ],
)
def test_insecure_or_unknown_schemes_are_refused_at_construction(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        JwksSource(url)


def test_jwks_keeps_only_public_keys_usable_for_rs256_es256(rsa_key: RSAKey, ec_key: ECKey) -> None:
    document = {
        "keys": [
            rsa_key.as_dict(private=True),
            {**ec_key.as_dict(private=False), "use": "enc", "kid": "enc-key"},
            OctKey.generate_key(256, parameters={"kid": "hmac"}).as_dict(private=True),
            weak_rsa_jwk("weak"),
            ECKey.generate_key("P-384", parameters={"kid": "p384"}).as_dict(private=False),
            {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
            "not a key",
        ]
    }
    keys = list(parse_jwks(document))
    assert [k.kid for k in keys] == ["rsa-1"]
    assert not keys[0].is_private
    with pytest.raises(ValueError, match="usable"):
        parse_jwks({"keys": document["keys"][1:]})


# --------------------------------------------------------------------------- dev keys


def test_dev_key_is_created_once_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    first = load_or_create_dev_key(data_dir)
    path = data_dir / DEV_KEY_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load_or_create_dev_key(data_dir)
    assert first.kid
    assert first.kid == second.kid
    assert first.as_dict(private=True) == second.as_dict(private=True)
    assert second.is_private


def test_dev_jwks_has_no_private_material(tmp_path: Path) -> None:
    jwks = dev_jwks(load_or_create_dev_key(tmp_path))
    assert len(jwks["keys"]) == 1
    assert "d" not in jwks["keys"][0]


def test_corrupt_dev_key_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / DEV_KEY_FILENAME
    path.write_text("{not json")
    with pytest.raises(DevKeyError):
        load_or_create_dev_key(tmp_path)
    assert path.read_text() == "{not json"


async def test_dev_token_verifies_with_verifier_from_settings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.uses_dev_signing
    key = load_or_create_dev_key(tmp_path)
    token = issue_dev_token(key, "dev-user", settings.oidc_audience, ttl=timedelta(minutes=5))

    result = await verifier_from_settings(settings).verify(token)
    assert result.sub == "dev-user"
    assert result.issuer == DEV_ISSUER
    assert result.expires_at is not None
    assert result.expires_at - datetime.now(UTC) <= timedelta(minutes=5)


async def test_dev_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    key = load_or_create_dev_key(tmp_path)
    token = issue_dev_token(key, "dev-user", "someone-else")
    assert await refused(verifier_from_settings(Settings(data_dir=tmp_path)), token) == (
        "wrong audience"
    )


async def test_expired_dev_token_is_refused(tmp_path: Path) -> None:
    key = load_or_create_dev_key(tmp_path)
    token = issue_dev_token(key, "dev-user", "prism", ttl=timedelta(seconds=-60))
    v = verifier_from_settings(Settings(data_dir=tmp_path))
    assert await refused(v, token) == "token expired"


async def test_dev_key_cannot_sign_for_a_configured_issuer(tmp_path: Path, rsa_key: RSAKey) -> None:
    """With an IdP configured, a dev-signed token (other key, other issuer) is refused."""
    url = write_jwks(tmp_path / "idp.json", rsa_key)
    settings = Settings(data_dir=tmp_path, oidc_issuer=ISSUER, oidc_jwks_url=url)
    v = verifier_from_settings(settings)
    assert isinstance(v.jwks, JwksSource)
    assert v.issuer == ISSUER
    dev_token = issue_dev_token(load_or_create_dev_key(tmp_path), "dev-user", AUDIENCE)
    assert await refused(v, dev_token) == "unknown signing key"


def test_dev_signing_is_refused_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(DevKeyError):
        verifier_from_settings(Settings(data_dir=tmp_path, env="prod"))


async def test_static_source_serves_an_in_memory_key_set(ec_key: ECKey) -> None:
    v = verifier(StaticJwksSource(jwks_of(ec_key)))
    assert (await v.verify(sign(ec_key, claims()))).sub == "user-42"


# --------------------------------------------------------------------------- verified tokens


async def test_a_remembered_token_still_expires(tmp_path: Path, rsa_key: RSAKey) -> None:
    """Signatures are checked once per token, the time window on every use."""
    clock = FakeClock(NOW)
    v = verifier(JwksSource(write_jwks(tmp_path / "jwks.json", rsa_key)), clock=clock)
    token = sign(rsa_key, claims())
    assert (await v.verify(token)).sub
    assert (await v.verify(token)).sub
    clock.now = NOW + 3600 * 24
    assert await refused(v, token) == "token expired"


async def test_a_remembered_token_dies_with_its_withdrawn_key(
    rsa_key: RSAKey, ec_key: ECKey
) -> None:
    """Once the IdP withdraws a key and the key set is re-read, its tokens are refused even
    though their signatures were checked before."""
    clock = FakeClock(NOW)
    idp = CountingIdP(jwks_of(rsa_key))
    v = verifier(idp.source(clock=clock, max_age=60.0), clock=clock)
    token = sign(rsa_key, claims(exp=NOW + 3600))
    assert (await v.verify(token)).sub
    idp.document = jwks_of(ec_key)
    clock.now = NOW + 120
    assert await refused(v, token) == "unknown signing key"
