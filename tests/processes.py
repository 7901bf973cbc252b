"""Running `prism` as an operator does: in a subprocess, with only the environment given."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

STARTUP_DEADLINE_S = 180

PRISM = str(Path(sys.executable).with_name("prism"))


def prism(
    *args: str, env: dict[str, str] | None = None, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRISM_")}
    environ["PRISM_DATA_DIR"] = str(data_dir)
    environ.update(env or {})
    return subprocess.run(
        [PRISM, *args], env=environ, capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    assert len(output.splitlines()) <= 2, output
    for word in words:
        assert word in output, output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "pg" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


class Served:
    """A `prism serve` subprocess with its output read line by line on a thread."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PRISM_")}
        environ["PRISM_DATA_DIR"] = str(data_dir)
        environ.update(env or {})
        self.proc = subprocess.Popen(
            [PRISM, "serve", "--port", str(port), *(args or [])],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, marker: str) -> list[str]:
        while True:
            line = self.lines.get(timeout=STARTUP_DEADLINE_S)
            if line is None:
                raise AssertionError("prism serve exited:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if marker in line:
                return self.seen

    def stop(self, sig: signal.Signals) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)
