"""The signing keys the bearer-token tests share (one RSA, one EC, generated once per module)
and a verifier that trusts both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from joserfc.jwk import ECKey, RSAKey

from authn.keys import JwksSource
from authn.tokens import TokenVerifier
from tests.authn.jwt_kit import verifier, write_jwks


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})


@pytest.fixture(scope="module")
def ec_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "ec-1"})


@pytest.fixture
def both(tmp_path: Path, rsa_key: RSAKey, ec_key: ECKey) -> TokenVerifier:
    """A verifier over a JWKS file holding one RSA and one EC key."""
    return verifier(JwksSource(write_jwks(tmp_path / "jwks.json", rsa_key, ec_key)))
