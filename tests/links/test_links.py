"""Share links: one per item, redirects into the app, previews for crawlers, 404 and 410,
clicks counted per day, and the app-link files."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.catalog.seed import seed_catalogue
from app.runtime import Runtime
from tests.support.auth import family, kid_token, make_profile, signed_in

pytestmark = pytest.mark.asyncio

CRAWLER = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"


async def _sql(runtime: Runtime, statement: str, params: Any = None) -> Any:
    async with runtime.db.session() as session:
        result = await session.execute(sa.text(statement), params or {})
        return result.mappings().all() if result.returns_rows else None


async def _video(runtime: Runtime) -> uuid.UUID:
    async with runtime.db.session() as session:
        await seed_catalogue(session)
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
    clicks = await _sql(runtime, "SELECT * FROM share_link_click")
    assert len(clicks) == 1
    assert clicks[0]["clicks"] == 2
    assert set(clicks[0]) == {"link_id", "day", "clicks"}  # nothing about who clicked


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
