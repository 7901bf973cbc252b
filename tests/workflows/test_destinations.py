"""The SSRF guard (CONTRACT §8): in prod only https URLs whose host resolves to public addresses
only, hosts of PRISM_WEBHOOK_ALLOWED_HOSTS exempt; checked at creation and again at delivery."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from domain.clock import ManualClock
from persistence.jobs import Worker
from prism.settings import Settings
from tests import factories as f
from tests.conftest import Api
from tests.workflows.receiver import receiver
from tests.workflows.test_webhooks import CREATE, a_deal, create_endpoint, deliveries, move_stage
from workflows import destinations
from workflows.destinations import Destinations, is_public

#: A DNS of our own: what each test host resolves to.
ZONE = {
    "hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "intranet.example.com": ["10.20.30.40"],
    "mixed.example.com": ["93.184.216.34", "192.168.1.10"],
    "v6-loopback.example.com": ["::1"],
    "v6-mapped.example.com": ["::ffff:127.0.0.1"],
    "link-local.example.com": ["169.254.169.254"],
    "ci.internal": ["10.0.0.8"],
    "localhost": ["127.0.0.1", "::1"],
}


async def fake_resolve(host: str, port: int) -> list[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host not in ZONE:
            raise OSError(f"no such host {host}") from None
        return ZONE[host]
    return [host]


@pytest.fixture
def prod_guard() -> Iterator[Destinations]:
    """This process's guard as in prod, with `ci.internal` allowed; restored afterwards."""
    before = destinations.current()
    guard = Destinations(
        strict=True, allowed_hosts=frozenset({"ci.internal"}), resolve=fake_resolve
    )
    destinations.configure(guard)
    yield guard
    destinations.configure(before)


REFUSED = {
    "http://hooks.example.com/a": "https",
    "https://127.0.0.1/a": "private, loopback",
    "https://[::1]:8443/a": "private, loopback",
    "https://v6-loopback.example.com/a": "private, loopback",
    "https://v6-mapped.example.com/a": "private, loopback",
    "https://intranet.example.com/a": "private, loopback",
    "https://mixed.example.com/a": "private, loopback",
    "https://link-local.example.com/latest/meta-data": "private, loopback",
    "https://localhost/a": "private, loopback",
    "https://[fe80::1]/a": "private, loopback",
    "https://0.0.0.0/a": "private, loopback",
    "https://nowhere.example.com/a": "does not resolve",
}


async def test_prod_refuses_private_and_plain_http_urls_at_creation(
    api: Api, prod_guard: Destinations
) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    for url, reason in REFUSED.items():
        result = await create_endpoint(api, url, ["ticket.created"])
        assert result["webhookEndpoint"] is None, url
        [error] = result["userErrors"]
        assert (error["field"], error["code"]) == ("url", "BAD_USER_INPUT"), url
        assert reason in error["message"], (url, error)


async def test_prod_accepts_public_https_and_allowed_hosts(
    api: Api, prod_guard: Destinations
) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    for url in ("https://hooks.example.com/a", "https://ci.internal/hook", "http://ci.internal/"):
        result = await create_endpoint(api, url, ["ticket.created"])
        assert result["userErrors"] == [], (url, result)


async def test_dev_allows_http_to_127_0_0_1(api: Api) -> None:
    assert destinations.current().strict is False
    await f.user(api.engine, "ADMIN", external_id="admin")
    result = await create_endpoint(api, "http://127.0.0.1:9/hook", ["ticket.created"])
    assert result["userErrors"] == []


async def test_the_guard_is_checked_again_at_delivery(
    api: Api, worker: Worker, clock: ManualClock
) -> None:
    """An endpoint accepted earlier (here in dev) whose host is now private gets nothing."""
    deal = await a_deal(api)
    with receiver(200) as hook:
        created = await create_endpoint(api, hook.url, ["opportunity.stage_changed"])
        before = destinations.current()
        destinations.configure(Destinations(strict=True, resolve=fake_resolve))
        try:
            await move_stage(api, deal, "PROPOSAL")
            await worker.run_due()
        finally:
            destinations.configure(before)
    assert hook.received == []
    node = (await deliveries(api, created["webhookEndpoint"]["id"]))["nodes"][0]
    assert node["status"] == "PENDING"
    assert node["attempts"] == 1
    assert node["responseStatus"] is None
    assert "destination guard" in node["lastError"]


async def test_a_pinned_attempt_keeps_the_host_name() -> None:
    guard = Destinations(strict=True, resolve=fake_resolve)
    target = await guard.target("https://hooks.example.com:8443/a/b?c=1")
    assert not isinstance(target, str)
    assert target.url == "https://93.184.216.34:8443/a/b?c=1"
    assert target.host_header == "hooks.example.com:8443"
    assert target.sni_hostname == "hooks.example.com"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:0a00:0001::1", False),
        ("64:ff9b::10.0.0.1", False),
        ("ff02::1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_WEBHOOK_ALLOWED_HOSTS", " CI.internal , hooks.corp ,")
    settings = Settings.from_env()
    assert settings.webhook_allowed_hosts == frozenset({"ci.internal", "hooks.corp"})
    guard = Destinations.of("prod", settings.webhook_allowed_hosts)
    assert guard.strict
    assert guard.allowed_hosts == {"ci.internal", "hooks.corp"}
    assert not Destinations.of("dev", ()).strict


async def test_an_admin_cannot_bypass_the_guard_with_odd_spellings(
    api: Api, prod_guard: Destinations
) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    for url in ("https://LOCALHOST./a", "https://2130706433/a", "https://0x7f.1/a"):
        body = await api.query(
            CREATE, {"input": {"url": url, "events": ["lead.created"]}}, sub="admin"
        )
        result = body["data"]["createWebhookEndpoint"]
        assert result["webhookEndpoint"] is None, (url, result)


async def test_the_system_resolver_is_checked_too() -> None:
    guard = Destinations(strict=True)
    assert "private, loopback" in (await guard.problem("https://localhost:8443/a") or "")
    assert "private, loopback" in (await guard.problem("https://[::1]/a") or "")
