"""The development signing key (CONTRACT §4): made once and kept private, its tokens verified
in dev and refused once a real IdP is configured or outside dev.
"""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, RSAKey

from authn.devkeys import (
    DEV_ISSUER,
    DEV_KEY_FILENAME,
    DevKeyError,
    dev_jwks,
    issue_dev_token,
    load_or_create_dev_key,
    verifier_from_settings,
)
from authn.keys import JwksSource, StaticJwksSource
from prism.settings import Settings
from tests.authn.jwt_kit import (
    AUDIENCE,
    ISSUER,
    claims,
    jwks_of,
    refused,
    sign,
    verifier,
    write_jwks,
)

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
