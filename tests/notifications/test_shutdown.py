"""An instance that shuts down ends its live streams cleanly: each gets a last event telling
the client to reconnect (with `retry:`) and a complete body, and the client, reconnecting to
another instance with Last-Event-ID, misses nothing written meanwhile. Over real uvicorn
servers, shut down the way SIGTERM shuts them down."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import use_runtime
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.runtime import Runtime
from tests.notifications.conftest import make_family, send
from tests.notifications.servers import instance
from tests.notifications.sse import Event, read_events
from tests.support.app import app_with

API = "/api/v1"
STREAM = f"{API}/notifications/stream"


async def _until_ended(events: AsyncIterator[Event], seconds: float = 5.0) -> list[Event]:
    """Every event left on a stream, up to the end of its body (an incomplete body raises
    httpx.RemoteProtocolError here)."""

    async def rest() -> list[Event]:
        return [event async for event in events]

    return await asyncio.wait_for(rest(), seconds)


async def test_shutdown_says_reconnect_ends_each_body_and_another_instance_replays(
    live_runtime: Runtime,
    live_client: httpx.AsyncClient,
    live_asgi_app: FastAPI,
    settings: Settings,
    engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    fam = await make_family(live_runtime, live_client, "shutdown.parent@example.com")
    ticket = (await live_client.post(f"{API}/notifications/stream-ticket", headers=fam.kid)).json()[
        "ticket"
    ]
    async with instance(live_asgi_app) as (server, url), contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=10))
        responses = [
            await stack.enter_async_context(http.stream("GET", STREAM, headers=fam.kid)),
            await stack.enter_async_context(http.stream("GET", STREAM, headers=fam.parent)),
            await stack.enter_async_context(http.stream("GET", STREAM, params={"ticket": ticket})),
        ]
        streams = [read_events(response) for response in responses]
        for events in streams:
            assert (await anext(events)).event == "ready"
        first = await send(live_runtime, fam, "before")
        heard = [await asyncio.wait_for(anext(events), 5) for events in streams]
        assert {json.loads(e.data)["id"] for e in heard} == {str(first.id)}
        last_id = heard[0].id

        started = time.monotonic()
        server.should_exit = True  # what uvicorn's SIGTERM handler sets
        endings = [await _until_ended(events) for events in streams]
        for response in responses:
            assert response.is_stream_consumed  # the body ended with its last chunk
    assert time.monotonic() - started < 3.0  # every stream ended, the server stopped
    for ending in endings:
        assert [e.event for e in ending] == ["reconnect"]
        assert json.loads(ending[0].data) == {"reason": "shutdown"}
        assert ending[0].retry is not None
        assert 2000 <= ending[0].retry < 4000
        assert ending[0].id is None  # the client's last event id stays what it received
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")]
    assert not [m for m in logged if "without completing response" in m], logged
    assert not [m for m in logged if "Exception in ASGI application" in m], logged

    # Written while the client is away: two notifications and a read on another device.
    await send(live_runtime, fam, "meanwhile-1")
    await send(live_runtime, fam, "meanwhile-2")
    read = await live_client.post(f"{API}/notifications/{first.id}/read", headers=fam.parent)
    assert read.status_code == 200

    # Another instance: its own runtime (broker, cache, pools) on the same database.
    other = build_runtime(settings, db=Database(engine))
    app = app_with(settings)
    use_runtime(app, other)
    try:
        async with (
            instance(app) as (_, other_url),
            httpx.AsyncClient(base_url=other_url, timeout=10) as http,
            http.stream(
                "GET", STREAM, headers={**fam.kid, "Last-Event-ID": str(last_id)}
            ) as response,
        ):
            assert response.status_code == 200
            events = read_events(response)
            replay = [await asyncio.wait_for(anext(events), 5) for _ in range(4)]
    finally:
        await other.broker.close()
    assert [e.event for e in replay] == ["ready", "notification", "notification", "read"]
    assert [int(e.id or 0) for e in replay[1:]] == [int(last_id or 0) + n for n in (1, 2, 3)]
    titles = [json.loads(e.data)["title"] for e in replay[1:3]]
    assert titles == ["Hello meanwhile-1", "Hello meanwhile-2"]
    assert json.loads(replay[3].data)["id"] == str(first.id)
