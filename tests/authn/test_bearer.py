"""The `Authorization` header read into a verified subject, or refused in words safe to show."""

from __future__ import annotations

from pathlib import Path

import pytest

from authn.bearer import Unauthenticated, bearer_subject
from authn.devkeys import DEV_ISSUER, dev_jwks, issue_dev_token, load_or_create_dev_key
from authn.keys import StaticJwksSource
from authn.tokens import TokenVerifier


@pytest.fixture
def signed(tmp_path: Path) -> tuple[TokenVerifier, str]:
    key = load_or_create_dev_key(tmp_path)
    verifier = TokenVerifier(DEV_ISSUER, "prism", StaticJwksSource(dev_jwks(key)))
    return verifier, issue_dev_token(key, "rep-7", "prism")


async def test_a_bearer_token_names_its_subject(signed: tuple[TokenVerifier, str]) -> None:
    verifier, token = signed
    assert await bearer_subject(f"Bearer {token}", verifier) == "rep-7"
    assert await bearer_subject(f"bearer   {token} ", verifier) == "rep-7"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Sign in: send `Authorization: Bearer <token>`"),
        ("", "Sign in: send `Authorization: Bearer <token>`"),
        ("Basic dXNlcjpwdw==", "Authorization must use the Bearer scheme"),
        ("Bearer   ", "Authorization must use the Bearer scheme"),
    ],
)
async def test_a_missing_or_foreign_header_is_refused(
    signed: tuple[TokenVerifier, str], header: str | None, message: str
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        await bearer_subject(header, signed[0])
    assert str(refused.value) == message


async def test_a_token_for_another_audience_is_refused(
    tmp_path: Path, signed: tuple[TokenVerifier, str]
) -> None:
    key = load_or_create_dev_key(tmp_path)
    foreign = issue_dev_token(key, "rep-7", "another-api")
    with pytest.raises(Unauthenticated) as refused:
        await bearer_subject(f"Bearer {foreign}", signed[0])
    assert str(refused.value).startswith("Invalid token: ")
