"""`prism`: serve, migrate, seed, users, tokens, per-role schemas and policies."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prism.clierrors import CommandError, parse_role
from prism.settings import Settings, SettingsError


def _url(settings: Settings) -> str:
    """The database to use, checked first so a wrong setting is one line, not a traceback."""
    from prism.clierrors import check_database
    from prism.embedded import embedded_url

    if settings.database_url:
        check_database(settings.database_url)
        return settings.database_url
    return embedded_url(settings.data_dir)


def _migrate(url: str) -> None:
    from alembic.util.exc import CommandError as MigrationError

    from persistence.migrate import upgrade

    try:
        upgrade(url)
    except MigrationError as exc:
        # In practice: a database migrated by a newer Prism than this one.
        raise CommandError(
            f"cannot migrate the database ({exc}): run the Prism version that migrated it, "
            "or use a fresh database"
        ) from None


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    _migrate(_url(settings))
    print("database migrated")


def cmd_seed(args: argparse.Namespace, settings: Settings) -> None:
    from persistence.seed import seed

    url = _url(settings)
    _migrate(url)
    started = time.perf_counter()
    counts = asyncio.run(seed(url, args.size, args.seed))
    print(f"seeded {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")


async def _demo_needed(url: str) -> bool:
    from persistence.db import make_engine
    from persistence.viewers import any_user

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return not await any_user(conn)
    finally:
        await engine.dispose()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    from persistence.seed import seed
    from prism import serving

    serving.bind(args.host, args.port).close()  # a port in use is one line, before anything starts
    url = _url(settings)
    _migrate(url)
    if settings.database_url is None and asyncio.run(_demo_needed(url)):
        print("first start: seeding the demo world …", flush=True)
        asyncio.run(seed(url, "demo", 1))
    os.environ["PRISM_DATABASE_URL"] = url
    if args.workers > 1:
        from prism.telemetry import share_across_workers

        share_across_workers(settings.data_dir)
    serving.run(args.host, args.port, args.workers, lambda: _banner(args, settings))


def cmd_worker(args: argparse.Namespace, settings: Settings) -> None:
    """Run due jobs (timers, deliveries) without serving the API; any number may run."""
    import logging

    from domain.clock import SystemClock
    from persistence.db import make_engine
    from prism.app import configure_webhooks, make_worker

    url = _url(settings)
    _migrate(url)
    configure_webhooks(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def run() -> None:
        engine = make_engine(url, pool_size=2)
        try:
            print("prism worker: running due jobs (Ctrl-C stops)", flush=True)
            await make_worker(engine, SystemClock()).run_forever(url)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


def _banner(args: argparse.Namespace, settings: Settings) -> None:
    print(f"\nPrism is up: GraphiQL at http://{args.host}:{args.port}/graphql")
    if not settings.uses_dev_signing:
        print(f"tokens come from {settings.oidc_issuer}")
        return
    from authn.devkeys import issue_dev_token, load_or_create_dev_key
    from persistence.seed.personas import DEMO_PERSONAS

    key = load_or_create_dev_key(settings.data_dir)
    print("demo tokens (12 h), send as `Authorization: Bearer <token>`:")
    for role, sub in DEMO_PERSONAS.items():
        token = issue_dev_token(key, sub, settings.oidc_audience)
        print(f"  {role.value:<14} {sub:<16} {token}")
    print(flush=True)


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.uses_dev_signing:
        raise CommandError("prism token works only with the dev signing key (no PRISM_OIDC_ISSUER)")
    from authn.devkeys import issue_dev_token, load_or_create_dev_key
    from prism.operations import user_status

    url = _url(settings)
    _migrate(url)
    status = asyncio.run(user_status(url, args.sub))
    if status is None:
        raise CommandError(
            f"no user with sub {args.sub!r}: add one with "
            f"`prism users add --sub {args.sub} --role ROLE --name NAME`"
        )
    if status == "inactive":
        raise CommandError(f"user {args.sub!r} is inactive: a token for it would be refused")

    print(
        issue_dev_token(load_or_create_dev_key(settings.data_dir), args.sub, settings.oidc_audience)
    )


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> None:
    from prism.operations import add_user

    url = _url(settings)
    _migrate(url)
    print(f"user {asyncio.run(add_user(url, args.sub, args.role, args.name, args.partner))} added")


def cmd_schema(args: argparse.Namespace, settings: Settings) -> None:
    role = parse_role(args.role)
    from authz.policy import default_lines, parse_csv
    from prism.schemas import SchemaRegistry

    registry = SchemaRegistry()
    lines = parse_csv(_read(args.policy)) if args.policy else default_lines()
    registry.load(lines)
    print(registry.sdl(role), end="")


def cmd_policy(args: argparse.Namespace, settings: Settings) -> None:
    from prism import operations

    # Check what the operator typed before touching the database.
    role = parse_role(args.role).value if args.action == "explain" else ""
    csv_text = _read(args.file) if args.action == "import" else ""
    url = _url(settings)
    _migrate(url)
    if args.action == "export":
        print(asyncio.run(operations.export_policy(url)), end="")
    elif args.action == "import":
        count = asyncio.run(operations.import_policy(url, csv_text))
        print(f"policy replaced: {count} lines; running servers reload within a second")
    else:
        print(asyncio.run(operations.explain_policy(url, role, args.type_name)))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(
            f"no such file: {path} (`prism policy export > policy.csv` writes one to start from)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CommandError(f"cannot read {path}: {reason}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prism", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (embedded PostgreSQL + demo data by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core)",
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "worker", help="run timers and deliveries (durable jobs) without serving the API"
    ).set_defaults(func=cmd_worker)

    seed = sub.add_parser("seed", help="load the demo or benchmark world")
    seed.add_argument("--size", choices=["demo", "bench"], default="demo")
    seed.add_argument("--seed", type=int, default=1)
    seed.set_defaults(func=cmd_seed)

    users = sub.add_parser("users", help="manage users").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", help="create a user")
    add.add_argument("--sub", required=True, help="the token subject (User.externalId)")
    add.add_argument("--role", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--partner", help="partner company name (PARTNER_USER, TECHNICIAN)")
    add.set_defaults(func=cmd_users_add)

    token = sub.add_parser("token", help="sign a dev token for a user")
    token.add_argument("--sub", required=True)
    token.set_defaults(func=cmd_token)

    schema = sub.add_parser("schema", help="print a role's SDL")
    schema.add_argument("--role", default="ADMIN")
    schema.add_argument("--policy", help="policy CSV file instead of the default policy")
    schema.set_defaults(func=cmd_schema)

    policy = sub.add_parser("policy", help="export, import or explain the access policy")
    actions = policy.add_subparsers(dest="action", required=True)
    actions.add_parser("export", help="print the stored policy as CSV")
    imp = actions.add_parser("import", help="replace the stored policy with a CSV file")
    imp.add_argument("file")
    explain = actions.add_parser("explain", help="print a role's slice")
    explain.add_argument("--role", required=True)
    explain.add_argument("--type", dest="type_name")
    policy.set_defaults(func=cmd_policy)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"prism: {exc}") from None
    func: Callable[[argparse.Namespace, Settings], Any] = args.func
    try:
        func(args, settings)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if isinstance(exc, CommandError) or isinstance(exc, _operator_errors()):
            raise SystemExit(f"prism: {exc}") from None
        raise


def _operator_errors() -> tuple[type[Exception], ...]:
    """The failures an operator can fix, imported only once one happened: the modules that
    define them pull in most of Prism, and a command should not wait for that to start."""
    from authz.policy import PolicyError
    from persistence.seed import SeedError
    from prism.embedded import EmbeddedError
    from prism.operations import OperationError

    return (CommandError, OperationError, PolicyError, SeedError, EmbeddedError)
