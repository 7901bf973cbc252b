"""The PostgreSQL the suite runs on is one Prism supports, and offers what the embedded one does.

The embedded server (18) is checked by tests/cli/test_serve.py; together the two keep the test
server and the embedded default from drifting apart in what the code relies on.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from prism.embedded import SUPPORTED_MAJORS


async def test_the_test_server_is_a_supported_postgresql(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        version = int((await conn.execute(text("SHOW server_version_num"))).scalar_one())
        offered = set(
            (await conn.execute(text("SELECT name FROM pg_available_extensions"))).scalars()
        )
    assert version // 10000 in SUPPORTED_MAJORS
    assert {"pg_trgm", "btree_gist", "pg_stat_statements"} <= offered
