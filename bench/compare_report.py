"""The figures of a `run_workloads.py` run, as the Markdown table it prints and writes into
bench/README.md between the markers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from bench.common import ROOT
from bench.workloads import Workload

README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- run_workloads:begin -->", "<!-- run_workloads:end -->"

LABELS = {"prism": "Prism", "floor": "floor", "postgraphile": "PostGraphile"}
CLIENTS = (1, 16)


@dataclass
class Cell:
    """One server on one workload."""

    answer_check: str = ""
    sql_data: float | None = None  # statements that read/write rows, per request
    sql_control: float | None = None  # BEGIN/COMMIT/pings/connection set-up, per request
    connections: float | None = None  # new PostgreSQL connections opened, per request
    statements: dict[str, float] = field(default_factory=dict)  # SQL text -> per request
    runs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # clients -> runs
    peak_rss_mib: float | None = None


# -- the report --------------------------------------------------------------------------------


def merged(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    """Rounds of one cell: total requests ÷ total time; medians of the per-round figures."""

    def median(key: str) -> float | None:
        values = [r[key] for r in runs if r[key] is not None]
        return statistics.median(values) if values else None

    done = [r for r in runs if r["requests"]]
    return {
        "rps": sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in done) if done else None,
        "p99_ms": statistics.median(r["p99_ms"] for r in done) if done else None,
        "cpu_ms": median("cpu_ms_per_request"),
        "db_cpu_ms": median("db_cpu_ms_per_request"),
    }


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if digits == 1 and value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def report(
    workloads: list[Workload],
    cells: dict[tuple[str, str], Cell],
    names: list[str],
    meta: dict[str, Any],
    notes: list[str],
) -> str:
    lines = [
        f"Run of {meta['finished']} on {meta['machine']}; {meta['seconds']:g} s per run × "
        f"{meta['rounds']} round(s), uvicorn `--workers {meta['workers']}`, wrk "
        f"`-c1 -t1` / `-c16 -t2`; PostgreSQL {meta['postgres']}.",
        "",
        "| workload | server | clients | req/s | p50 ms | p99 ms | SQL stmts/req (+other) "
        "| server CPU ms/req | DB CPU ms/req | peak RSS MiB | same answer |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for w in workloads:
        for clients in CLIENTS:
            for name in names:
                cell = cells[(w.key, name)]
                if clients not in cell.runs:
                    continue
                m = merged(cell.runs[clients])
                sql = (
                    f"{cell.sql_data:g} (+{cell.sql_control:g})"
                    if cell.sql_data is not None and cell.sql_control is not None
                    else "–"
                )
                lines.append(
                    f"| {w.key} {w.title} | {LABELS[name]} | {clients} | {fmt(m['rps'])} "
                    f"| {fmt(m['p50_ms'])} | {fmt(m['p99_ms'])} | {sql} | {fmt(m['cpu_ms'], 2)} "
                    f"| {fmt(m['db_cpu_ms'], 2)} | {fmt(cell.peak_rss_mib, 0)} "
                    f"| {cell.answer_check} |"
                )
    lines += [
        "",
        "Ratios, same run (latency: Prism ÷ other, >1 = Prism slower; throughput: "
        "other ÷ Prism, >1 = other serves more):",
        "",
        "| workload | clients | p50 Prism÷floor | req/s floor÷Prism | CPU/req Prism÷floor "
        "| p50 Prism÷PostGraphile | req/s PostGraphile÷Prism | CPU/req Prism÷PostGraphile |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for w in workloads:
        for clients in CLIENTS:
            figures = {}
            for name in names:
                runs = cells[(w.key, name)].runs.get(clients)
                figures[name] = merged(runs) if runs else None
            p = figures.get("prism")
            if p is None:
                continue
            row = [f"| {w.key} {w.title} | {clients}"]
            for other in ("floor", "postgraphile"):
                o = figures.get(other)
                if o is None:
                    row += ["–", "–", "–"]
                else:
                    row += [
                        ratio(p["p50_ms"], o["p50_ms"]),
                        ratio(o["rps"], p["rps"]),
                        ratio(p["cpu_ms"], o["cpu_ms"]),
                    ]
            lines.append(" | ".join(row) + " |")
    lines += ["", "Viewers (picked from the bench world by bench/workloads.py):", ""]
    lines += [f"- {w.key} {w.title}: {w.viewer}" for w in workloads]
    if notes:
        lines += ["", "Notes from this run:", ""]
        lines += [f"- {n}" for n in dict.fromkeys(notes)]
    return "\n".join(lines) + "\n"


def write_readme(table: str, command: str) -> None:
    text = README.read_text() if README.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = f"{BEGIN}\nLatest run: `{command}`\n\n{table}{END}"
    README.write_text(head + block + tail)
