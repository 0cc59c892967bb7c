"""Client addresses come from the proxies in front only: a client cannot pick its own address
with X-Forwarded-For and so escape a per-address limit, in the app and under the container's
own command line."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.middleware import TrustedProxies
from tests.support.app import app_client
from tests.support.clock import fresh_window, fresh_window_sync
from tests.support.container import ContainerServer
from tests.support.google_keys import CertsServer

# Under the API's per-address budget and never cached, so every request counts.
ME = "/api/v1/accounts/me"
CALLER = "203.0.113.7"


def xff(*entries: str) -> dict[str, str]:
    return {"X-Forwarded-For": ", ".join(entries)}


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "client"),
    [
        # No proxy configured: the header is the client's own words.
        (TrustedProxies(), "203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        # Cloud Run: one hop; what the client wrote is left of what the front end appended.
        (TrustedProxies(hops=1), "169.254.1.1", ["198.51.100.1", "203.0.113.7"], "203.0.113.7"),
        (TrustedProxies(hops=1), "169.254.1.1", [], "169.254.1.1"),
        (TrustedProxies(hops=2), "10.0.0.2", ["1.1.1.1", "203.0.113.7", "10.0.0.9"], "203.0.113.7"),
        # Networks: every address inside them is a proxy, an outsider's header is ignored.
        (
            TrustedProxies(networks=[ipaddress.ip_network("10.0.0.0/8")]),
            "10.0.0.2",
            ["1.1.1.1", "203.0.113.7", "10.1.2.3"],
            "203.0.113.7",
        ),
        (
            TrustedProxies(networks=[ipaddress.ip_network("10.0.0.0/8")]),
            "203.0.113.9",
            ["1.1.1.1"],
            "203.0.113.9",
        ),
    ],
)
def test_the_client_is_the_right_most_address_no_trusted_proxy_wrote(
    proxies: TrustedProxies, peer: str, forwarded: list[str], client: str
) -> None:
    assert proxies.client(peer, forwarded) == client


async def test_clients_behind_the_proxy_have_their_own_budget_whatever_they_send(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> None:
    await fresh_window(5)
    async with app_client(
        settings, engine, google_certs.url, rate_limit_per_minute=3, trusted_proxy_hops=1
    ) as (_, client):
        spoofing = [
            await client.get(ME, headers=xff(f"198.51.100.{i}", "203.0.113.7")) for i in range(4)
        ]
        neighbour = await client.get(ME, headers=xff("203.0.113.8"))
    assert [r.status_code for r in spoofing] == [401, 401, 401, 429]
    assert neighbour.status_code == 401


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_container_command_line_ignores_a_rotated_left_most_entry(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url
    server = ContainerServer(
        tmp_path / "server.log",
        DATABASE_URL=settings.database_url,
        DATA_DIR=str(tmp_path),
        SEED_DEMO_CONTENT="false",
        RATE_LIMIT_PER_MINUTE="3",
    )
    server.start()
    try:
        fresh_window_sync(5)
        statuses = [
            httpx.get(f"{server.url}{ME}", headers=xff(f"198.51.100.{i}", CALLER)).status_code
            for i in range(4)
        ]
    finally:
        server.stop()
    # The image trusts one hop, Cloud Run's front end, which appends the caller's address to
    # whatever the caller sent; here the test is that hop.
    assert statuses == [401, 401, 401, 429]
