"""Telling a task's own cancellation apart from the outage a background loop outlives.

A loop that catches `Exception` to survive a lost connection (the job worker's lanes, the
policy watcher, the rate limiter's settler) can also catch its own cancellation in disguise:
a task cancelled mid-statement unwinds through the driver and the connection's clean-up, and
what reaches the loop may be the driver's complaint about the interrupted operation, not the
`CancelledError`. Caught and logged as an outage, the cancellation is lost and the loop runs
on after its owner has stopped (seen in the test suite: a stopped app's job worker lane kept
taking jobs in later tests' database). Such a loop asks `cancelling()` before carrying on.
"""

from __future__ import annotations

import asyncio


def cancelling() -> bool:
    """True when the running task has been asked to stop (and has not taken it back)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
