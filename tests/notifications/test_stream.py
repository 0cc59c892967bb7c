"""The live stream over a real uvicorn on loopback (in-process transports hang on endless
streams), on a runtime that really commits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sse_starlette.sse import AppStatus

from app.auth.deps import caller_from_token
from app.notifications.stream import StreamSpec, events
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send
from tests.notifications.sse import collect, read_events
from tests.support.live_server import serve

API = "/api/v1"


@pytest.fixture
async def base(live_asgi_app: FastAPI, live_client: httpx.AsyncClient) -> AsyncIterator[str]:
    async with serve(live_asgi_app) as url:
        yield url


@pytest.fixture
async def live_fam(live_runtime: Runtime, live_client: httpx.AsyncClient) -> Family:
    return await make_family(live_runtime, live_client, "stream.parent@example.com")


async def test_events_arrive_live_and_replay_exactly_once_in_order(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        async with http.stream(
            "GET", f"{API}/notifications/stream", headers=live_fam.kid
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["x-accel-buffering"] == "no"
            assert "no-transform" in response.headers["cache-control"]
            assert "gzip" not in response.headers.get("content-encoding", "")
            ready = await collect(response, 1)
            assert ready[0].event == "ready"
            started = time.monotonic()
            first = await send(live_runtime, live_fam, "one")
            live = await collect(response, 1)
            assert time.monotonic() - started < 1.0
            assert live[0].event == "notification"
            assert json.loads(live[0].data)["id"] == str(first.id)
            last_id = live[0].id
        # While nobody listens: two notifications and a read on another device.
        await send(live_runtime, live_fam, "two")
        await send(live_runtime, live_fam, "three")
        read = await live_client.post(
            f"{API}/notifications/{first.id}/read", headers=live_fam.parent
        )
        assert read.status_code == 200
        headers = {**live_fam.kid, "Last-Event-ID": str(last_id)}
        async with http.stream("GET", f"{API}/notifications/stream", headers=headers) as response:
            replay = await collect(response, 4)
    kinds = [e.event for e in replay]
    assert kinds == ["ready", "notification", "notification", "read"]
    ids = [int(e.id or 0) for e in replay[1:]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    assert ids[0] == int(last_id or 0) + 1
    assert [json.loads(e.data).get("title") for e in replay[1:3]] == ["Hello two", "Hello three"]
    assert json.loads(replay[3].data)["read_at"]


async def test_an_explorer_hears_only_its_own_and_a_parent_hears_the_family(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    url = f"{API}/notifications/stream"
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream("GET", url, headers=live_fam.kid) as kid,
        http.stream("GET", url, headers=live_fam.parent) as parent,
    ):
        await collect(kid, 1)
        await collect(parent, 1)
        await send(live_runtime, live_fam, "grown-ups", child=False)
        await send(live_runtime, live_fam, "child")
        heard_parent = await collect(parent, 2)
        heard_kid = await collect(kid, 1)
    assert [json.loads(e.data)["title"] for e in heard_parent] == ["Hello grown-ups", "Hello child"]
    assert [json.loads(e.data)["title"] for e in heard_kid] == ["Hello child"]


async def test_an_old_event_id_gets_a_reset(
    live_runtime: Runtime, live_fam: Family, base: str
) -> None:
    for key in ("a", "b", "c"):
        await send(live_runtime, live_fam, key)
    async with live_runtime.db.session() as session:
        await session.execute(sa.text("DELETE FROM notification_event WHERE seq < 3"))
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for last, reason in (("1", "expired"), ("999", "unknown")):
            headers = {**live_fam.kid, "Last-Event-ID": last}
            async with http.stream(
                "GET", f"{API}/notifications/stream", headers=headers
            ) as response:
                events = await collect(response, 2)
            assert events[0].event == "reset"
            assert json.loads(events[0].data)["reason"] == reason
            assert events[0].id == "3"
            assert events[1].event == "ready"
        bad = await http.get(
            f"{API}/notifications/stream", headers={**live_fam.kid, "Last-Event-ID": "x"}
        )
        assert bad.status_code == 400


async def test_heartbeats_and_the_stream_ends_itself_with_a_retry_hint(
    live_runtime: Runtime, live_fam: Family, base: str
) -> None:
    live_runtime.settings = live_runtime.settings.model_copy(
        update={"stream_max_seconds": 3, "stream_heartbeat_seconds": 0.5}
    )
    comments: list[str] = []
    retries: list[int] = []
    started = time.monotonic()
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream("GET", f"{API}/notifications/stream", headers=live_fam.kid) as response,
    ):
        async for event in read_events(response):
            comments += event.comments
            if event.retry:
                retries.append(event.retry)
    assert time.monotonic() - started < 3.0  # closed before STREAM_MAX_SECONDS
    assert comments.count("heartbeat") >= 2
    assert comments[-1] == "stream ends; reconnect"
    assert retries[-1] > 0


async def test_a_ticket_works_once_on_the_stream_only(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    issued = await live_client.post(f"{API}/notifications/stream-ticket", headers=live_fam.kid)
    assert issued.status_code == 200
    assert issued.json()["expires_in"] == 60
    ticket = issued.json()["ticket"]
    assert (await live_client.post(f"{API}/notifications/stream-ticket")).status_code == 401
    # Not a credential anywhere else.
    elsewhere = await live_client.get(f"{API}/notifications", params={"ticket": ticket})
    assert elsewhere.status_code == 401
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        async with http.stream(
            "GET", f"{API}/notifications/stream", params={"ticket": ticket}
        ) as response:
            assert response.status_code == 200
            assert (await collect(response, 1))[0].event == "ready"
        again = await http.get(f"{API}/notifications/stream", params={"ticket": ticket})
        assert again.status_code == 401
        assert again.json()["code"] == "invalid_ticket"
        token = live_fam.kid["Authorization"].removeprefix("Bearer ")
        in_url = await http.get(f"{API}/notifications/stream", params={"access_token": token})
        assert in_url.status_code == 400
        assert in_url.json()["code"] == "token_in_url"
        assert (await http.get(f"{API}/notifications/stream")).status_code == 401
    # Expired tickets are refused too.
    issued = await live_client.post(f"{API}/notifications/stream-ticket", headers=live_fam.kid)
    async with live_runtime.db.session() as session:
        await session.execute(
            sa.text("UPDATE stream_ticket SET expires_at = now() - interval '1 second'")
        )
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        late = await http.get(
            f"{API}/notifications/stream", params={"ticket": issued.json()["ticket"]}
        )
    assert late.status_code == 401
    await asyncio.sleep(0)


async def test_an_open_stream_ends_when_its_sign_in_is_revoked(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    live_runtime.settings = live_runtime.settings.model_copy(
        update={"stream_heartbeat_seconds": 0.3}
    )
    started = time.monotonic()
    seen: list[str] = []
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream("GET", f"{API}/notifications/stream", headers=live_fam.kid) as response,
    ):
        async for event in read_events(response):
            seen.append(event.event)
            if event.event == "ready":
                # The parent signs out everywhere while the child's stream is open.
                ended = await live_client.post("/api/v1/auth/logout-all", headers=live_fam.parent)
                assert ended.status_code == 204, ended.text
    assert seen[-1] == "signed_out"
    assert time.monotonic() - started < 5.0  # within a heartbeat or two, not at its lifetime


async def test_a_ticket_asked_for_before_sign_out_everywhere_is_refused(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    kid_ticket = await live_client.post(f"{API}/notifications/stream-ticket", headers=live_fam.kid)
    parent_ticket = await live_client.post(
        f"{API}/notifications/stream-ticket", headers=live_fam.parent
    )
    assert kid_ticket.status_code == parent_ticket.status_code == 200
    ended = await live_client.post("/api/v1/auth/logout-all", headers=live_fam.parent)
    assert ended.status_code == 204, ended.text
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for issued in (kid_ticket, parent_ticket):
            refused = await http.get(
                f"{API}/notifications/stream", params={"ticket": issued.json()["ticket"]}
            )
            assert refused.status_code == 401, refused.text
            assert refused.json()["code"] == "invalid_token"
    # A ticket from a token issued after the sign-out works as before.
    fresh = await make_family(live_runtime, live_client, "stream.other@example.com")
    issued = await live_client.post(f"{API}/notifications/stream-ticket", headers=fresh.kid)
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream(
            "GET", f"{API}/notifications/stream", params={"ticket": issued.json()["ticket"]}
        ) as response,
    ):
        assert response.status_code == 200
        assert (await collect(response, 1))[0].event == "ready"


async def test_a_stream_opened_with_a_ticket_ends_on_sign_out_everywhere(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family, base: str
) -> None:
    live_runtime.settings = live_runtime.settings.model_copy(
        update={"stream_heartbeat_seconds": 0.3}
    )
    issued = await live_client.post(f"{API}/notifications/stream-ticket", headers=live_fam.kid)
    seen: list[str] = []
    started = time.monotonic()
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream(
            "GET", f"{API}/notifications/stream", params={"ticket": issued.json()["ticket"]}
        ) as response,
    ):
        assert response.status_code == 200
        async for event in read_events(response):
            seen.append(event.event)
            if event.event == "ready":
                ended = await live_client.post("/api/v1/auth/logout-all", headers=live_fam.parent)
                assert ended.status_code == 204, ended.text
    assert seen[-1] == "signed_out"
    assert time.monotonic() - started < 5.0


async def test_a_stream_counts_revocations_from_its_tokens_issue_not_its_start(
    live_runtime: Runtime, live_client: httpx.AsyncClient, live_fam: Family
) -> None:
    """A revocation landing between the token check and the stream's start (the ticket's
    minute, or a slow request) still ends the stream at its first wake-up."""
    token = live_fam.kid["Authorization"].removeprefix("Bearer ")
    caller = await caller_from_token(live_runtime.tokens, live_runtime.revocations, token)
    ended = await live_client.post("/api/v1/auth/logout-all", headers=live_fam.parent)
    assert ended.status_code == 204, ended.text
    spec = StreamSpec(max_seconds=30, heartbeat_seconds=0.2)
    stream = events(
        live_runtime.db, live_runtime.broker, live_runtime.revocations, caller, None, spec
    )
    kinds = []
    started = time.monotonic()
    async with contextlib.aclosing(stream):
        async for event in stream:
            kinds.append(event.event)
            assert time.monotonic() - started < 5.0, kinds
    assert kinds[-1] == "signed_out"


async def _until_no_listener(runtime: Runtime, seconds: float = 3.0) -> None:
    # The broker's local fan-out is where an open stream shows: its doorbell subscription.
    deadline = time.monotonic() + seconds
    while runtime.broker._local.listeners:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the stream still listens"
        await asyncio.sleep(0.02)


async def test_a_stream_whose_client_leaves_ends_and_stops_listening(
    live_runtime: Runtime, live_fam: Family, base: str
) -> None:
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as http,
        http.stream("GET", f"{API}/notifications/stream", headers=live_fam.kid) as response,
    ):
        assert (await collect(response, 1))[0].event == "ready"
        assert live_runtime.broker._local.listeners  # type: ignore[attr-defined]
    # Long before a heartbeat (15 s) would notice the closed connection.
    await _until_no_listener(live_runtime, 2.0)


async def test_server_shutdown_ends_every_open_stream(
    live_runtime: Runtime, live_fam: Family, base: str
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        async with contextlib.AsyncExitStack() as stack:
            responses = [
                await stack.enter_async_context(
                    http.stream("GET", f"{API}/notifications/stream", headers=live_fam.kid)
                )
                for _ in range(2)
            ]
            readers = [read_events(response) for response in responses]
            for reader in readers:
                assert (await anext(reader)).event == "ready"
            started = time.monotonic()
            AppStatus.should_exit = True  # what uvicorn's SIGTERM sets, as the library sees it
            try:
                # Well within a heartbeat: a farewell, then the body's end (an incomplete
                # body would raise httpx.RemoteProtocolError).
                endings = [[e.event async for e in reader] for reader in readers]
                await _until_no_listener(live_runtime)
            finally:
                AppStatus.should_exit = False
            assert time.monotonic() - started < 3.0
            assert endings == [["reconnect"], ["reconnect"]]
        # Streams opened after a shutdown that did not happen work as before.
        async with http.stream(
            "GET", f"{API}/notifications/stream", headers=live_fam.kid
        ) as response:
            assert (await collect(response, 1))[0].event == "ready"
            await send(live_runtime, live_fam, "after")
            assert (await collect(response, 1))[0].event == "notification"
