"""The profile front answers heartbeats and quiz answers before routing: every answer, error
and header must be what the routes answer, what it does not recognise must reach them, and
the per-IP budget must count what it answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import Settings
from app.library.schemas import Library
from app.profiles.front import ProfileFrontMiddleware
from app.progress.clock import get_clock
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer, at, make_explorer
from tests.quizzes.helpers import create_quiz, editor, quiz_body, start
from tests.support.app import app_client, app_without_front, client_for
from tests.support.clock import fresh_window
from tests.support.google_keys import CertsServer

__all__ = ["editor"]


@pytest.fixture(scope="module")
def routed_app(settings: Settings) -> FastAPI:
    """The app with a front that leaves every request to the routes."""
    return app_without_front(settings, ProfileFrontMiddleware)


class Reached:
    """Counts the requests the front hands on to the routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.count += 1
        await self.app(scope, receive, send)


def _front(app: FastAPI) -> ProfileFrontMiddleware:
    layer: Any = app.middleware_stack
    while not isinstance(layer, ProfileFrontMiddleware):
        layer = layer.app
    return layer


@pytest.fixture
def reached(asgi_app: FastAPI) -> Iterator[Reached]:
    """Wraps what lies behind the front of the suite's app for one test."""
    if asgi_app.middleware_stack is None:
        asgi_app.middleware_stack = asgi_app.build_middleware_stack()
    front = _front(asgi_app)
    inner = front.app
    counter = Reached(inner)
    front.app = counter
    yield counter
    front.app = inner


@pytest.fixture
async def routed(
    runtime: Runtime, routed_app: FastAPI, clock: Clock
) -> AsyncIterator[httpx.AsyncClient]:
    async def fixed() -> Clock:
        return clock

    routed_app.dependency_overrides[get_clock] = fixed
    async with client_for(routed_app, runtime) as http:
        yield http
    routed_app.dependency_overrides.pop(get_clock, None)


@pytest.fixture
async def twin(runtime: Runtime, client: httpx.AsyncClient) -> Explorer:
    """An explorer of another family who does what `explorer` does, through the routes."""
    return await make_explorer(runtime, client, "twin-family@example.com")


def _same(front: httpx.Response, routed: httpx.Response, a: Explorer, b: Explorer) -> None:
    assert front.status_code == routed.status_code, (front.text, routed.text)
    # A problem document names the request's path: the two explorers' ids differ there.
    assert front.content == routed.content.replace(b.profile_id.encode(), a.profile_id.encode())
    headers = [(k, v) for k, v in front.headers.multi_items() if k != "x-request-id"]
    assert headers == [(k, v) for k, v in routed.headers.multi_items() if k != "x-request-id"]


async def test_front_and_routes_answer_heartbeats_alike(
    client: httpx.AsyncClient,
    routed: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
    reached: Reached,
    twin: Explorer,
) -> None:
    video, ebook, diy = catalogue.video, catalogue.ebook, catalogue.diy
    # kind, item, body (`sent_at`: seconds from the clock's time), headers (None: the
    # explorer's), how many of the two requests reach the routes
    beats: list[tuple[str, str, Any, dict[str, str] | None, int]] = [
        ("video", video, {"position_ms": 20_000, "watched": [[0, 20_000]], "sent_at": 0}, None, 0),
        ("video", video, {"position_ms": 20_000, "watched": [[0, 20_000]], "sent_at": 0}, None, 0),
        (
            "video",
            video,
            {"position_ms": 5, "watched": [[30_000, 40_000]], "sent_at": -30},
            None,
            0,
        ),
        ("video", video, {"position_ms": 99_000, "watched": [[0, 100_000]], "sent_at": 1}, None, 0),
        (
            "ebook",
            ebook,
            {"page": 2, "pages_read": [1, 2], "read_aloud": True, "sent_at": 0},
            None,
            0,
        ),
        ("diy", diy, {"steps_done": [1, 2, 3], "sent_at": 0}, None, 0),
        # Refused by the service: rendered by the app's handlers.
        ("video", video, {"position_ms": 0, "watched": [[0, 500_000]], "sent_at": 0}, None, 0),
        (
            "ebook",
            ebook,
            {"page": 9, "pages_read": [9], "read_aloud": False, "sent_at": 0},
            None,
            0,
        ),
        ("video", video, {"position_ms": 0, "watched": [], "sent_at": 3600}, None, 0),
        ("video", catalogue.draft, {"position_ms": 0, "watched": [], "sent_at": 0}, None, 0),
        # Refused by the body model, or not a bearer token that checks out: the route's.
        ("video", video, {"position_ms": -1, "watched": [], "sent_at": 0}, None, 1),
        ("video", video, {"position_ms": 0, "watched": [[5, 1]], "sent_at": 0}, None, 1),
        ("video", video, {"position_ms": 0, "sent_at": 0, "extra": 1}, None, 1),
        ("video", video, "not json", None, 1),
        ("video", video, {"position_ms": 0, "watched": [], "sent_at": 0}, {}, 1),
        ("video", video, {"position_ms": 0, "sent_at": 0}, {"Authorization": "Bearer x"}, 1),
    ]
    for kind, item, body, headers, to_routes in beats:
        clock.advance(10)
        sides = []
        for who, http in ((explorer, client), (twin, routed)):
            sent = who.kid if headers is None else headers
            request: dict[str, Any] = (
                {"content": body, "headers": {**sent, "Content-Type": "application/json"}}
                if isinstance(body, str)
                else {"json": {**body, "sent_at": at(clock, body["sent_at"])}, "headers": sent}
            )
            before = reached.count
            sides.append(await http.put(who.url(f"/progress/{kind}/{item}"), **request))
            if http is client:
                assert reached.count - before == to_routes, (kind, body)
        _same(sides[0], sides[1], explorer, twin)

    # Another family's explorer, and a parent of another family: the same 404.
    for headers in (stranger.kid, stranger.parent):
        body = {"position_ms": 0, "watched": [], "sent_at": at(clock)}
        sides = [
            await client.put(explorer.url(f"/progress/video/{video}"), json=body, headers=headers),
            await routed.put(twin.url(f"/progress/video/{video}"), json=body, headers=headers),
        ]
        assert sides[0].status_code == 404
        _same(sides[0], sides[1], explorer, twin)


async def test_front_and_routes_answer_quiz_answers_alike(
    client: httpx.AsyncClient,
    routed: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
    reached: Reached,
    twin: Explorer,
) -> None:
    instant = await create_quiz(client, editor, quiz_body(catalogue.video))
    at_end = await create_quiz(
        client, editor, quiz_body(catalogue.ebook, "ebook", feedback_mode="at_end")
    )
    for quiz in (instant, at_end):
        attempts = [
            await start(client, explorer, quiz["id"]),
            await start(routed, twin, quiz["id"]),
        ]
        first = quiz["questions"][0]
        right = {"choice_ids": [c["id"] for c in first["choices"] if c["correct"]]}
        wrong = {"choice_ids": [next(c["id"] for c in first["choices"] if not c["correct"])]}
        answers: list[tuple[str, Any, int]] = [
            (first["id"], wrong, 0),
            (first["id"], wrong, 0),  # a repeat
            (first["id"], {**right, "hint_used": True}, 0),  # 409 instant, a change at the end
            (first["id"], {"choice_ids": ["6f1c1c38-8f0e-4a77-9a57-1f0f5b8e3c11"]}, 0),
            ("6f1c1c38-8f0e-4a77-9a57-1f0f5b8e3c11", right, 0),  # not in the attempt
            (first["id"], {"choice_ids": "nope"}, 1),
        ]
        for question, body, to_routes in answers:
            sides = []
            for who, http, attempt in (
                (explorer, client, attempts[0]),
                (twin, routed, attempts[1]),
            ):
                before = reached.count
                sides.append(
                    await http.put(
                        who.url(f"/attempts/{attempt['id']}/answers/{question}"),
                        json=body,
                        headers=who.kid,
                    )
                )
                if http is client:
                    assert reached.count - before == to_routes, body
            _same(sides[0], sides[1], explorer, twin)
        # Another attempt's id: the same 404.
        sides = [
            await client.put(
                explorer.url(f"/attempts/{attempts[1]['id']}/answers/{first['id']}"),
                json=right,
                headers=explorer.kid,
            ),
            await routed.put(
                twin.url(f"/attempts/{attempts[0]['id']}/answers/{first['id']}"),
                json=right,
                headers=twin.kid,
            ),
        ]
        assert sides[0].status_code == 404
        _same(sides[0], sides[1], explorer, twin)


async def test_what_the_front_answers_counts_against_the_per_ip_budget(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> None:
    await fresh_window(20)
    async with app_client(settings, engine, google_certs.url, rate_limit_per_minute=30) as (
        runtime,
        client,
    ):
        explorer = await make_explorer(runtime, client, "budget-family@example.com")
        url = explorer.url("/progress/diy/6f1c1c38-8f0e-4a77-9a57-1f0f5b8e3c11")
        body = {"steps_done": [], "sent_at": "2026-06-03T12:00:00+00:00"}
        statuses = [
            (await client.put(url, json=body, headers=explorer.kid)).status_code for _ in range(31)
        ]
    # An unknown DIY is the front's 404 until the budget is spent.
    refused = statuses.index(429)
    assert refused > 0, statuses
    assert set(statuses[:refused]) == {404}, statuses
    assert set(statuses[refused:]) == {429}, statuses


async def test_front_and_routes_answer_the_library_alike_as_the_model_writes_it(
    client: httpx.AsyncClient,
    routed: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
    reached: Reached,
    twin: Explorer,
) -> None:
    # Both explorers play alike at the same moments, a heartbeat every ten seconds: the first
    # video to 40 seconds, the second to its end (completion is earned on the clock).
    for n in range(10):
        if n:
            clock.advance(10)
        for who in (explorer, twin):
            for item, until in ((catalogue.video, 40_000), (catalogue.video2, 100_000)):
                start, end = n * 10_000, (n + 1) * 10_000
                if start >= until:
                    continue
                body = {"position_ms": end, "watched": [[start, end]], "sent_at": at(clock)}
                response = await client.put(
                    who.url(f"/progress/video/{item}"), json=body, headers=who.kid
                )
                assert response.status_code == 200, response.text
    for who in (explorer, twin):
        saved = await client.put(who.url(f"/saved/ebook/{catalogue.ebook}"), headers=who.kid)
        assert saved.status_code == 200, saved.text
    before = reached.count
    front = await client.get(explorer.url("/library"), headers=explorer.kid)
    assert reached.count == before  # answered by the front
    routed_answer = await routed.get(twin.url("/library"), headers=twin.parent)
    assert front.status_code == 200, front.text
    _same(front, routed_answer, explorer, twin)
    body = front.json()
    assert [card["id"] for card in body["continue"]] == [catalogue.video]
    assert [card["id"] for card in body["completed"]] == [catalogue.video2]
    assert [card["id"] for card in body["saved"]] == [catalogue.ebook]
    # Written without the model, exactly as the model writes it.
    assert Library.model_validate_json(front.content).model_dump_json().encode() == front.content
    # Another family's explorer or parent: the same 404 from either side.
    for headers in (stranger.kid, stranger.parent):
        sides = [
            await client.get(explorer.url("/library"), headers=headers),
            await routed.get(twin.url("/library"), headers=headers),
        ]
        assert sides[0].status_code == 404
        _same(sides[0], sides[1], explorer, twin)
