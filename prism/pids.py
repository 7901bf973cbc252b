"""Whether a process still runs, for the folders that remember process ids (the embedded
PostgreSQL's users, the metrics of server workers)."""

from __future__ import annotations

import os
from pathlib import Path


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a worker that died but was not reaped yet is a zombie: gone all the same
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True
