"""Count the SQL statements a server sends to PostgreSQL, on the wire, whatever the server is.

A small TCP proxy between a server and PostgreSQL reads the frontend protocol messages and counts
each statement the server runs: a simple `Query` ('Q'), or an extended-protocol `Execute` ('E')
whose text it knows from the `Parse` ('P') / `Bind` ('B') before it. The same counter serves
Prism (SQLAlchemy + asyncpg), the floor (asyncpg) and PostGraphile (node-postgres), so their
"statements per request" are counted the same way. It is only used in a counting pass, never
while timing.

The proxy answers SSL/GSSAPI encryption requests with "no" itself, so the bytes stay readable.
"""

from __future__ import annotations

import asyncio
import re
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|SAVEPOINT|RELEASE|SET|RESET|DISCARD|"
    r"DEALLOCATE|LISTEN|UNLISTEN|SHOW|SELECT 1$|SELECT pg_advisory_unlock_all\(\))",
    re.IGNORECASE,
)
# What a driver runs on a new connection (asyncpg's type introspection, SQLAlchemy's JIT check).
SETUP = re.compile(
    r"^\s*(WITH RECURSIVE typeinfo_tree|SELECT current_setting\('jit'\)|"
    r"SELECT set_config\('jit')",
    re.IGNORECASE,
)


def kind_of(sql: str) -> str:
    """'data' for statements that read or write rows, 'control' for transactions, pings and
    connection resets, 'setup' for what a driver runs on a new connection."""
    text = sql.strip().rstrip(";").strip()
    if not text or CONTROL.match(text):
        return "control"
    if SETUP.match(text):
        return "setup"
    return "data"


@dataclass
class Tally:
    statements: Counter[str] = field(default_factory=Counter)  # SQL text -> executions
    connections: int = 0  # new connections opened to PostgreSQL

    def by_kind(self) -> Counter[str]:
        kinds: Counter[str] = Counter()
        for sql, n in self.statements.items():
            kinds[kind_of(sql)] += n
        return kinds


def _cstring(buf: bytes, at: int) -> tuple[str, int]:
    end = buf.index(b"\0", at)
    return buf[at:end].decode("utf-8", "replace"), end + 1


class StatementCounter:
    """`with StatementCounter(host, port) as proxy:` then point a server at `proxy.port`."""

    def __init__(self, upstream_host: str = "127.0.0.1", upstream_port: int = 5432) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._lock = threading.Lock()
        self._tally = Tally()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # -- counting -----------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self._tally = Tally()

    def take(self) -> Tally:
        """The statements seen since the last reset (and reset)."""
        with self._lock:
            tally, self._tally = self._tally, Tally()
        return tally

    def _count(self, sql: str) -> None:
        with self._lock:
            self._tally.statements[" ".join(sql.split())] += 1

    # -- the proxy ----------------------------------------------------------------------------
    def __enter__(self) -> StatementCounter:
        self._thread = threading.Thread(target=self._run, name="sqlcount", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("statement-counting proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        with self._lock:
            self._tally.connections += 1
        try:
            upstream_r, upstream_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return
        try:
            # Start-up: untyped messages. Refuse encryption so the stream stays plain.
            while True:
                head = await client_r.readexactly(4)
                body = await client_r.readexactly(struct.unpack("!i", head)[0] - 4)
                if struct.unpack("!i", body[:4])[0] in (SSL_REQUEST, GSSENC_REQUEST):
                    client_w.write(b"N")
                    await client_w.drain()
                    continue
                upstream_w.write(head + body)
                break
            await asyncio.gather(
                self._frontend(client_r, upstream_w), self._pipe(upstream_r, client_w)
            )
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            for writer in (client_w, upstream_w):
                writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def _frontend(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        statements: dict[str, str] = {}  # prepared statement name -> SQL
        portals: dict[str, str] = {}  # portal name -> SQL
        while True:
            try:
                kind = await reader.readexactly(1)
            except asyncio.IncompleteReadError:
                writer.close()
                return
            head = await reader.readexactly(4)
            body = await reader.readexactly(struct.unpack("!i", head)[0] - 4)
            if kind == b"Q":
                self._count(_cstring(body, 0)[0])
            elif kind == b"P":
                name, at = _cstring(body, 0)
                statements[name] = _cstring(body, at)[0]
            elif kind == b"B":
                portal, at = _cstring(body, 0)
                portals[portal] = statements.get(_cstring(body, at)[0], "?")
            elif kind == b"E":
                self._count(portals.get(_cstring(body, 0)[0], "?"))
            elif kind == b"C" and body[:1] == b"S":
                statements.pop(_cstring(body, 1)[0], None)
            writer.write(kind + head + body)
            await writer.drain()
