"""The fault test's load: concurrent loops of reads and idempotent writes against one Prism,
each answer classified and timed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

READ_QUERY = """
query Page { customers(first: 20) { totalCount nodes { id name status owner { displayName } } } }
"""
WRITE_MUTATION = """
mutation Log($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id summary } userErrors { field code message } }
}
"""
CUSTOMER_IDS_QUERY = "query Ids { customers(first: 50) { nodes { id } } }"


# --- load ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    kind: str  # "read" or "write"
    sent: float  # time.monotonic()
    received: float
    status: int | None  # None: no HTTP answer at all
    code: str  # "OK", a GraphQL error code, "USER_ERROR:<code>", "HTTP <status>" or "TRANSPORT:<error>"


@dataclass
class Write:
    marker: str
    customer_id: str
    acked: bool = False
    acked_on_retry: bool = False
    interaction_id: str | None = None

    def body(self) -> dict[str, Any]:
        fields = {"channel": "PHONE", "direction": "OUTBOUND", "summary": self.marker}
        variables = {"input": {**fields, "customerId": self.customer_id}}
        return {"query": WRITE_MUTATION, "variables": variables}


def classify(kind: str, response: httpx.Response) -> tuple[str, str | None]:
    """The answer's outcome code and, for an acknowledged write, the interaction id."""
    try:
        payload = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", None
    if not isinstance(payload, dict):
        return f"HTTP {response.status_code}", None
    errors = payload.get("errors") or []
    if errors:
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
        return "+".join(codes), None
    if response.status_code != 200:
        return f"HTTP {response.status_code}", None
    if kind == "write":
        result = (payload.get("data") or {}).get("logInteraction") or {}
        user_errors = result.get("userErrors") or []
        if user_errors:
            return "USER_ERROR:" + "+".join(sorted({e["code"] for e in user_errors})), None
        interaction = result.get("interaction") or {}
        if not interaction.get("id"):
            return "NO_ID", None
        return "OK", str(interaction["id"])
    return "OK", None


@dataclass
class Load:
    """`clients` concurrent loops against one Prism: two reads, then one write, and again."""

    base: str
    reader_token: str
    writer_token: str
    customer_ids: list[str]
    marker_prefix: str
    clients: int = 4
    timeout_s: float = 15.0
    answers: list[Answer] = field(default_factory=list, init=False)
    writes: list[Write] = field(default_factory=list, init=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        if not self.base.startswith("http://127.0.0.1:"):
            raise ValueError("load is only ever sent to 127.0.0.1")
        limits = httpx.Limits(max_connections=self.clients)
        async with httpx.AsyncClient(timeout=self.timeout_s, limits=limits) as client:
            await asyncio.gather(*(self._loop(client, n) for n in range(self.clients)))

    async def _loop(self, client: httpx.AsyncClient, n: int) -> None:
        i = 0
        while not self._stop.is_set():
            if i % 3 == 2:
                customer = self.customer_ids[(n + i) % len(self.customer_ids)]
                write = Write(f"{self.marker_prefix}-{n}-{i}", customer)
                self.writes.append(write)
                await self.send_write(client, write)
            else:
                await self._send(client, "read", {"query": READ_QUERY}, self.reader_token)
            i += 1

    async def send_write(self, client: httpx.AsyncClient, write: Write) -> bool:
        headers = {"idempotency-key": write.marker}
        answer, interaction_id = await self._send(
            client, "write", write.body(), self.writer_token, headers
        )
        if answer.code == "OK":
            write.acked, write.interaction_id = True, interaction_id
        return write.acked

    async def _send(
        self,
        client: httpx.AsyncClient,
        kind: str,
        body: dict[str, Any],
        token: str,
        extra: dict[str, str] | None = None,
    ) -> tuple[Answer, str | None]:
        headers = {"authorization": f"Bearer {token}", **(extra or {})}
        sent = time.monotonic()
        try:
            response = await client.post(f"{self.base}/graphql", json=body, headers=headers)
            code, interaction_id = classify(kind, response)
            status: int | None = response.status_code
        except httpx.HTTPError as exc:
            code, interaction_id, status = f"TRANSPORT:{type(exc).__name__}", None, None
        answer = Answer(kind, sent, time.monotonic(), status, code)
        self.answers.append(answer)
        return answer, interaction_id


async def customer_ids(base: str, token: str) -> list[str]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": CUSTOMER_IDS_QUERY},
            headers={"authorization": f"Bearer {token}"},
        )
    response.raise_for_status()
    return [node["id"] for node in response.json()["data"]["customers"]["nodes"]]
