"""Two real uvicorn instances on the machine's PostgreSQL and Redis behave as one: an event
committed on one reaches a stream held on the other within a second, and replays there."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import use_runtime
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.broker.redis import RedisBroker
from app.runtime import Runtime
from tests.notifications.conftest import make_family, send
from tests.notifications.sse import collect
from tests.support.app import app_with
from tests.support.live_server import serve

API = "/api/v1"


@pytest.fixture
async def instances(
    settings: Settings, engine: AsyncEngine, redis_url: str, live_runtime: Runtime
) -> AsyncIterator[list[tuple[Runtime, str]]]:
    """Two instances, each with its own runtime and Redis broker, on one database."""
    running: list[tuple[Runtime, str]] = []
    contexts = []
    for _ in range(2):
        runtime = build_runtime(settings, db=Database(engine))
        assert isinstance(runtime.broker, RedisBroker)
        app = app_with(settings)
        use_runtime(app, runtime)
        context = serve(app)
        running.append((runtime, await context.__aenter__()))
        contexts.append(context)
    yield running
    for context, (runtime, _) in zip(contexts, running, strict=True):
        await context.__aexit__(None, None, None)
        await runtime.broker.close()


async def test_delivery_and_replay_across_instances(
    instances: list[tuple[Runtime, str]], live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    (writer, url_a), (_, url_b) = instances
    fam = await make_family(live_runtime, live_client, "two.instances@example.com")
    async with (
        httpx.AsyncClient(base_url=url_b, timeout=10) as b,
        b.stream("GET", f"{API}/notifications/stream", headers=fam.kid) as response,
    ):
        assert (await collect(response, 1))[0].event == "ready"
        delays = []
        for n in range(3):
            started = time.monotonic()
            await send(writer, fam, f"across-{n}")  # committed on instance A
            event = (await collect(response, 1, seconds=1.0))[0]
            delays.append(time.monotonic() - started)
            assert json.loads(event.data)["title"] == f"Hello across-{n}"
        first_id = int(event.id or 0) - 2
    assert max(delays) < 1.0
    # Read on instance A; a device reconnecting to instance B replays what it missed.
    async with httpx.AsyncClient(base_url=url_a, timeout=10) as a:
        page = (await a.get(f"{API}/notifications", headers=fam.kid)).json()
        newest = page["items"][0]["id"]
        assert (
            await a.post(f"{API}/notifications/{newest}/read", headers=fam.parent)
        ).status_code == 200
    async with httpx.AsyncClient(base_url=url_b, timeout=10) as b:
        headers = {**fam.kid, "Last-Event-ID": str(first_id)}
        async with b.stream("GET", f"{API}/notifications/stream", headers=headers) as response:
            replay = await collect(response, 4)
    assert [e.event for e in replay] == ["ready", "notification", "notification", "read"]
    assert [int(e.id or 0) for e in replay[1:]] == [first_id + 1, first_id + 2, first_id + 3]
