"""Each operator mistake is one line that says what is wrong and what to do, never a traceback.

Every case runs `prism` in a subprocess, as the operator would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.processes import assert_one_line_failure, prism


def server_url(database_url: str, name: str) -> str:
    head, _, tail = database_url.partition("?")
    return head.rsplit("/", 1)[0] + f"/{name}" + (f"?{tail}" if tail else "")


@pytest.mark.parametrize(
    ("case", "url", "words"),
    [
        ("unreachable", "postgresql://postgres@127.0.0.1:1/prism", ["cannot reach", "127.0.0.1:1"]),
        ("missing database", None, ["does not exist", "createdb"]),
        ("not PostgreSQL", "mysql://root@127.0.0.1:3306/prism", ["'mysql'", "PostgreSQL"]),
        ("not a URL", "::nonsense::", ["not a URL"]),
    ],
)
def test_a_bad_database_url_is_one_line(
    database_url: str, tmp_path: Path, case: str, url: str | None, words: list[str]
) -> None:
    url = url or server_url(database_url, "prism_no_such_database")
    result = prism("migrate", env={"PRISM_DATABASE_URL": url}, data_dir=tmp_path)
    assert_one_line_failure(result, *words)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["seed"], ["token", "--sub", "x"]])
def test_every_database_command_checks_the_database_first(
    tmp_path: Path, command: list[str]
) -> None:
    env = {"PRISM_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/prism"}
    assert_one_line_failure(prism(*command, env=env, data_dir=tmp_path), "cannot reach")


def test_seeding_a_database_with_data_is_refused_in_a_line(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    env = {"PRISM_DATABASE_URL": database_url}
    added = prism(
        "users",
        "add",
        "--sub",
        "u1",
        "--role",
        "analyst",
        "--name",
        "A",
        env=env,
        data_dir=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    refused = prism("seed", env=env, data_dir=tmp_path)
    assert_one_line_failure(refused, "already holds data")
    assert len((refused.stdout + refused.stderr).strip().splitlines()) == 1


def test_roles_are_case_insensitive_and_unknown_ones_are_named(tmp_path: Path) -> None:
    lower = prism("schema", "--role", "partner_user", data_dir=tmp_path)
    assert lower.returncode == 0, lower.stderr
    upper = prism("schema", "--role", "PARTNER_USER", data_dir=tmp_path)
    assert lower.stdout == upper.stdout
    assert "type Customer" in lower.stdout
    assert_one_line_failure(
        prism("schema", "--role", "BOSS", data_dir=tmp_path), "'BOSS'", "ANALYST"
    )


def test_policy_mistakes_are_one_line(database_url: str, db: AsyncEngine, tmp_path: Path) -> None:
    env = {"PRISM_DATABASE_URL": database_url}
    explain = prism("policy", "explain", "--role", "BOSS", env=env, data_dir=tmp_path)
    assert_one_line_failure(explain, "unknown role 'BOSS'")
    missing = tmp_path / "missing.csv"
    assert_one_line_failure(
        prism("policy", "import", str(missing), env=env, data_dir=tmp_path), str(missing)
    )
    ok = prism("policy", "explain", "--role", "technician", env=env, data_dir=tmp_path)
    assert ok.returncode == 0, ok.stderr


def test_a_token_for_an_unknown_user_is_refused(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    env = {"PRISM_DATABASE_URL": database_url}
    missing = prism("token", "--sub", "nobody", env=env, data_dir=tmp_path)
    assert_one_line_failure(missing, "no user with sub 'nobody'", "prism users add")
    prism(
        "users",
        "add",
        "--sub",
        "rep1",
        "--role",
        "SALES_REP",
        "--name",
        "R",
        env=env,
        data_dir=tmp_path,
    )
    token = prism("token", "--sub", "rep1", env=env, data_dir=tmp_path)
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2
