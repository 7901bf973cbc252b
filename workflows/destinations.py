"""The SSRF guard of webhook URLs (CONTRACT §8): where Prism may send a delivery.

In `prod` a URL must be `https` and every address its host resolves to (IPv4 and IPv6) must be
public: no private, loopback, link-local, shared, reserved, multicast or unspecified address,
and no IPv6 form of one (IPv4-mapped, 6to4, NAT64 of a private IPv4). Hosts listed in
`PRISM_WEBHOOK_ALLOWED_HOSTS` are exempt from both rules. In `dev` anything goes (http and
127.0.0.1 included), so a developer can point a webhook at a local receiver.

The check runs when an endpoint is created and again before every attempt, and an attempt then
connects to the very address that was checked (the Host header and TLS name stay the URL's),
so a DNS answer that changes between check and connect (DNS rebinding) cannot redirect it.

The guard is process-wide configuration, set once at start-up from the settings (`configure`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: host, port -> the addresses it resolves to (text form); empty or OSError when it does not.
Resolver = Callable[[str, int], Awaitable[list[str]]]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: IpAddress) -> bool:
    """A globally routable unicast address, also through any IPv4-in-IPv6 form."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
        if address.teredo is not None:
            return False
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_private
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_reserved
        and not address.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    """Where an attempt connects: the URL, or the checked address with the URL's host name."""

    url: str
    host_header: str | None = None
    sni_hostname: str | None = None


@dataclass(frozen=True)
class Destinations:
    strict: bool = False  # prod: https only, public addresses only
    allowed_hosts: frozenset[str] = frozenset()
    resolve: Resolver = field(default=system_resolve, compare=False)

    @classmethod
    def of(cls, env: str, allowed_hosts: Iterable[str]) -> Destinations:
        return cls(
            strict=env == "prod",
            allowed_hosts=frozenset(h.strip().lower().rstrip(".") for h in allowed_hosts if h),
        )

    async def problem(self, url: str) -> str | None:
        """Why Prism may not send to `url`, or None."""
        target = await self.target(url)
        return target if isinstance(target, str) else None

    async def target(self, url: str) -> Target | str:
        """Where to connect for `url`, or why not."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if not self.strict or host in self.allowed_hosts:
            return Target(url)
        if parts.scheme != "https":
            return "url must use https"
        port = parts.port or 443
        try:
            addresses = await self.resolve(host, port)
        except OSError:
            addresses = []
        if not addresses:
            return "url's host does not resolve"
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if not is_public(address):
                return "url's host resolves to a private, loopback, link-local or reserved address"
        pinned = addresses[0].split("%", 1)[0]
        literal = f"[{pinned}]" if ":" in pinned else pinned
        netloc = f"{literal}:{port}"
        return Target(
            parts._replace(netloc=netloc).geturl(),
            host_header=parts.netloc.rpartition("@")[2],
            sni_hostname=host,
        )


_current = Destinations()


def configure(destinations: Destinations) -> None:
    global _current
    _current = destinations


def current() -> Destinations:
    return _current
