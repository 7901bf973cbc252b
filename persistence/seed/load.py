"""Getting generated rows into PostgreSQL fast: one asyncpg connection, one COPY per table.

Rows are streamed from the generators straight into binary COPY, so Python builds the next
rows while the server is still indexing the previous ones and memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url

from persistence.seed import accounts, activity, marketing, sales, service
from persistence.seed.progress import Progress
from persistence.seed.world import Row, World

TICK_ROWS = 50_000


class SeedError(RuntimeError):
    """The seed cannot run against this database (not empty, not migrated, unreachable)."""


@dataclass(frozen=True)
class TableLoad:
    """One table: its columns in row order and the generator that yields those rows."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[World], Iterator[Row]]


TABLES: tuple[TableLoad, ...] = (
    TableLoad("partner", accounts.PARTNER_COLUMNS, accounts.partners),
    TableLoad("app_user", accounts.USER_COLUMNS, accounts.users),
    TableLoad("customer", accounts.CUSTOMER_COLUMNS, accounts.customers),
    TableLoad("contact", accounts.CONTACT_COLUMNS, accounts.contacts),
    TableLoad("customer_status_change", marketing.STATUS_CHANGE_COLUMNS, marketing.status_changes),
    TableLoad("campaign", marketing.CAMPAIGN_COLUMNS, marketing.campaigns),
    TableLoad("lead", sales.LEAD_COLUMNS, sales.leads),
    TableLoad("opportunity", sales.OPPORTUNITY_COLUMNS, sales.opportunities),
    TableLoad("opportunity_stage_change", sales.STAGE_CHANGE_COLUMNS, sales.stage_changes),
    TableLoad("asset", service.ASSET_COLUMNS, service.assets),
    TableLoad("contract", service.CONTRACT_COLUMNS, service.contracts),
    TableLoad("ticket", service.TICKET_COLUMNS, service.tickets),
    TableLoad("ticket_event", service.EVENT_COLUMNS, service.ticket_events),
    TableLoad("service_visit", service.VISIT_COLUMNS, service.service_visits),
    TableLoad("survey_response", service.SURVEY_COLUMNS, service.survey_responses),
    TableLoad("interaction", activity.INTERACTION_COLUMNS, activity.interactions),
    TableLoad("task", activity.TASK_COLUMNS, activity.tasks),
)
TABLE_NAMES = tuple(table.name for table in TABLES)


def ticking(rows: Iterator[Row], on_tick: Callable[[int], None]) -> Iterator[Row]:
    """Pass rows through, reporting every `TICK_ROWS` so a long COPY visibly moves."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % TICK_ROWS == 0:
            on_tick(n)


def connect_kwargs(url: str) -> dict[str, object]:
    """asyncpg arguments for a SQLAlchemy URL, including `?host=/socket/dir` forms."""
    parsed = make_url(url)
    if not parsed.drivername.startswith(("postgresql", "postgres")):
        raise SeedError(f"seed needs a PostgreSQL URL, got {parsed.drivername!r}")
    host = parsed.query.get("host") or parsed.host
    return {
        "host": host if isinstance(host, str) else (host[0] if host else None),
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "database": parsed.database,
        "server_settings": {
            "application_name": "prism-seed",
            "timezone": "UTC",
            "statement_timeout": "0",
            "synchronous_commit": "off",
        },
    }


async def connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(**connect_kwargs(url))  # type: ignore[arg-type]
    except (OSError, asyncpg.PostgresError) as exc:
        raise SeedError(f"cannot connect to the database: {exc}") from exc


async def ensure_empty(conn: asyncpg.Connection) -> None:
    """Refuse to mix seed rows with real ones: explicit ids would collide and counts would lie.

    The lock makes a concurrent second seed wait and then see this one's rows.
    """
    try:
        await conn.execute("LOCK TABLE customer IN SHARE ROW EXCLUSIVE MODE")
    except asyncpg.UndefinedTableError as exc:
        raise SeedError("the database is not migrated; run `prism migrate` first") from exc
    probes = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in TABLE_NAMES
    )
    filled = [record[0] for record in await conn.fetch(probes)]
    if filled:
        raise SeedError(
            "refusing to seed a database that already holds data "
            f"(non-empty: {', '.join(filled)}); seed only a freshly migrated, empty database"
        )


async def copy_table(
    conn: asyncpg.Connection, table: TableLoad, world: World, progress: Progress
) -> int:
    progress.begin()
    rows = ticking(table.rows(world), lambda n: progress.tick(table.name, n))
    status = await conn.copy_records_to_table(table.name, records=rows, columns=table.columns)
    count = int(status.split()[-1])
    progress.done(table.name, count)
    return count


FOREIGN_KEYS = """
SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
       array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.pos),
       array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.pos)
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])
ORDER BY c.conname
"""


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def skip_row_triggers(conn: asyncpg.Connection) -> bool:
    """Turn off per-row foreign-key triggers for this transaction when that is safe and allowed.

    Row-by-row RI checks cost about half of the bench load; `verify_references` redoes them as
    one anti-join per constraint instead. Only for superusers (the setting demands it), and only
    while the tables carry no triggers of their own that would silently be skipped too.
    """
    own = await conn.fetchval(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY($1::regclass[])",
        list(TABLE_NAMES),
    )
    if own:
        return False
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        return False
    return True


async def verify_references(conn: asyncpg.Connection) -> None:
    """Every foreign key of the seeded tables holds, checked in bulk; a failure rolls back."""
    await conn.execute("SET LOCAL session_replication_role = origin")
    broken: list[str] = []
    for name, child, parent, columns, targets in await conn.fetch(FOREIGN_KEYS, list(TABLE_NAMES)):
        present = " AND ".join(f"c.{quoted(col)} IS NOT NULL" for col in columns)
        match = " AND ".join(
            f"p.{quoted(t)} = c.{quoted(col)}" for col, t in zip(columns, targets, strict=True)
        )
        orphan = await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {child} c WHERE {present}"
            f" AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {match}))"
        )
        if orphan:
            broken.append(name)
    if broken:
        raise SeedError(f"seed generated rows that break foreign keys: {', '.join(broken)}")


async def restart_identities(conn: asyncpg.Connection) -> None:
    """Ids were assigned here, so move each identity past them for the application's inserts."""
    for name in TABLE_NAMES:
        top = await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {name}")
        await conn.execute(f"ALTER TABLE {name} ALTER COLUMN id RESTART WITH {top + 1}")
