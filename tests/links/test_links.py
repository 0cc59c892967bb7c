"""Share links: one per item, redirects into the app, previews for crawlers, 404 and 410,
clicks counted per day, and the app-link files."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from app.accounts.models import Role
from app.catalog.seed import seed_catalogue
from app.core.cache import create_cache
from app.core.config import Settings
from app.links import clicks
from app.links import queries as links_queries
from app.runtime import Runtime
from tests.support.app import client_for
from tests.support.auth import family, kid_token, make_profile, signed_in
from tests.support.clock import fresh_window
from tests.support.net import free_port

pytestmark = pytest.mark.asyncio

CRAWLER = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"


async def _sql(runtime: Runtime, statement: str, params: Any = None) -> Any:
    async with runtime.db.session() as session:
        result = await session.execute(sa.text(statement), params or {})
        return result.mappings().all() if result.returns_rows else None


async def _video(runtime: Runtime) -> uuid.UUID:
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
    rows = await _sql(
        runtime,
        "SELECT id FROM video WHERE status = 'published' AND published_at <= statement_timestamp() "
        "ORDER BY id LIMIT 1",
    )
    video_id: uuid.UUID = rows[0]["id"]
    return video_id


async def _share(
    client: httpx.AsyncClient, headers: dict[str, str], item_id: uuid.UUID, kind: str = "video"
) -> httpx.Response:
    return await client.post(
        "/api/v1/share-links", json={"kind": kind, "item_id": str(item_id)}, headers=headers
    )


async def test_the_same_item_gives_the_same_link(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    teacher = await signed_in(runtime, client, "teacher@example.com", Role.teacher)
    first = await _share(client, parent, video)
    assert first.status_code == 201, first.text
    code = first.json()["code"]
    assert first.json()["url"] == f"{runtime.settings.base_url}/r/{code}"
    again = await _share(client, teacher, video)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(await _sql(runtime, "SELECT * FROM share_link")) == 1


async def test_only_published_items_and_grown_ups(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await family(runtime, client, "parent@example.com")
    profile = await make_profile(client, parent, "Kofi")
    explorer = await kid_token(client, parent, profile["id"])
    assert (await _share(client, explorer, video)).status_code == 403
    assert (await _share(client, {}, video)).status_code == 401
    missing = await _share(client, parent, uuid.uuid4())
    assert missing.status_code == 404
    assert missing.json()["code"] == "item_not_found"
    await _sql(runtime, "UPDATE video SET status = 'draft' WHERE id = :id", {"id": video})
    assert (await _share(client, parent, video)).status_code == 404
    bad = await client.post(
        "/api/v1/share-links", json={"kind": "song", "item_id": "x"}, headers=parent
    )
    assert bad.status_code == 422
    assert await _sql(runtime, "SELECT * FROM share_link") == []


async def test_bodies_refuse_unknown_fields(client: httpx.AsyncClient, runtime: Runtime) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    extra = await client.post(
        "/api/v1/share-links",
        json={"kind": "video", "item_id": str(video), "code": "aaaaaaaa"},
        headers=parent,
    )
    assert extra.status_code == 422
    assert extra.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in extra.json()["errors"]] == [["body", "code"]]
    assert await _sql(runtime, "SELECT * FROM share_link") == []
    code = (await _share(client, parent, video)).json()["code"]
    disable = await client.post(
        "/api/v1/admin/share-links/disable",
        json={"code": code, "disabled_at": None},
        headers=editor,
    )
    assert disable.status_code == 422
    assert [e["loc"] for e in disable.json()["errors"]] == [["body", "disabled_at"]]
    rows = await _sql(runtime, "SELECT disabled_at FROM share_link")
    assert [r["disabled_at"] for r in rows] == [None]


async def _flush(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return await clicks.flush(session, runtime.cache)


async def test_a_click_redirects_to_the_app_and_is_counted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    code = (await _share(client, parent, video)).json()["code"]
    for _ in range(2):
        response = await client.get(f"/r/{code}", headers={"User-Agent": BROWSER})
        assert response.status_code == 302
        assert response.headers["location"] == f"{runtime.settings.app_link_base}/video/{video}"
        assert response.headers["cache-control"] == "no-store"
    assert await _flush(runtime) == 1  # the first click wrote itself; the second waited
    rows = await _sql(runtime, "SELECT * FROM share_link_click")
    assert len(rows) == 1
    assert rows[0]["clicks"] == 2
    assert set(rows[0]) == {"link_id", "day", "clicks"}  # nothing about who clicked
    assert await _flush(runtime) == 0  # nothing is written twice


async def test_clicks_are_counted_in_the_cache_and_written_in_batches(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    code = (await _share(client, parent, video)).json()["code"]
    stored = "SELECT sum(clicks) AS n, count(*) AS rows FROM share_link_click"
    for _ in range(20):
        assert (await client.get(f"/r/{code}", headers={"User-Agent": BROWSER})).status_code == 302
    # The first click ran a flush; the 19 after it, within the minute, wrote nothing.
    assert [dict(r) for r in await _sql(runtime, stored)] == [{"n": 1, "rows": 1}]
    # The job writes what waits, one upsert for the link and day, and says how many.
    assert await clicks.flush_link_clicks(runtime) == "wrote 19 click(s)"
    assert [dict(r) for r in await _sql(runtime, stored)] == [{"n": 20, "rows": 1}]
    # Once the minute has passed (here: the mark dropped), the next click writes all waiting.
    for _ in range(3):
        await client.get(f"/r/{code}", headers={"User-Agent": BROWSER})
    assert [dict(r) for r in await _sql(runtime, stored)] == [{"n": 20, "rows": 1}]
    await runtime.cache.delete("links:clicks:flushed")
    await client.get(f"/r/{code}", headers={"User-Agent": BROWSER})
    assert [dict(r) for r in await _sql(runtime, stored)] == [{"n": 24, "rows": 1}]
    assert await _flush(runtime) == 0


async def test_following_links_spends_the_per_address_budget(
    client: httpx.AsyncClient, asgi_app: FastAPI, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    code = (await _share(client, parent, video)).json()["code"]
    runtime.settings = runtime.settings.model_copy(update={"rate_limit_per_minute": 5})
    await fresh_window()
    async with client_for(asgi_app, runtime, client=("203.0.113.7", 40000)) as visitor:
        # One budget per address: what it spent on the API counts here too.
        for _ in range(2):
            assert (await visitor.get("/api/v1/accounts/me")).status_code == 401
        answers = [
            (await visitor.get(f"/r/{code}", headers={"User-Agent": agent})).status_code
            for agent in (BROWSER, CRAWLER, BROWSER, BROWSER, CRAWLER)
        ]
        assert answers == [302, 200, 302, 429, 429]
        refused = await visitor.get("/r/zzzzzzzz")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another address has a budget of its own.
    assert (await client.get(f"/r/{code}", headers={"User-Agent": BROWSER})).status_code == 302
    await _flush(runtime)
    rows = await _sql(runtime, "SELECT clicks FROM share_link_click")
    assert [r["clicks"] for r in rows] == [3]  # not the previews, nor the refused


async def test_crawlers_get_an_escaped_preview_and_are_not_counted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    await _sql(
        runtime,
        "UPDATE video SET title = :t, description = :d WHERE id = :id",
        {"t": 'Anansi <script>alert("x")</script>', "d": "Spider & friends", "id": video},
    )
    parent = await signed_in(runtime, client, "parent@example.com")
    code = (await _share(client, parent, video)).json()["code"]
    response = await client.get(f"/r/{code}", headers={"User-Agent": CRAWLER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<meta property="og:title" content="Anansi &lt;script&gt;alert(&quot;x&quot;)' in page
    assert "<script>" not in page
    assert '<meta property="og:description" content="Spider &amp; friends">' in page
    assert f'content="{runtime.settings.base_url}/r/{code}"' in page
    assert await _sql(runtime, "SELECT * FROM share_link_click") == []


async def test_unknown_disabled_and_unpublished(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    video = await _video(runtime)
    parent = await signed_in(runtime, client, "parent@example.com")
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    code = (await _share(client, parent, video)).json()["code"]

    unknown = await client.get("/r/zzzzzzzz")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "link_not_found"
    assert (await client.get("/r/<b>")).status_code == 404

    await _sql(runtime, "UPDATE video SET status = 'archived' WHERE id = :id", {"id": video})
    gone = await client.get(f"/r/{code}")
    assert gone.status_code == 410
    assert gone.json()["code"] == "link_gone"
    assert (await client.get(f"/r/{code}", headers={"User-Agent": CRAWLER})).status_code == 410

    refused = await client.post(
        "/api/v1/admin/share-links/disable", json={"code": code}, headers=parent
    )
    assert refused.status_code == 403
    disabled = await client.post(
        "/api/v1/admin/share-links/disable", json={"code": code}, headers=editor
    )
    assert disabled.status_code == 204
    assert (await client.get(f"/r/{code}")).status_code == 404
    await _sql(runtime, "UPDATE video SET status = 'published' WHERE id = :id", {"id": video})
    again = await _share(client, parent, video)
    assert again.status_code == 409
    assert again.json()["code"] == "share_link_disabled"
    # The editor's change is in the audit log.
    events = await _sql(runtime, "SELECT * FROM audit_event WHERE target_type = 'share_link'")
    assert [e["action"] for e in events] == ["update"]
    assert set(events[0]["changes"]) == {"disabled_at"}


async def test_app_link_files_come_from_settings(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    empty = await client.get("/.well-known/assetlinks.json")
    assert empty.status_code == 200
    assert empty.json() == []
    runtime.settings = runtime.settings.model_copy(
        update={
            "android_package_name": "app.wonderspaced",
            "android_sha256_cert_fingerprints": ["AB:CD"],
            "apple_app_ids": ["TEAM123.app.wonderspaced"],
        }
    )
    android = (await client.get("/.well-known/assetlinks.json")).json()
    assert android[0]["target"] == {
        "namespace": "android_app",
        "package_name": "app.wonderspaced",
        "sha256_cert_fingerprints": ["AB:CD"],
    }
    apple = await client.get("/.well-known/apple-app-site-association")
    assert apple.headers["content-type"] == "application/json"
    details = apple.json()["applinks"]["details"][0]
    assert details["appIDs"] == ["TEAM123.app.wonderspaced"]
    assert {"/": "/r/*"} in details["components"]


async def test_while_redis_is_unreachable_each_click_is_written(
    settings: Settings, runtime: Runtime
) -> None:
    video = await _video(runtime)
    down = create_cache(
        settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    )
    day = datetime.now(UTC).date()
    async with runtime.db.session() as session:
        assert await links_queries.create(session, "abcdefgh", "video", video) == "abcdefgh"
        link = await links_queries.by_code(session, "abcdefgh")
        assert link is not None
        for _ in range(3):
            await clicks.count(session, down, link["id"], day)
        assert await clicks.flush(session, down) == 0
    rows = await _sql(runtime, "SELECT day, clicks FROM share_link_click")
    assert [dict(r) for r in rows] == [{"day": day, "clicks": 3}]
