"""Redis coming back is not an error: streams opened right after it restarts work, and the
first ring after it reaches the other instances at once (not at their next heartbeat-time
reread). Two real instances on a Redis this test starts and restarts itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import use_runtime
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.broker.redis import RedisBroker
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send
from tests.notifications.servers import OwnRedis, instance
from tests.notifications.sse import Event, read_events
from tests.support.app import app_with

API = "/api/v1"
STREAM = f"{API}/notifications/stream"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    redis = OwnRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
async def pair(
    settings: Settings, engine: AsyncEngine, own_redis: OwnRedis, live_runtime: Runtime
) -> AsyncIterator[list[tuple[Runtime, str]]]:
    """Two instances on one database and on the test's own Redis."""
    on_own = settings.model_copy(update={"redis_url": own_redis.url})
    async with contextlib.AsyncExitStack() as stack:
        running = []
        for _ in range(2):
            runtime = build_runtime(on_own, db=Database(engine))
            stack.push_async_callback(runtime.broker.close)
            app = app_with(on_own)
            use_runtime(app, runtime)
            _, url = await stack.enter_async_context(instance(app))
            running.append((runtime, url))
        yield running


@pytest.fixture
async def fam(live_runtime: Runtime, live_client: httpx.AsyncClient) -> Family:
    return await make_family(live_runtime, live_client, "redis.back@example.com")


async def _next(events: AsyncIterator[Event], seconds: float) -> Event:
    """The next event that is not a heartbeat."""
    while True:
        event = await asyncio.wait_for(anext(events), seconds)
        if event.data:
            return event


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


async def test_streams_opened_right_after_redis_restarts_work(
    pair: list[tuple[Runtime, str]],
    own_redis: OwnRedis,
    live_runtime: Runtime,
    live_client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (writer, _), (listener, url) = pair
    # Four families: each stream subscribes to a channel of its own.
    families = [
        await make_family(live_runtime, live_client, f"redis.back{n}@example.com", f"Kid{n}")
        for n in range(4)
    ]
    # Both instances have rung through Redis (their pooled connections are open), and no
    # stream listens on the one the streams open on.
    await send(writer, families[0], "warm")
    await send(listener, families[1], "warm")

    own_redis.restart()
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=10))
        responses = await asyncio.gather(
            *(
                stack.enter_async_context(http.stream("GET", STREAM, headers=fam.kid))
                for fam in families
            )
        )
        assert [r.status_code for r in responses] == [200] * 4
        streams = [read_events(r) for r in responses]
        assert [(await _next(s, 5)).event for s in streams] == ["ready"] * 4
        started = time.monotonic()
        for fam in families:
            await send(writer, fam, "after")
        heard = [await _next(s, 5) for s in streams]
        assert time.monotonic() - started < 1.0
        assert {json.loads(e.data)["title"] for e in heard} == {"Hello after"}
    assert _errors(caplog) == []


async def test_a_subscription_right_after_a_restart_never_fails_and_hears_the_next_ring(
    own_redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    """The broker itself, with nothing between the restart and the subscription: the
    listening instance's pooled connection is one the old server closed, and its reader
    starts with this subscription. Before, the subscription failed more often than not
    (a reconnect racing the reader on one connection), and otherwise heard the ring only
    when the reader came back a second later."""
    for attempt in range(5):
        ringing, listening = RedisBroker(own_redis.url), RedisBroker(own_redis.url)
        try:
            await ringing.publish("warm")
            await listening.publish("warm")
            own_redis.restart()  # blocks this loop: no client saw the old server go
            async with listening.subscribe("news") as bell:
                started = time.monotonic()
                await ringing.publish("news")
                assert await bell.wait(2.0), attempt
                assert time.monotonic() - started < 0.5, attempt
        finally:
            await ringing.close()
            await listening.close()
    assert _errors(caplog) == []


async def _until_subscribed(url: str, channel: str) -> None:
    """Until an instance listens on `channel` on the Redis at `url`."""
    async with Redis.from_url(url) as redis:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            (_, listening), *_ = await redis.pubsub_numsub(f"ws:bell:{channel}")
            if listening:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the instance did not subscribe again")


@pytest.mark.parametrize("subscribed_again", [False, True])
async def test_the_first_ring_after_redis_restarts_reaches_the_other_instance_at_once(
    pair: list[tuple[Runtime, str]],
    own_redis: OwnRedis,
    fam: Family,
    caplog: pytest.LogCaptureFixture,
    subscribed_again: bool,
) -> None:
    """Rung right after the restart (the listening instance may not be subscribed again
    yet), or once it is (the ringing instance's connection is the one the old server
    closed): heard within a second either way, not at the next reread 15 s away."""
    (writer, _), (_, url) = pair
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as http,
        http.stream("GET", STREAM, headers=fam.kid) as response,
    ):
        events = read_events(response)
        assert (await _next(events, 5)).event == "ready"
        await send(writer, fam, "warm")
        assert json.loads((await _next(events, 5)).data)["title"] == "Hello warm"

        own_redis.restart()
        if subscribed_again:
            await _until_subscribed(own_redis.url, f"account:{fam.account_id}")
        started = time.monotonic()
        await send(writer, fam, "first after")  # rung through the restarted Redis
        event = await _next(events, 5)
        assert json.loads(event.data)["title"] == "Hello first after"
        assert time.monotonic() - started < 1.0
    assert _errors(caplog) == []
