"""The editor's path over HTTP with real media files: upload, processing, create, publish; an
item takes its duration, size and thumbnail from its file and follows a new one; nothing is
published or played without media that is ready."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from PIL import Image

from app.runtime import Runtime
from tests.media.files import h264
from tests.support.auth import family, kid_token, make_profile


async def _upload(
    client: httpx.AsyncClient, editor: dict, data: bytes, content_type: str, purpose: str
) -> str:
    ticket = (
        await client.post(
            "/api/v1/admin/uploads",
            json={
                "filename": f"file.{content_type.split('/')[1]}",
                "content_type": content_type,
                "size_bytes": len(data),
                "purpose": purpose,
            },
            headers=editor,
        )
    ).json()
    put = await client.request(
        ticket["method"], ticket["url"], content=data, headers=ticket["headers"]
    )
    assert put.status_code == 200, put.text
    done = await client.post(
        f"/api/v1/admin/uploads/{ticket['upload_id']}/complete", headers=editor
    )
    assert done.status_code == 200, done.text
    asset_id: str = done.json()["id"]
    return asset_id


async def _asset(client: httpx.AsyncClient, editor: dict, asset_id: str) -> dict:
    response = await client.get(f"/api/v1/admin/assets/{asset_id}", headers=editor)
    assert response.status_code == 200
    asset: dict = response.json()
    return asset


async def _beat(client: httpx.AsyncClient, kid: dict, profile: str, video: str) -> httpx.Response:
    return await client.put(
        f"/api/v1/profiles/{profile}/progress/video/{video}",
        json={
            "position_ms": 1000,
            "watched": [[0, 1000]],
            "sent_at": datetime.now(UTC).isoformat(),
        },
        headers=kid,
    )


async def test_a_video_takes_its_measures_and_thumbnail_from_its_file(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    first = await _upload(client, editor, h264(frames=30, size=(160, 120)), "video/mp4", "video")
    assert (await _asset(client, editor, first))["status"] == "processing"
    created = await client.post(
        "/api/v1/admin/videos",
        json={"theme_id": themes["stories"], "title": "Kente loom", "media_asset_id": first},
        headers=editor,
    )
    assert created.status_code == 201, created.text
    video = created.json()["id"]

    early = await client.post(f"/api/v1/admin/videos/{video}/publish", headers=editor)
    assert early.status_code == 409
    problem = early.json()
    assert problem["code"] == "asset_not_ready"
    assert [e["loc"] for e in problem["errors"]] == [["body", "media_asset_id"]]
    assert "still being processed" in problem["errors"][0]["msg"]

    await runtime.worker.run_due()  # the processing task
    asset = await _asset(client, editor, first)
    assert asset["status"] == "ready"
    assert (asset["duration_ms"], asset["width"], asset["height"]) == (3000, 160, 120)
    published = await client.post(f"/api/v1/admin/videos/{video}/publish", headers=editor)
    assert published.status_code == 200, published.text

    page = (await client.get(f"/api/v1/videos/{video}")).json()
    assert (page["duration_ms"], page["width"], page["height"]) == (3000, 160, 120)
    assert page["media_url"]
    thumbnail = await client.get(page["image_url"].removeprefix("http://testserver"))
    if thumbnail.status_code == 307:
        thumbnail = await client.get(
            thumbnail.headers["location"].removeprefix("http://testserver")
        )
    assert Image.open(io.BytesIO(thumbnail.content)).size == (160, 120)

    parent = await family(runtime, client, "parent@example.com")
    profile = str((await make_profile(client, parent, "Ama"))["id"])
    kid = await kid_token(client, parent, profile)
    assert (await _beat(client, kid, profile, video)).status_code == 200

    # A new file: the measures and the thumbnail that came from the old one follow it.
    second = await _upload(client, editor, h264(frames=50, size=(192, 108)), "video/mp4", "video")
    await runtime.worker.run_due()
    read = await client.get(f"/api/v1/admin/videos/{video}", headers=editor)
    patched = await client.patch(
        f"/api/v1/admin/videos/{video}",
        json={"media_asset_id": second},
        headers={**editor, "If-Match": read.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    page = (await client.get(f"/api/v1/videos/{video}")).json()
    assert (page["duration_ms"], page["width"], page["height"]) == (5000, 192, 108)
    async with runtime.db.session() as session:
        row = (
            await session.execute(
                sa.text(
                    "SELECT v.thumbnail_asset_id = a.thumbnail_asset_id AS follows, v.duration_ms "
                    "FROM video v JOIN media_asset a ON a.id = v.media_asset_id WHERE v.id = :id"
                ),
                {"id": video},
            )
        ).one()
    assert row.follows is True
    assert row.duration_ms == 5000


async def test_nothing_is_published_or_played_without_ready_media(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    bare = (
        await client.post(
            "/api/v1/admin/videos",
            json={"theme_id": themes["stories"], "title": "No file", "duration_ms": 60_000},
            headers=editor,
        )
    ).json()["id"]
    refused = await client.post(f"/api/v1/admin/videos/{bare}/publish", headers=editor)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["type"] == "media_missing"

    picture = await _upload(client, editor, _png(), "image/png", "image")
    ebook = (
        await client.post(
            "/api/v1/admin/ebooks",
            json={
                "theme_id": themes["folktales"],
                "title": "Pages",
                "pages": [{"text": "One"}, {"text": "Two", "narration_asset_id": picture}],
            },
            headers=editor,
        )
    ).json()["id"]
    diy = (
        await client.post(
            "/api/v1/admin/diys",
            json={
                "theme_id": themes["crafts"],
                "title": "Steps",
                "steps": [{"text": "Cut", "image_asset_id": picture}],
            },
            headers=editor,
        )
    ).json()["id"]
    for kind, item, loc in (
        ("ebooks", ebook, ["body", "pages", 1, "narration_asset_id"]),
        ("diys", diy, ["body", "steps", 0, "image_asset_id"]),
    ):
        response = await client.post(f"/api/v1/admin/{kind}/{item}/publish", headers=editor)
        assert response.status_code == 409, response.text
        assert [e["loc"] for e in response.json()["errors"]] == [loc]

    # A published video whose file is gone (data from before files were required): a
    # heartbeat is refused, and nothing is recorded.
    played = await _upload(client, editor, h264(frames=20), "video/mp4", "video")
    await runtime.worker.run_due()
    video = (
        await client.post(
            "/api/v1/admin/videos",
            json={"theme_id": themes["stories"], "title": "Lost", "media_asset_id": played},
            headers=editor,
        )
    ).json()["id"]
    assert (
        await client.post(f"/api/v1/admin/videos/{video}/publish", headers=editor)
    ).status_code == 200
    async with runtime.db.session() as session:
        await session.execute(
            sa.text("UPDATE video SET media_asset_id = NULL WHERE id = :id"), {"id": video}
        )
    parent = await family(runtime, client, "p2@example.com")
    profile = str((await make_profile(client, parent, "Kofi"))["id"])
    kid = await kid_token(client, parent, profile)
    beat = await _beat(client, kid, profile, video)
    assert beat.status_code == 409
    assert beat.json()["code"] == "not_playable"
    async with runtime.db.session() as session:
        count = await session.scalar(
            sa.text("SELECT count(*) FROM progress WHERE profile_id = :p"), {"p": profile}
        )
    assert count == 0


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()
