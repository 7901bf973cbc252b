"""Bearer-token verification (CONTRACT §4): the claims a token must carry and the time
window it must be used in, against real RSA and EC keys.

Every refusal is checked by its client-safe reason, so a test cannot pass because a token
was refused for some unrelated cause.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import serialize_compact

from authn.keys import JwksSource
from authn.tokens import TokenVerifier
from tests.authn.jwt_kit import AUDIENCE, ISSUER, NOW, claims, refused, sign, verifier, write_jwks

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
