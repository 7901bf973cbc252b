"""Where the bearer tokens' keys come from (CONTRACT §4): fetching, caching, refreshing and
filtering the IdP's JWKS, and how a remembered token lives and dies with its key.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, OctKey, RSAKey

from authn.errors import InvalidToken, JwksUnavailable
from authn.keys import JwksSource, parse_jwks
from tests.authn.jwt_kit import (
    NOW,
    CountingIdP,
    FakeClock,
    b64,
    claims,
    jwks_of,
    refused,
    sign,
    verifier,
    weak_rsa_jwk,
    write_jwks,
)

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
