"""`prism serve --workers 2`: /metrics is the sum over the workers, whichever one answers it;
a change to a user reaches both workers' kept copies within a second."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories as f
from tests.processes import Served, free_port

QUERY = {"query": "query Workers { viewer { role } }"}
KEY = "prism_graphql_request_duration_seconds_count" + str(
    sorted({"operation": "Workers", "type": "query", "role": "ANALYST"}.items())
)


async def samples(base: str) -> dict[str, float]:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{base}/metrics")).text
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def counted_by(folder: Path, pid: int, key: str) -> float:
    """What one worker's own files hold for a series."""
    with tempfile.TemporaryDirectory() as alone:
        for path in folder.glob(f"*_{pid}.db"):
            shutil.copy(path, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=alone)
        text = generate_latest(registry).decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name + str(sorted(sample.labels.items())) == key
    )


def live_gauge_pids(folder: Path) -> set[int]:
    return {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("gauge_livesum_*.db")}


async def test_metrics_add_up_over_workers_and_forget_dead_ones(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    await f.user(db, "ANALYST", external_id="demo-analyst")
    port = free_port()
    server = Served(
        tmp_path, port, env={"PRISM_DATABASE_URL": database_url}, args=["--workers", "2"]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        lines = server.until("ANALYST ")
        token = next(line for line in lines if line.strip().startswith("ANALYST ")).split()[-1]
        headers = {"authorization": f"Bearer {token}"}
        for _ in range(20):  # a new connection each, so both workers answer some
            async with httpx.AsyncClient() as client:
                await client.post(
                    f"{base}/graphql", json=QUERY, headers=headers | {"connection": "close"}
                )
        key = "prism_graphql_request_duration_seconds_count" + str(
            sorted({"operation": "Workers", "type": "query", "role": "ANALYST"}.items())
        )
        assert (await samples(base))[key] == 20
        folder = tmp_path / "metrics"
        for _ in range(300):  # each worker makes its files as it imports the app
            workers = live_gauge_pids(folder)
            if len(workers) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(workers) == 2
        # A worker that answered requests: once it is dead, another process answers /metrics,
        # and the 20 only add up if the dead one's counts are summed in.
        victim = max(workers, key=lambda pid: counted_by(folder, pid, key))
        assert counted_by(folder, victim, key) > 0
        os.kill(victim, signal.SIGKILL)
        for _ in range(300):  # until the supervisor has replaced it and the new one answers
            await samples(base)
            if live_gauge_pids(folder) - workers:
                break
            await asyncio.sleep(0.1)
        await samples(base)
        assert not (folder / f"gauge_livesum_{victim}.db").exists()
        assert (await samples(base))[key] == 20  # what the dead worker counted still counts
    finally:
        server.stop(signal.SIGTERM)


async def test_a_role_change_and_a_deactivation_reach_both_workers_within_a_second(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    """Each worker keeps signed-in users in memory; a change made in SQL (as an operator
    might) reaches both through NOTIFY. Every request opens its own connection, so the two
    workers share them: 20 answers in a row with the new role would not happen while one
    worker still answered from its old copy (1 in 2^20)."""
    await f.user(db, "ANALYST", external_id="demo-analyst")
    port = free_port()
    server = Served(
        tmp_path, port, env={"PRISM_DATABASE_URL": database_url}, args=["--workers", "2"]
    )
    base = f"http://127.0.0.1:{port}"

    async def role() -> str:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{base}/graphql", json=QUERY, headers=headers | {"connection": "close"}
            )
        body = response.json()
        if "errors" in body:
            return str(body["errors"][0]["extensions"]["code"])
        return str(body["data"]["viewer"]["role"])

    async def settled_after(change: str, expected: str) -> float:
        """Seconds from the change until the first of 20 answers in a row that agree."""
        async with db.begin() as conn:
            await conn.execute(text(change))
        changed = time.monotonic()
        streak_began, streak = changed, 0
        while streak < 20:
            asked = time.monotonic()
            if await role() == expected:
                streak_began, streak = (asked if streak == 0 else streak_began), streak + 1
            else:
                streak = 0
                assert asked - changed < 5, f"still not {expected} after 5 s"
        return streak_began - changed

    try:
        lines = server.until("ANALYST ")
        token = next(line for line in lines if line.strip().startswith("ANALYST ")).split()[-1]
        headers = {"authorization": f"Bearer {token}"}
        folder = tmp_path / "metrics"
        for _ in range(300):  # both workers up, and both have seen (and kept) the user
            assert await role() == "ANALYST"
            if len(live_gauge_pids(folder)) == 2 and all(
                counted_by(folder, pid, KEY) > 0 for pid in live_gauge_pids(folder)
            ):
                break
        else:
            raise AssertionError("one worker never answered")
        role_change = (
            "UPDATE app_user SET role = 'SALES_MANAGER' WHERE external_id = 'demo-analyst'"
        )
        assert await settled_after(role_change, "SALES_MANAGER") < 1.0
        deactivation = "UPDATE app_user SET active = false WHERE external_id = 'demo-analyst'"
        assert await settled_after(deactivation, "UNAUTHENTICATED") < 1.0
    finally:
        server.stop(signal.SIGTERM)
