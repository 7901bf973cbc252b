"""`prism serve --workers 2`: /metrics is the sum over the workers, whichever one answers it."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories as f
from tests.processes import Served, free_port

QUERY = {"query": "query Workers { viewer { role } }"}


async def samples(base: str) -> dict[str, float]:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{base}/metrics")).text
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


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
        workers = {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("gauge_livesum_*.db")}
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        for _ in range(300):  # until the supervisor has replaced it and the new one answers
            await samples(base)
            now = {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("gauge_livesum_*.db")}
            if now - workers:
                break
            await asyncio.sleep(0.1)
        await samples(base)
        assert not (folder / f"gauge_livesum_{victim}.db").exists()
        assert (await samples(base))[key] == 20  # what the dead worker counted still counts
    finally:
        server.stop(signal.SIGTERM)
