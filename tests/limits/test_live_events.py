"""The limits' events reach every device of the explorer over the real stream (uvicorn on
loopback, a runtime that really commits), and no other explorer's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from app.reports.live import tick
from app.runtime import Runtime
from tests.limits.helpers import learned, set_limits, set_zone, utc
from tests.notifications.sse import collect
from tests.progress.fixtures import Clock, Explorer
from tests.support.auth import family, kid_token, make_profile
from tests.support.live_server import serve

API = "/api/v1"


@pytest.fixture
async def base(live_asgi_app: FastAPI, live_client: httpx.AsyncClient) -> AsyncIterator[str]:
    async with serve(live_asgi_app) as url:
        yield url


async def test_every_device_of_the_explorer_hears_the_warning_the_lock_and_the_grant(
    live_runtime: Runtime, live_client: httpx.AsyncClient, clock: Clock, base: str
) -> None:
    parent = await family(live_runtime, live_client, "devices.parent@example.com")
    ama = await make_profile(live_client, parent, "Ama")
    kojo = await make_profile(live_client, parent, "Kojo")
    who = Explorer(parent, await kid_token(live_client, parent, ama["id"]), str(ama["id"]))
    tablet = await kid_token(live_client, parent, ama["id"])
    sibling = await kid_token(live_client, parent, kojo["id"])
    await set_zone(live_client, who, "Africa/Accra")
    await set_limits(live_client, who, {"daily_minutes": 30})
    now = utc(2026, 6, 3, 14, 40)
    clock.set(now)
    await learned(live_runtime, who, utc(2026, 6, 3, 14, 0), 26)

    url = f"{API}/notifications/stream"
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream("GET", url, headers=who.kid) as phone,
        http.stream("GET", url, headers=tablet) as second,
        http.stream("GET", url, headers=sibling) as other,
    ):
        for stream in (phone, second, other):
            assert (await collect(stream, 1))[0].event == "ready"
        await tick(live_runtime, now)
        await learned(live_runtime, who, utc(2026, 6, 3, 14, 30), 4)
        await tick(live_runtime, now + timedelta(seconds=30))
        granted = await live_client.post(
            who.url("/limits/extend"), json={"minutes": 10}, headers=parent
        )
        assert granted.status_code == 200, granted.text
        await live_runtime.worker.run_due()
        heard = [await collect(stream, 3) for stream in (phone, second)]
        # The sibling's stream hears nothing of it: its next event is the one sent to it.
        await live_client.post(
            f"{API}/profiles/{kojo['id']}/limits/extend", json={"minutes": 5}, headers=parent
        )
        await live_runtime.worker.run_due()
        theirs = await collect(other, 1)
    for events in heard:
        assert [e.event for e in events] == ["limit_warning", "limit_reached", "limit_extended"]
        assert json.loads(events[1].data)["today"]["state"] == "locked"
        assert json.loads(events[2].data)["today"]["minutes_left"] == 10.0
    assert theirs[0].event == "limit_extended"
    assert json.loads(theirs[0].data)["profile_id"] == str(kojo["id"])
