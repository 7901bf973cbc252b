"""The seed report: a bar with an ETA on a terminal, plain lines (no \r) elsewhere."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from persistence.seed.plan import demo_plan
from persistence.seed.progress import Progress, expected_rows


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(progress: Progress) -> None:
    progress.begin()
    progress.tick("customer", 50)
    progress.done("customer", 100)
    progress.begin()
    progress.tick("ticket", 150)
    progress.done("ticket", 300)
    progress.total(400)


def test_a_terminal_gets_a_bar_with_an_eta() -> None:
    screen = Terminal()
    run(Progress(True, screen, expected=400))
    shown = screen.getvalue()
    assert "[" in shown
    assert "ETA" in shown
    assert "50 of ~400 rows" in shown  # half the first table
    assert "250 of ~400 rows" in shown  # the first table and half the second
    final = shown.split("\r")[-1]
    assert final.lstrip().startswith("total")  # the bar does not outlive the seed
    assert "400 rows" in final
    assert final.endswith("\n")


def test_a_pipe_gets_one_plain_line_per_table() -> None:
    log = io.StringIO()
    run(Progress(True, log, expected=400))
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert [line.split()[0] for line in lines] == ["customer", "ticket", "total"]


def test_the_estimate_is_close_to_what_the_demo_seed_writes() -> None:
    # The demo seed writes 16,131 rows (tests/persistence/test_seed.py counts them).
    assert abs(expected_rows(demo_plan(datetime.now(UTC))) - 16_131) < 16_131 * 0.05
