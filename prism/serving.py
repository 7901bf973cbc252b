"""`prism serve`: bind the port first, run uvicorn on it, announce the server once it answers.

Binding before anything else starts turns "port in use" into one line instead of a server that
claims to be up and then exits; the banner waits for `/healthz` so "up" means up.
"""

from __future__ import annotations

import errno
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable

import uvicorn
from uvicorn.supervisors import Multiprocess

from prism.clierrors import CommandError

APP = "prism.asgi:app"


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(
                f"port {port} on {host} is already in use: stop what runs there or pass --port"
            ) from None
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _probe_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"


def _announce_when_up(url: str, announce: Callable[[], None], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    announce()
                    return
        except OSError:
            pass
        stop.wait(0.1)


def _stop_on_sigterm() -> None:
    """A SIGTERM is a normal stop: leave through `finally` and `atexit`, so the embedded
    PostgreSQL started by this process is stopped with it (uvicorn re-raises the signal after
    its own graceful shutdown, and the default action would skip both)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def run(host: str, port: int, workers: int, announce: Callable[[], None]) -> None:
    """Serve until stopped; raise `CommandError` if the server never came up."""
    sock = bind(host, port)
    _stop_on_sigterm()
    config = uvicorn.Config(APP, host=host, port=port, workers=workers, log_level="info")
    stop = threading.Event()
    watcher = threading.Thread(
        target=_announce_when_up, args=(_probe_url(host, port), announce, stop), daemon=True
    )
    watcher.start()
    started = time.monotonic()
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
            return
        server = uvicorn.Server(config)
        server.run(sockets=[sock])
        if not server.started:
            raise CommandError(
                f"the server did not start after {time.monotonic() - started:.0f} s; "
                "the log above says why"
            )
    finally:
        stop.set()
        sock.close()
