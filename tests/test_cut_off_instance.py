"""One instance cut off from Redis while the others are not (README, "When a dependency is
down"): its revocations hold everywhere before it answers, its edits reach the others within
two seconds, and its sign-in limits allow only its share. Two instances on one database and
one Redis; the first reaches Redis through a proxy the test switches off."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.accounts.models import Role
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime
from tests.support.app import app_with, client_for
from tests.support.auth import bearer, login, make_account
from tests.support.google_keys import CertsServer
from tests.support.proxy import Proxy

pytestmark = pytest.mark.redis


@dataclass
class Instance:
    runtime: Runtime
    client: httpx.AsyncClient


@pytest.fixture
async def redis_proxy(redis_url: str) -> AsyncIterator[Proxy]:
    url = make_url(redis_url.replace("redis://", "postgresql://", 1))
    proxy = Proxy(lambda: asyncio.open_connection(url.host or "127.0.0.1", url.port or 6379))
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def pair(
    settings: Settings,
    engine: AsyncEngine,
    google_certs: CertsServer,
    redis_url: str,
    redis_proxy: Proxy,
    live_runtime: Runtime,
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Two instances of the service; `live_runtime` (unused here) empties every table after."""
    database = make_url(redis_url.replace("redis://", "postgresql://", 1)).database or "0"
    through_proxy = f"redis://127.0.0.1:{redis_proxy.port}/{database}"
    shared = settings.model_copy(update={"rate_limit_instances": 4})
    instances = []
    for url in (through_proxy, redis_url):
        own = shared.model_copy(update={"redis_url": url})
        runtime = build_runtime(
            own, db=Database(engine), google_tokens=GoogleTokenVerifier(google_certs.url)
        )
        runtime.coherence.start()
        instances.append(runtime)
    await instances[1].cache.clear()
    async with (
        client_for(app_with(shared), instances[0]) as first,
        client_for(app_with(shared), instances[1]) as second,
    ):
        yield Instance(instances[0], first), Instance(instances[1], second)
    for runtime in instances:
        await runtime.coherence.stop()
        await runtime.google_tokens.aclose()
        await runtime.broker.close()


async def _me(instance: Instance, token: dict[str, str]) -> int:
    return (await instance.client.get("/api/v1/accounts/me", headers=token)).status_code


@pytest.mark.timeout(60)
async def test_a_revocation_made_while_cut_off_holds_everywhere_once_it_answered(
    pair: tuple[Instance, Instance], redis_proxy: Proxy
) -> None:
    cut, other = pair
    await make_account(cut.runtime, "cut-off@example.com")
    token = bearer(await login(other.client, "cut-off@example.com"))
    # Both instances have read the account's stamps: the other's copy sits in Redis.
    assert [await _me(cut, token), await _me(other, token)] == [200, 200]

    await redis_proxy.stop()
    started = time.monotonic()
    out = await cut.client.post("/api/v1/auth/logout-all", headers=token)
    took = time.monotonic() - started
    assert out.status_code == 204
    assert took < 5  # it waited for every instance to read the change, no longer
    # The moment it answered, the token works nowhere: Redis still holds the old copy, the
    # other instance knows better from the database.
    assert [await _me(other, token), await _me(cut, token)] == [401, 401]
    await redis_proxy.start()
    await asyncio.sleep(1.5)
    assert [await _me(other, token), await _me(cut, token)] == [401, 401]


@pytest.mark.timeout(60)
async def test_an_edit_made_while_cut_off_reaches_the_others_within_two_seconds(
    pair: tuple[Instance, Instance], redis_proxy: Proxy
) -> None:
    cut, other = pair
    await make_account(cut.runtime, "editor@example.com", role=Role.editor)
    editor = bearer(await login(cut.client, "editor@example.com"))
    created = await cut.client.post(
        "/api/v1/admin/themes",
        json={"kind": "video", "slug": "drums", "title": "Drums", "description": "Talking drums"},
        headers=editor,
    )
    assert created.status_code == 201, created.text
    theme = created.json()
    # Cached by the other instance, in the shared Redis.
    assert (await other.client.get("/api/v1/themes/drums")).json()["title"] == "Drums"

    await redis_proxy.stop()
    edited = await cut.client.patch(
        f"/api/v1/admin/themes/{theme['id']}", json={"title": "Talking drums"}, headers=editor
    )
    assert edited.status_code == 200, edited.text
    started = time.monotonic()
    while (await other.client.get("/api/v1/themes/drums")).json()["title"] == "Drums":
        assert time.monotonic() - started < 2.5, "the edit did not reach the other instance"
        await asyncio.sleep(0.1)


@pytest.mark.timeout(60)
async def test_sign_in_limits_allow_no_more_than_the_limit_and_one_share(
    pair: tuple[Instance, Instance], redis_proxy: Proxy
) -> None:
    cut, other = pair
    await redis_proxy.stop()
    answered = 0
    for instance in (cut, other):
        for n in range(30):
            # Another address each time: only the per-address limit is in play.
            body = {"email": f"nobody{n}@example.com", "password": "not the right one at all"}
            response = await instance.client.post("/api/v1/auth/login", json=body)
            if response.status_code != 429:
                answered += 1
    # 20 a minute per address: the instances on Redis share 20, the one cut off allows its
    # quarter (RATE_LIMIT_INSTANCES=4) on its own.
    assert answered <= 20 + 5
