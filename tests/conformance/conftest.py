"""Show the graphql-http audit's outcome in the terminal summary, SHOULD/MAY misses included."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from _pytest.terminal import TerminalReporter

AUDIT_RESULTS = pytest.StashKey[list[dict[str, Any]]]()


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    results = config.stash.get(AUDIT_RESULTS, [])
    if not results:
        return
    counts = Counter(r["status"] for r in results)
    terminalreporter.section("graphql-http audit")
    terminalreporter.write_line(
        f"{len(results)} audits: {counts['ok']} ok, {counts['error']} MUST failed, "
        f"{counts['warn']} SHOULD not met, {counts['notice']} MAY not met"
    )
    for r in results:
        if r["status"] != "ok":
            terminalreporter.write_line(f"  {r['id']} {r['name']}: {r['reason']}")
