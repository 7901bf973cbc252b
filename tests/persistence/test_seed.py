"""The seed gives believable, complete, deterministic demo data and never lands on real data.

Each test database is created fresh on the PostgreSQL at 127.0.0.1:5432 (or the server named by
`PRISM_TEST_SERVER_URL`) and dropped afterwards. No server means these tests fail; none skip.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from domain.enums import (
    Channel,
    LeadSource,
    LeadStatus,
    OpportunityStage,
    PartnerKind,
    Role,
    TicketStatus,
)
from domain.validation import validate_email, validate_phone, validate_uscc
from persistence.migrate import upgrade
from persistence.seed import DEMO_PERSONAS, SeedError, seed
from persistence.seed.load import connect_kwargs

SERVER = os.environ.get("PRISM_TEST_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HAN = re.compile(r"[\u4e00-\u9fff]")

Seeded = tuple[str, dict[str, int]]


def database_url(name: str) -> str:
    """SQLAlchemy URL of database `name` on the test server, keeping any `?host=` socket dir."""
    head, _, query = SERVER.partition("?")
    base = head.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}" + (f"?{query}" if query else "")


async def run_admin(sql: str) -> None:
    conn = await asyncpg.connect(**connect_kwargs(SERVER))  # type: ignore[arg-type]
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_database(*, migrated: bool = True) -> AsyncIterator[str]:
    name = f"prism_seed_test_{uuid.uuid4().hex[:10]}"
    await run_admin(f'CREATE DATABASE "{name}"')
    try:
        url = database_url(name)
        if migrated:
            await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(**connect_kwargs(url))  # type: ignore[arg-type]
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def column(url: str, sql: str) -> list[object]:
    return [record[0] for record in await fetch(url, sql)]


async def scalar(url: str, sql: str) -> Any:
    return (await fetch(url, sql))[0][0]


@pytest.fixture(scope="module")
async def demo() -> AsyncIterator[Seeded]:
    async with fresh_database() as url:
        yield url, await seed(url, "demo", seed=1, progress=False)


async def test_reported_counts_are_the_rows_in_the_tables(demo: Seeded) -> None:
    url, counts = demo
    for table, count in counts.items():
        assert await scalar(url, f"SELECT count(*) FROM {table}") == count, table
    assert all(count > 0 for count in counts.values())


async def test_demo_has_a_readable_but_rich_volume(demo: Seeded) -> None:
    url, counts = demo
    assert counts["customer"] == 200
    assert 400 <= counts["contact"] <= 1200
    per_kind = await fetch(url, "SELECT kind::text, count(*) FROM partner GROUP BY kind")
    assert dict((r[0], r[1]) for r in per_kind) == {kind.value: 10 for kind in PartnerKind}
    contacts = await fetch(
        url,
        "SELECT count(*), count(*) FILTER (WHERE is_primary) FROM contact GROUP BY customer_id",
    )
    assert len(contacts) == 200
    assert all(2 <= total <= 6 and primary == 1 for total, primary in contacts)
    assert len(await column(url, "SELECT DISTINCT industry FROM customer")) >= 12
    assert len(await column(url, "SELECT DISTINCT region FROM customer")) == 8


async def test_every_role_status_stage_source_and_channel_occurs(demo: Seeded) -> None:
    url, _ = demo
    present = {
        "SELECT DISTINCT role::text FROM app_user": {r.value for r in Role},
        "SELECT DISTINCT status::text FROM ticket": {s.value for s in TicketStatus},
        "SELECT DISTINCT status::text FROM lead": {s.value for s in LeadStatus},
        "SELECT DISTINCT source::text FROM lead": {s.value for s in LeadSource},
        "SELECT DISTINCT stage::text FROM opportunity": {s.value for s in OpportunityStage},
        "SELECT DISTINCT channel::text FROM interaction": {c.value for c in Channel},
        "SELECT DISTINCT kind::text FROM survey_response": {"CSAT", "NPS"},
    }
    for sql, expected in present.items():
        assert set(await column(url, sql)) == expected, sql
    event_kinds = set(await column(url, "SELECT DISTINCT kind::text FROM ticket_event"))
    assert {"CREATED", "STATUS_CHANGED", "ASSIGNED"} <= event_kinds
    assert await scalar(url, "SELECT count(*) FROM interaction WHERE is_internal") > 0
    assert await scalar(url, "SELECT count(*) FROM lead WHERE partner_id IS NOT NULL") > 0
    assert await scalar(url, "SELECT count(*) FROM lead WHERE converted_customer_id IS NOT NULL")


async def test_history_rows_carry_their_customer(demo: Seeded) -> None:
    url, _ = demo
    mismatches = (
        "SELECT count(*) FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id"
        " WHERE e.customer_id <> t.customer_id",
        "SELECT count(*) FROM service_visit v JOIN ticket t ON t.id = v.ticket_id"
        " WHERE v.customer_id <> t.customer_id",
        "SELECT count(*) FROM opportunity_stage_change s JOIN opportunity o"
        " ON o.id = s.opportunity_id WHERE s.customer_id <> o.customer_id",
        "SELECT count(*) FROM service_visit v JOIN app_user u ON u.id = v.technician_id"
        " WHERE u.role <> 'TECHNICIAN'",
    )
    for sql in mismatches:
        assert await scalar(url, sql) == 0, sql
    visited = await column(
        url,
        "SELECT DISTINCT t.kind::text FROM service_visit v JOIN ticket t ON t.id = v.ticket_id",
    )
    assert set(visited) == {"REPAIR", "INSTALLATION", "MAINTENANCE"}


async def test_every_persona_signs_in_with_its_role_and_has_a_slice(demo: Seeded) -> None:
    url, _ = demo
    users = {
        r["external_id"]: r
        for r in await fetch(
            url,
            "SELECT u.id, u.external_id, u.role::text AS role, u.active, m.external_id AS manager,"
            " p.kind::text AS partner_kind, u.partner_id FROM app_user u"
            " LEFT JOIN app_user m ON m.id = u.manager_id"
            " LEFT JOIN partner p ON p.id = u.partner_id",
        )
    }
    for role, sub in DEMO_PERSONAS.items():
        assert users[sub]["role"] == role.value
        assert users[sub]["active"]
    assert users["demo-rep"]["manager"] == "demo-manager"
    assert users["demo-partner"]["partner_kind"] == "DEALER"

    def owned(where: str) -> str:
        return f"SELECT count(*) FROM customer c JOIN app_user u ON u.id = c.owner_id WHERE {where}"

    assert await scalar(url, owned("u.external_id = 'demo-rep'")) > 0
    assert await scalar(url, owned("u.external_id = 'demo-manager'")) > 0
    team = owned("u.manager_id = (SELECT id FROM app_user WHERE external_id = 'demo-manager')")
    assert await scalar(url, team) > 0
    dealer = users["demo-partner"]["partner_id"]
    assert await scalar(url, f"SELECT count(*) FROM customer WHERE partner_id = {dealer}") > 0


async def test_the_demo_technician_has_visits_today(demo: Seeded) -> None:
    url, _ = demo
    technician = "(SELECT id FROM app_user WHERE external_id = 'demo-technician')"
    assert await scalar(url, f"SELECT count(*) FROM ticket WHERE assignee_id = {technician}") > 0
    today = await column(
        url,
        "SELECT (scheduled_start AT TIME ZONE 'UTC')::date FROM service_visit"
        f" WHERE technician_id = {technician}",
    )
    assert datetime.now(UTC).date() in today


async def test_names_phones_and_tax_ids_look_real_and_validate(demo: Seeded) -> None:
    url, _ = demo
    names = [str(n) for n in await column(url, "SELECT name FROM customer")]
    chinese = sum(1 for name in names if HAN.search(name))
    assert 0.3 * len(names) < chinese < len(names)
    assert len(set(names)) == len(names)
    tax_ids = [str(t) for t in await column(url, "SELECT tax_id FROM customer") if t is not None]
    assert 0.7 * len(names) <= len(tax_ids) <= 0.9 * len(names)
    assert all(validate_uscc(tax_id) == tax_id for tax_id in tax_ids)
    phones = await column(
        url,
        "SELECT phone FROM customer WHERE phone IS NOT NULL UNION ALL"
        " SELECT phone FROM contact WHERE phone IS NOT NULL UNION ALL"
        " SELECT phone FROM lead WHERE phone IS NOT NULL",
    )
    assert all(validate_phone(str(phone)) for phone in phones)
    emails = await column(
        url,
        "SELECT email FROM contact WHERE email IS NOT NULL UNION ALL"
        " SELECT email FROM app_user WHERE email IS NOT NULL",
    )
    assert all(validate_email(str(email)) == email for email in emails)


async def test_new_rows_get_ids_after_the_seeded_ones(demo: Seeded) -> None:
    url, counts = demo
    conn = await asyncpg.connect(**connect_kwargs(url))  # type: ignore[arg-type]
    transaction = conn.transaction()
    await transaction.start()
    try:
        new_id = await conn.fetchval(
            "INSERT INTO partner (name, kind, tier, region)"
            " VALUES ('后来的伙伴', 'DEALER', 'GOLD', 'EAST') RETURNING id"
        )
    finally:
        await transaction.rollback()
        await conn.close()
    assert new_id == counts["partner"] + 1


async def test_seeding_a_database_with_data_is_refused(demo: Seeded) -> None:
    url, counts = demo
    with pytest.raises(SeedError, match="already holds data"):
        await seed(url, "demo", seed=2, progress=False)
    assert await scalar(url, "SELECT count(*) FROM customer") == counts["customer"]


async def test_seeding_an_unmigrated_database_is_refused() -> None:
    async with fresh_database(migrated=False) as url:
        with pytest.raises(SeedError, match="not migrated"):
            await seed(url, "demo", progress=False)


async def test_the_same_seed_gives_the_same_customers(demo: Seeded) -> None:
    query = "SELECT name, tax_id, owner_id, partner_id FROM customer ORDER BY id"
    async with fresh_database() as first, fresh_database() as second:
        await seed(first, "demo", seed=7, progress=False)
        await seed(second, "demo", seed=7, progress=False)
        again = await fetch(first, query)
        assert again == await fetch(second, query)
    seed_one = await column(demo[0], "SELECT name FROM customer ORDER BY id")
    assert [record["name"] for record in again] != seed_one


def test_socket_directory_urls_connect_through_the_socket() -> None:
    kwargs = connect_kwargs("postgresql+asyncpg://postgres@/prism?host=/some/socket/dir")
    assert kwargs["host"] == "/some/socket/dir"
    assert kwargs["database"] == "prism"
    assert kwargs["user"] == "postgres"
