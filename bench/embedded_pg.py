"""Start and stop times of the embedded PostgreSQL, its version and contrib extensions.

    .venv/bin/python bench/embedded_pg.py [--rounds 3]

Each round makes a new data folder: cold start (initdb + start), stop, warm start (start on the
existing folder), stop. Prints the medians and what the server offers.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from prism.embedded import _package

CONTRIB = ("pg_trgm", "btree_gist", "pg_stat_statements", "pgcrypto", "citext")


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def one_round(package: object, folder: Path) -> tuple[float, float, float, object]:
    pg = folder / "pg"
    pkg: object = package
    server = None

    def start() -> None:
        nonlocal server
        pkg.PostgresServer._instances.clear()  # type: ignore[attr-defined]
        server = pkg.PostgresServer(pg, cleanup_mode=None)  # type: ignore[attr-defined]

    def stop() -> None:
        pkg.pg_ctl(["-w", "stop"], pgdata=pg, user=server.system_user)  # type: ignore[attr-defined]

    pg.mkdir()
    cold = _timed(start)
    stop_s = _timed(stop)
    warm = _timed(start)
    return cold, warm, stop_s, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    package = _package()
    colds, warms, stops = [], [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            cold, warm, stop_s, server = one_round(package, Path(tmp))
            colds.append(cold)
            warms.append(warm)
            stops.append(stop_s)
            version = server.psql("SHOW server_version;").splitlines()[2].strip()  # type: ignore[attr-defined]
            names = ", ".join(f"'{name}'" for name in CONTRIB)
            offered = server.psql(  # type: ignore[attr-defined]
                f"SELECT name FROM pg_available_extensions WHERE name IN ({names}) ORDER BY 1;"
            )
            package.pg_ctl(["-w", "stop"], pgdata=Path(tmp) / "pg", user=server.system_user)  # type: ignore[attr-defined]
    installed = sum(
        f.stat().st_size for f in Path(package.__file__).parent.rglob("*") if f.is_file()
    )
    print(f"PostgreSQL {version}; installed package {installed / 2**20:.0f} MiB")
    rows = [line.strip() for line in offered.splitlines()[2:]]
    print("contrib:", " ".join(row for row in rows if row and not row.startswith("(")))
    print(f"cold start (initdb + start) median {statistics.median(colds):.2f} s over {rounds}")
    print(f"warm start                  median {statistics.median(warms):.2f} s")
    print(f"stop                        median {statistics.median(stops):.2f} s")


if __name__ == "__main__":
    main()
