"""How a seed reports itself: a progress bar with an ETA on a terminal, plain lines otherwise.

The bar's total is an estimate (`expected_rows`): derived tables (stage changes, ticket events,
visits, surveys) grow with their parents at the rates the generators produce on average.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from persistence.seed.plan import Plan

BAR_WIDTH = 24
#: Rows of a derived table per row of its parent, as the generators make them on average.
PER_OPPORTUNITY_STAGE_CHANGES = 3.6
PER_TICKET_EVENTS = 7.8
PER_TICKET_VISITS = 0.6
PER_TICKET_CSAT_ANSWERS = 0.28


def expected_rows(plan: Plan) -> int:
    tickets = plan.tickets
    return round(
        sum(plan.partners.values())
        + sum(plan.users.values())
        + plan.customers
        + plan.contacts
        + plan.leads
        + plan.opportunities * (1 + PER_OPPORTUNITY_STAGE_CHANGES)
        + plan.assets
        + plan.contracts
        + tickets * (1 + PER_TICKET_EVENTS + PER_TICKET_VISITS + PER_TICKET_CSAT_ANSWERS)
        + plan.nps_responses
        + plan.interactions
        + plan.tasks
    )


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """One line per table; on a terminal a bar below them counts up live with an ETA."""

    def __init__(self, enabled: bool, stream: TextIO | None = None, expected: int = 0) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.live = enabled and self.stream.isatty()
        self.expected = expected
        self.started = time.perf_counter()
        self.table_started = self.started
        self.rows_done = 0

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def _line(self, label: str, rows: int | None, seconds: float) -> str:
        count = f"{rows:>12,} rows" if rows is not None else " " * 17
        return f"  {label:<26}{count}  {seconds:7.1f}s  (total {self.elapsed():6.1f}s)"

    def bar(self, label: str, rows: int) -> str:
        """`[#####.....]  42%  1,234 of ~2,900 rows  ticket  12s, ETA 16s`"""
        done = self.rows_done + rows
        share = min(done / self.expected, 0.99) if self.expected else 0.0
        filled = round(share * BAR_WIDTH)
        elapsed = self.elapsed()
        eta = _duration(elapsed * (1 - share) / share) if share > 0 else "?"
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return (
            f"  [{bar}] {share:4.0%}  {done:,} of ~{self.expected:,} rows  {label}  "
            f"{_duration(elapsed)}, ETA {eta}"
        )

    def _draw(self, text: str, *, keep: bool) -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        end = "\n" if keep else ""
        print("\r" + text[:width].ljust(width), end=end, file=self.stream, flush=True)

    def say(self, message: str) -> None:
        if self.enabled:
            print(message, file=self.stream, flush=True)

    def begin(self) -> None:
        self.table_started = time.perf_counter()

    def tick(self, label: str, rows: int) -> None:
        if self.live:
            self._draw(self.bar(label, rows), keep=False)

    def done(self, label: str, rows: int | None) -> None:
        if not self.enabled:
            return
        line = self._line(label, rows, time.perf_counter() - self.table_started)
        self.rows_done += rows or 0
        if self.live:
            self._draw(line, keep=True)
            self._draw(self.bar(label, 0), keep=False)
        else:
            print(line, file=self.stream, flush=True)

    def total(self, rows: int) -> None:
        """The closing line, over the bar: nothing is redrawn after it."""
        if not self.enabled:
            return
        line = self._line("total", rows, self.elapsed())
        if self.live:
            self._draw(line, keep=True)
        else:
            print(line, file=self.stream, flush=True)
