"""Self-signed tokens for dev mode (no OIDC issuer configured, CONTRACT §4).

Prism keeps one ES256 key in `PRISM_DATA_DIR` so that tokens it issues survive a restart,
and verifies them through exactly the same TokenVerifier as production tokens: dev mode
changes where the keys come from, never how tokens are checked.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Protocol

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, RSAKey

from authn.keys import JwksSource, StaticJwksSource, parse_jwks
from authn.tokens import TokenVerifier

__all__ = [
    "DEV_ISSUER",
    "DEV_KEY_FILENAME",
    "DevKeyError",
    "StaticJwksSource",
    "dev_jwks",
    "issue_dev_token",
    "load_or_create_dev_key",
    "verifier_from_settings",
]

logger = logging.getLogger(__name__)


class IdentitySettings(Protocol):
    """What choosing a verifier reads of the process's settings (`prism.settings.Settings`),
    so authentication stays beneath the HTTP layer that owns them."""

    @property
    def data_dir(self) -> Path: ...
    @property
    def oidc_issuer(self) -> str | None: ...
    @property
    def oidc_audience(self) -> str: ...
    @property
    def oidc_jwks_url(self) -> str | None: ...
    @property
    def is_dev(self) -> bool: ...
    @property
    def uses_dev_signing(self) -> bool: ...


DEV_ISSUER: Final = "prism-dev"
DEV_KEY_FILENAME: Final = "dev-signing-key.json"

DevKey = RSAKey | ECKey


class DevKeyError(RuntimeError):
    """The dev key file exists but cannot be used; we refuse rather than overwrite it."""


def load_or_create_dev_key(data_dir: Path) -> DevKey:
    """Load the dev signing key from `data_dir`, creating it (mode 0600) on first use.

    Creation is race-free: the key is written to a private temp file and hard-linked into
    place, so two processes starting together both end up with the same single key.
    """
    path = data_dir / DEV_KEY_FILENAME
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def dev_jwks(key: DevKey) -> dict[str, Any]:
    """The public JWKS for the dev key (never includes the private part)."""
    return {"keys": [key.as_dict(private=False)]}


def issue_dev_token(
    key: DevKey, sub: str, audience: str, ttl: timedelta = timedelta(hours=12)
) -> str:
    """Sign a token for `sub` as the dev issuer; verifiable by `verifier_from_settings`.

    A negative `ttl` yields an already-expired token, which is handy in tests.
    """
    if not sub:
        raise ValueError("sub must be a non-empty string")
    now = int(time.time())
    claims = {
        "iss": DEV_ISSUER,
        "sub": sub,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + int(ttl.total_seconds()),
        "jti": secrets.token_urlsafe(16),
    }
    alg = _alg_for(key)
    return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])


def verifier_from_settings(settings: IdentitySettings) -> TokenVerifier:
    """The verifier the app should use: the dev key when no issuer is set, else the IdP's JWKS.

    Dev signing outside `PRISM_ENV=dev` is refused here too (Settings.from_env already does),
    so a hand-built Settings cannot quietly put a self-signing key into production.
    """
    if settings.uses_dev_signing:
        if not settings.is_dev:
            raise DevKeyError("dev token signing is only allowed with PRISM_ENV=dev")
        key = load_or_create_dev_key(settings.data_dir)
        return TokenVerifier(DEV_ISSUER, settings.oidc_audience, StaticJwksSource(dev_jwks(key)))
    assert settings.oidc_issuer is not None
    if settings.oidc_jwks_url is None:
        raise ValueError("PRISM_OIDC_JWKS_URL is required when PRISM_OIDC_ISSUER is set")
    return TokenVerifier(
        settings.oidc_issuer, settings.oidc_audience, JwksSource(settings.oidc_jwks_url)
    )


def _alg_for(key: DevKey) -> str:
    return "RS256" if isinstance(key, RSAKey) else "ES256"


def _create_key_file(path: Path) -> None:
    """Generate an ES256 key (kid = RFC 7638 thumbprint, stable) and publish it atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = ECKey.generate_key("P-256", parameters={"alg": "ES256", "use": "sig"}, auto_kid=True)
    body = json.dumps(key.as_dict(private=True), indent=2).encode()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
    finally:
        tmp.unlink(missing_ok=True)


def _read_key_file(path: Path) -> DevKey:
    """Read and validate the stored private key; warn if others can read it."""
    if path.stat().st_mode & 0o077:
        logger.warning("dev signing key %s is readable by other users; chmod 600 it", path)
    try:
        key = JWKRegistry.import_key(json.loads(path.read_bytes()))
    except (OSError, ValueError, JoseError) as exc:
        raise DevKeyError(f"cannot read dev signing key {path}") from exc
    if not isinstance(key, RSAKey | ECKey) or not key.is_private:
        raise DevKeyError(f"{path} does not hold a private RSA or EC key")
    key.ensure_kid()
    try:
        parse_jwks(dev_jwks(key))  # unusable for RS256/ES256, e.g. weak RSA or another curve
    except ValueError as exc:
        raise DevKeyError(f"{path} does not hold a usable RS256/ES256 key") from exc
    return key
