"""Shared by the progress and library tests: a clock the test sets, a small published
catalogue, and explorers of two families."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.accounts.models import Role
from app.progress.clock import get_clock
from app.runtime import Runtime
from tests.support.auth import family, kid_token, make_profile, signed_in
from tests.support.catalogue import add, make_themes

VIDEO_MS = 100_000


class Clock:
    """The server's time, as the test says; starts at a fixed Wednesday noon UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock(asgi_app: FastAPI, live_asgi_app: FastAPI) -> Iterator[Clock]:
    clock = Clock()

    async def fixed() -> Clock:
        return clock

    for app in (asgi_app, live_asgi_app):
        app.dependency_overrides[get_clock] = fixed
    yield clock
    for app in (asgi_app, live_asgi_app):
        app.dependency_overrides.pop(get_clock, None)


@dataclass
class Catalogue:
    video: str
    video2: str
    episode: str
    ebook: str
    diy: str
    draft: str
    grown_up: str  # for 13 and up: never recommended to a 6-8 explorer
    themes: dict[str, str]


async def make_catalogue(runtime: Runtime, client: httpx.AsyncClient) -> Catalogue:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    themes = await make_themes(
        client,
        editor,
        (("video", "stories"), ("video", "music"), ("ebook", "folktales"), ("diy", "crafts")),
    )
    series = await client.post(
        "/api/v1/admin/series",
        json={"theme_id": themes["music"], "slug": "drums", "title": "Drums"},
        headers=editor,
    )
    assert series.status_code == 201, series.text
    series_id = series.json()["id"]
    published = await client.post(f"/api/v1/admin/series/{series_id}/publish", headers=editor)
    assert published.status_code == 200, published.text

    def video(title: str, theme: str, **extra: Any) -> dict[str, Any]:
        return {"theme_id": themes[theme], "title": title, "duration_ms": VIDEO_MS, **extra}

    return Catalogue(
        video=await add(client, editor, "video", video("Ananse and the pot", "stories")),
        video2=await add(client, editor, "video", video("The clever tortoise", "stories")),
        episode=await add(
            client, editor, "video", video("Drums 1", "music", series_id=series_id, episode=1)
        ),
        ebook=await add(
            client,
            editor,
            "ebook",
            {
                "theme_id": themes["folktales"],
                "title": "Kente colours",
                "pages": [{"text": f"Page {n}"} for n in range(1, 5)],
            },
        ),
        diy=await add(
            client,
            editor,
            "diy",
            {
                "theme_id": themes["crafts"],
                "title": "A paper drum",
                "steps": [{"text": f"Step {n}"} for n in range(1, 4)],
            },
        ),
        draft=await add(client, editor, "video", video("Not yet", "stories"), publish=False),
        grown_up=await add(
            client, editor, "video", video("For big kids", "stories", age_min=13, age_max=18)
        ),
        themes=themes,
    )


@pytest.fixture
async def catalogue(runtime: Runtime, client: httpx.AsyncClient) -> Catalogue:
    return await make_catalogue(runtime, client)


@dataclass
class Explorer:
    parent: dict[str, str]
    kid: dict[str, str]
    profile_id: str

    def url(self, path: str) -> str:
        return f"/api/v1/profiles/{self.profile_id}{path}"


async def make_explorer(
    runtime: Runtime, client: httpx.AsyncClient, email: str, nickname: str = "Ama"
) -> Explorer:
    parent = await family(runtime, client, email)
    profile = await make_profile(client, parent, nickname, "6-8")
    return Explorer(parent, await kid_token(client, parent, profile["id"]), str(profile["id"]))


@pytest.fixture
async def explorer(runtime: Runtime, client: httpx.AsyncClient) -> Explorer:
    return await make_explorer(runtime, client, "ama-family@example.com")


@pytest.fixture
async def stranger(runtime: Runtime, client: httpx.AsyncClient) -> Explorer:
    """An explorer of another family."""
    return await make_explorer(runtime, client, "other-family@example.com", "Kojo")


def at(clock: Clock, seconds: float = 0) -> str:
    """A sent_at `seconds` after the clock's time, as the app sends it."""
    return (clock.now + timedelta(seconds=seconds)).isoformat()


async def watch(
    client: httpx.AsyncClient,
    who: Explorer,
    video: str,
    clock: Clock,
    until: int,
    *,
    step_ms: int = 10_000,
) -> httpx.Response:
    """Plays `video` from its start to `until` as the app does: a heartbeat with each
    `step_ms` of play, the server's clock moving on as the video plays. The last answer."""
    response: httpx.Response | None = None
    for start in range(0, until, step_ms):
        if start:
            clock.advance(step_ms / 1000)
        end = min(start + step_ms, until)
        response = await client.put(
            who.url(f"/progress/video/{video}"),
            json={"position_ms": end, "watched": [[start, end]], "sent_at": at(clock)},
            headers=who.kid,
        )
        assert response.status_code == 200, response.text
    assert response is not None
    return response
