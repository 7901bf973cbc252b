"""The fault test's verdict: the answers by phase of the outage, the recovery time, and every
acknowledged write kept exactly once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.fault_load import Load

RECOVERY_TARGET_S = 5.0


@dataclass
class Timeline:
    start: float = 0.0
    stop_issued: float = 0.0
    stop_done: float = 0.0
    start_issued: float = 0.0
    ready: float = 0.0  # pg_isready succeeded
    load_stopped: float = 0.0

    def phase(self, at: float) -> str:
        if at < self.stop_issued:
            return "before"
        if at < self.stop_done:
            return "stopping"
        if at < self.ready:
            return "down"
        return "after"


def _table(counts: Counter[tuple[str, str]]) -> list[str]:
    return [f"    {n:5d}  {code} ({status})" for (code, status), n in sorted(counts.items())]


def report(
    t: Timeline, load: Load, before_retry: Counter[str], retried: int, found: Counter[str]
) -> list[str]:
    """Print the results; return the failed criteria."""
    failures: list[str] = []
    by_phase: dict[str, Counter[tuple[str, str]]] = {}
    for a in load.answers:
        if a.sent >= t.load_stopped:
            continue  # the retry pass, reported below
        status = "no answer" if a.status is None else f"HTTP {a.status}"
        by_phase.setdefault(t.phase(a.received), Counter())[(a.code, status)] += 1

    print(f"\nanswers by phase (by when they were received), {load.clients} clients:")
    spans = {
        "before": (t.start, t.stop_issued),
        "stopping": (t.stop_issued, t.stop_done),
        "down": (t.stop_done, t.ready),
        "after": (t.ready, t.load_stopped),
    }
    for phase, (lo, hi) in spans.items():
        print(f"  {phase} ({hi - lo:.2f} s):")
        print("\n".join(_table(by_phase.get(phase, Counter()))) or "    (none)")

    allowed = {"before": {"OK"}, "stopping": {"OK", "UNAVAILABLE"}, "down": {"UNAVAILABLE"}}
    for phase, codes in allowed.items():
        bad = {k: n for k, n in by_phase.get(phase, Counter()).items() if k[0] not in codes}
        if bad:
            failures.append(f"{phase}: answers other than {sorted(codes)}: {bad}")
    after_bad = {
        k: n
        for k, n in by_phase.get("after", Counter()).items()
        if k[0] not in ("OK", "UNAVAILABLE")
    }
    if after_bad:
        failures.append(f"after: answers other than OK/UNAVAILABLE: {after_bad}")

    after = [a for a in load.answers if t.ready <= a.received <= t.load_stopped]
    first_ok = min((a.received for a in after if a.code == "OK"), default=None)
    last_bad = max((a.received for a in after if a.code != "OK"), default=None)
    if first_ok is None:
        failures.append("no successful answer after PostgreSQL came back")
        print("\nrecovery: no successful answer after PostgreSQL came back")
    else:
        recovery = first_ok - t.ready
        print(f"\nrecovery: first successful answer {recovery:.2f} s after pg_isready")
        if recovery >= RECOVERY_TARGET_S:
            failures.append(f"first success {recovery:.2f} s after pg_isready (target < 5 s)")
    if last_bad is None:
        print("          no failed answer after pg_isready")
    else:
        settled = last_bad - t.ready
        print(f"          last failed answer {settled:.2f} s after pg_isready")
        if settled >= RECOVERY_TARGET_S:
            failures.append(f"failures until {settled:.2f} s after pg_isready (target < 5 s)")

    acked = {w.marker for w in load.writes if w.acked and not w.acked_on_retry}
    acked_all = {w.marker for w in load.writes if w.acked}
    unresolved = [w.marker for w in load.writes if not w.acked]
    present = set(found)
    twice = {m: n for m, n in found.items() if n > 1}
    missing = sorted(acked_all - present)
    print(
        f"\nwrites: {len(load.writes)} sent, {len(acked)} acknowledged under load, "
        f"{retried} more acknowledged on an idempotent retry afterwards, "
        f"{len(unresolved)} never acknowledged"
    )
    print(
        f"        acknowledged under load {len(acked)}, of them in the database "
        f"{len(acked & present)}; all acknowledged {len(acked_all)}, in the database "
        f"{len(acked_all & present)}; markers in the database {len(present)}, "
        f"{len(twice)} of them more than once"
    )
    if missing:
        failures.append(f"{len(missing)} acknowledged writes missing: {missing[:5]}")
    if twice:
        failures.append(f"{len(twice)} writes applied more than once: {list(twice)[:5]}")
    committed_unacked = set(before_retry) - acked
    print(
        f"        before the retry: {len(committed_unacked)} writes that were not acknowledged "
        "were in the database anyway (committed, then the answer failed; the retry replays them)"
    )
    phantom = sorted(present - acked_all)
    if phantom:
        failures.append(f"{len(phantom)} writes in the database never acknowledged: {phantom[:5]}")
    if unresolved:
        failures.append(f"{len(unresolved)} writes never acknowledged, even on retry")
    return failures
