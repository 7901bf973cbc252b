"""Tokens from an outside issuer, through HTTP: the token names a user, the database decides."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from prism.app import create_app, load_policy
from prism.settings import Settings
from tests import factories as f

ISSUER = "https://login.example.cn/"
QUERY = {"query": "{ viewer { role user { externalId } } }"}


@pytest.fixture(scope="module")
def idp_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "idp-1", "alg": "RS256", "use": "sig"})


@pytest.fixture
async def oidc_client(
    tmp_path: Path, idp_key: RSAKey, database_url: str, db: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [idp_key.as_dict(private=False)]}))
    settings = Settings(
        data_dir=tmp_path,
        env="prod",
        oidc_issuer=ISSUER,
        oidc_audience="prism-api",
        oidc_jwks_url=f"file://{jwks}",
    )
    app = create_app(settings, database_url)
    await load_policy(app.state.prism)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
        yield client
    await app.state.prism.reads.aclose()
    await app.state.prism.engine.dispose()


def token(key: RSAKey, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "prism-api", "sub": "li.lei", "iat": now, "exp": now + 300}
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


async def ask(client: httpx.AsyncClient, bearer: str) -> httpx.Response:
    return await client.post("/graphql", json=QUERY, headers={"authorization": f"Bearer {bearer}"})


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_token_from_the_issuer_signs_in_the_user_it_names(
    oidc_client: httpx.AsyncClient, idp_key: RSAKey, db: AsyncEngine
) -> None:
    await f.user(db, "SALES_REP", external_id="li.lei")
    response = await ask(oidc_client, token(idp_key))
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {
        "role": "SALES_REP",
        "user": {"externalId": "li.lei"},
    }


async def test_role_change_applies_on_the_next_request(
    oidc_client: httpx.AsyncClient, idp_key: RSAKey, db: AsyncEngine
) -> None:
    await f.user(db, "SALES_REP", external_id="li.lei")
    bearer = token(idp_key)
    assert (await ask(oidc_client, bearer)).json()["data"]["viewer"]["role"] == "SALES_REP"
    async with db.begin() as conn:
        await conn.execute(
            text("UPDATE app_user SET role = 'ANALYST' WHERE external_id = 'li.lei'")
        )
    assert (await ask(oidc_client, bearer)).json()["data"]["viewer"]["role"] == "ANALYST"


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 3600},
        {"nbf": int(time.time()) + 3600},
        {"iss": "https://evil.example/"},
        {"aud": "someone-else"},
        {"sub": "nobody-we-know"},
    ],
    ids=["expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "unknown-sub"],
)
async def test_bad_tokens_are_unauthenticated(
    oidc_client: httpx.AsyncClient, idp_key: RSAKey, db: AsyncEngine, overrides: dict[str, Any]
) -> None:
    await f.user(db, "ADMIN", external_id="li.lei")
    assert_unauthenticated(await ask(oidc_client, token(idp_key, **overrides)))


async def test_inactive_user_is_unauthenticated(
    oidc_client: httpx.AsyncClient, idp_key: RSAKey, db: AsyncEngine
) -> None:
    await f.user(db, "ADMIN", external_id="li.lei", active=False)
    assert_unauthenticated(await ask(oidc_client, token(idp_key)))


async def test_foreign_key_and_dev_tokens_are_refused(
    oidc_client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await f.user(db, "ADMIN", external_id="li.lei")
    stranger = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
    assert_unauthenticated(await ask(oidc_client, token(stranger)))
    assert_unauthenticated(await ask(oidc_client, "not.a.jwt"))
    missing = await oidc_client.post("/graphql", json=QUERY)
    assert_unauthenticated(missing)
