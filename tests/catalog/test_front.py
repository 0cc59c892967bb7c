"""The catalogue front answers the hottest public reads before routing: every answer, error
and header must be what the routes answer, and a miss still counts against the budget."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.catalog.front import CatalogFrontMiddleware
from app.catalog.seed import seed_catalogue
from app.core.config import Settings
from app.runtime import Runtime
from tests.support.app import app_client, app_without_front, client_for
from tests.support.auth import signed_in
from tests.support.clock import fresh_window
from tests.support.google_keys import CertsServer


@pytest.fixture(scope="module")
def routed_app(settings: Settings) -> FastAPI:
    """The app with a front that leaves every miss to the routes."""
    return app_without_front(settings, CatalogFrontMiddleware)


@pytest.fixture
async def both(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer, routed_app: FastAPI
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient]]:
    """The front and the routes on one runtime with the catalogue cache off, so that each
    side computes every answer itself."""
    async with (
        app_client(settings, engine, google_certs.url, catalog_cache=False) as (
            runtime,
            front,
        ),
        client_for(routed_app, runtime) as routed,
    ):
        yield runtime, front, routed


def _same(front: httpx.Response, routed: httpx.Response) -> None:
    assert front.status_code == routed.status_code, (front.text, routed.text)
    assert front.content == routed.content
    headers = [(k, v) for k, v in front.headers.multi_items() if k != "x-request-id"]
    assert headers == [(k, v) for k, v in routed.headers.multi_items() if k != "x-request-id"]


async def test_front_and_routes_answer_the_same_bytes_and_headers(
    both: tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    runtime, front, routed = both
    async with runtime.db.session() as session:
        await seed_catalogue(session)
    auth = await signed_in(runtime, front, "front@example.com")
    first = (await front.get("/api/v1/videos", params={"limit": 2})).json()
    series = (await front.get("/api/v1/series")).json()["items"]
    theme = (await front.get("/api/v1/themes")).json()["items"][0]["slug"]
    assert first["next_cursor"]
    assert series
    paths = [
        "/api/v1/videos",
        "/api/v1/videos?limit=2",
        f"/api/v1/videos?limit=2&cursor={first['next_cursor']}",
        f"/api/v1/videos?theme={theme}&sort=title&age=6",
        "/api/v1/ebooks?language=en",
        "/api/v1/diys?tag=Craft",
        "/api/v1/search?q=anansi",
        "/api/v1/search?q=kente%20colurs&kind=video&limit=3",
        "/api/v1/search?q=%3F%21",
        "/api/v1/tabs/explore",
        "/api/v1/tabs/videos",
        "/api/v1/tabs/ebooks",
        "/api/v1/tabs/adventure-show",
        "/api/v1/themes?kind=video&limit=1",
        f"/api/v1/themes/{theme}",
        "/api/v1/series",
        f"/api/v1/series/{series[0]['id']}",
        # What the routes refuse, the front refuses in the same words.
        "/api/v1/videos?limit=0",
        "/api/v1/ebooks?series=3f1c9b1e-5d6a-4c1e-9f6b-0a1b2c3d4e5f",
        "/api/v1/videos?cursor=nonsense",
        "/api/v1/search",
        "/api/v1/search?q=x&kind=film",
        "/api/v1/themes/no-such-theme",
        "/api/v1/series/3f1c9b1e-5d6a-4c1e-9f6b-0a1b2c3d4e5f",
        "/api/v1/tabs/nowhere",
    ]
    for path in paths:
        for headers in ({}, auth):
            answer = await front.get(path, headers=headers)
            _same(answer, await routed.get(path, headers=headers))
            etag = answer.headers.get("etag")
            if etag:
                conditional = {**headers, "If-None-Match": etag}
                not_modified = await front.get(path, headers=conditional)
                assert not_modified.status_code == 304
                _same(not_modified, await routed.get(path, headers=conditional))
    bad_token = {"Authorization": "Bearer nonsense"}
    _same(
        await front.get("/api/v1/videos", headers=bad_token),
        await routed.get("/api/v1/videos", headers=bad_token),
    )


async def test_misses_answered_by_the_front_count_against_the_budget_and_hits_do_not(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> None:
    await fresh_window(5)
    async with app_client(settings, engine, google_certs.url, rate_limit_per_minute=3) as (
        _,
        client,
    ):
        # The first search is a miss; the next ones are hits, which cost nothing to limit.
        hits = [await client.get("/api/v1/search?q=anansi") for _ in range(5)]
        misses = [await client.get(f"/api/v1/search?q=word{i}") for i in range(3)]
    assert [r.status_code for r in hits] == [200] * 5
    assert [r.status_code for r in misses] == [200, 200, 429]
    assert misses[-1].headers["retry-after"]
