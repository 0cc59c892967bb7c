"""Uploads on the local backend: the whole flow over real HTTP, every refusal, processing of
real files, and housekeeping."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from app.accounts.models import Role
from app.api import create_app
from app.integrations.storage import create_storage
from app.integrations.storage.local import LocalStorage
from app.media.models import MediaAsset, Upload
from app.modules import jobs
from app.runtime import Runtime
from tests.media.files import h264
from tests.support.auth import family, kid_token, make_profile, signed_in
from tests.support.factories import media_asset
from tests.support.live_server import serve
from tests.support.media_files import VTT, jpeg_with_gps, mp4, wav
from tests.support.net import free_port


async def _upload(
    client: httpx.AsyncClient,
    editor: dict,
    data: bytes,
    content_type: str,
    purpose: str,
    filename: str = "file.bin",
) -> dict:
    ticket = await client.post(
        "/api/v1/admin/uploads",
        json={
            "filename": filename,
            "content_type": content_type,
            "size_bytes": len(data),
            "purpose": purpose,
        },
        headers=editor,
    )
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    put = await client.request(body["method"], body["url"], content=data, headers=body["headers"])
    assert put.status_code == 200, put.text
    return body


async def _complete(client: httpx.AsyncClient, editor: dict, upload_id: str) -> httpx.Response:
    return await client.post(f"/api/v1/admin/uploads/{upload_id}/complete", headers=editor)


async def test_video_upload_to_scrubbing_over_real_http(live_runtime: Runtime) -> None:
    port = free_port()
    settings = live_runtime.settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    live_runtime.settings = settings
    live_runtime.storage = create_storage(settings)
    await live_runtime.start()
    video = h264(frames=40)
    async with (
        serve(create_app(runtime=live_runtime), port) as base,
        httpx.AsyncClient(base_url=base) as http,
    ):
        editor = await signed_in(live_runtime, http, "editor@example.com", Role.editor)
        ticket = await _upload(http, editor, video, "video/mp4", "video", "Kente weaving.mp4")
        assert ticket["url"].startswith(f"{base}/media/upload/video/")
        assert "Kente" not in ticket["url"]  # the key is the server's, not the filename
        expires = datetime.fromisoformat(ticket["expires_at"])
        assert expires <= datetime.now(UTC) + timedelta(minutes=15, seconds=5)

        completed = await _complete(http, editor, ticket["upload_id"])
        assert completed.status_code == 200
        asset = completed.json()
        assert asset["status"] == "processing"
        assert asset["url"] is None
        again = await _complete(http, editor, ticket["upload_id"])
        assert again.json()["id"] == asset["id"]  # completing twice is harmless

        for _ in range(200):
            ready = (await http.get(f"/api/v1/admin/assets/{asset['id']}", headers=editor)).json()
            if ready["status"] != "processing":
                break
            await asyncio.sleep(0.05)
        assert ready["status"] == "ready", ready
        assert ready["duration_ms"] == 4000
        assert (ready["width"], ready["height"]) == (64, 48)

        url = ready["url"]
        part = await http.get(url, headers={"Range": "bytes=100-299"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 100-299/{len(video)}"
        assert part.content == video[100:300]
        whole = await http.get(url)
        assert whole.content == video
        assert whole.headers["accept-ranges"] == "bytes"
        head = await http.head(url)
        assert head.status_code == 200
        assert int(head.headers["content-length"]) == len(video)
        assert head.content == b""
        cached = await http.get(url, headers={"If-None-Match": whole.headers["etag"]})
        assert cached.status_code == 304
        beyond = await http.get(url, headers={"Range": f"bytes={len(video) + 10}-"})
        assert beyond.status_code == 416


@pytest.fixture
async def editor(runtime: Runtime, client: httpx.AsyncClient) -> dict:
    return await signed_in(runtime, client, "editor@example.com", Role.editor)


async def _counts(runtime: Runtime) -> tuple[int, int]:
    async with runtime.db.session() as session:
        uploads = await session.scalar(sa.select(sa.func.count()).select_from(Upload))
        assets = await session.scalar(sa.select(sa.func.count()).select_from(MediaAsset))
    return int(uploads or 0), int(assets or 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"content_type": "video/mp4", "size_bytes": 3 * 1024**3, "purpose": "video"},
            "size_bytes",
        ),
        (
            {"content_type": "application/x-msdownload", "size_bytes": 10, "purpose": "video"},
            "content_type",
        ),
        ({"content_type": "video/mp4", "size_bytes": 10, "purpose": "image"}, "content_type"),
        (
            {"content_type": "text/vtt", "size_bytes": 2 * 1024**2, "purpose": "captions"},
            "size_bytes",
        ),
    ],
)
async def test_refused_before_anything_is_signed(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, body: dict, field: str
) -> None:
    response = await client.post(
        "/api/v1/admin/uploads", json={"filename": "x", **body}, headers=editor
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert await _counts(runtime) == (0, 0)


async def test_only_editors_and_admins_upload(runtime: Runtime, client: httpx.AsyncClient) -> None:
    parent = await family(runtime, client, "p@example.com")
    kid = await kid_token(client, parent, (await make_profile(client, parent, "Ama"))["id"])
    body = {"filename": "a.png", "content_type": "image/png", "size_bytes": 10, "purpose": "image"}
    assert (
        await client.post("/api/v1/admin/uploads", json=body, headers=parent)
    ).status_code == 403
    assert (await client.post("/api/v1/admin/uploads", json=body, headers=kid)).status_code == 403
    assert (await client.post("/api/v1/admin/uploads", json=body)).status_code == 401
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    assert (await client.post("/api/v1/admin/uploads", json=body, headers=admin)).status_code == 201


async def _ticket(
    client: httpx.AsyncClient,
    editor: dict,
    size: int,
    content_type: str = "image/png",
    purpose: str = "image",
) -> dict:
    response = await client.post(
        "/api/v1/admin/uploads",
        json={
            "filename": "f",
            "content_type": content_type,
            "size_bytes": size,
            "purpose": purpose,
        },
        headers=editor,
    )
    return response.json()


def _with(url: str, **changes: object) -> str:
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    query.update({k: str(v) for k, v in changes.items()})
    return parsed._replace(query=urlencode(query)).geturl()


async def test_tampered_expired_oversized_and_mistyped_uploads_store_nothing(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    data = b"\x89PNG\r\n\x1a\n" + b"0" * 92
    ticket = await _ticket(client, editor, len(data))
    url, headers = ticket["url"], ticket["headers"]

    tampered = await client.put(_with(url, len=10_000_000), content=data, headers=headers)
    assert tampered.status_code == 403
    assert tampered.json()["code"] == "invalid_signature"
    key = urlparse(url).path.removeprefix("/media/upload/")
    past = int(time.time()) - 10
    expired_url = _with(url, exp=past, sig=storage.sign("PUT", key, past, "image/png", len(data)))
    expired = await client.put(expired_url, content=data, headers=headers)
    assert expired.json()["code"] == "url_expired"
    wrong_type = await client.put(url, content=data, headers={"Content-Type": "image/jpeg"})
    assert wrong_type.status_code == 415
    too_big = await client.put(url, content=data + b"extra", headers=headers)
    assert too_big.status_code == 413
    too_small = await client.put(url, content=data[:50], headers=headers)
    assert too_small.status_code == 400
    assert not storage.upload_path(key).exists()
    assert not await_complete_possible(storage, key)

    assert (await client.put(url, content=data, headers=headers)).status_code == 200
    overwrite = await client.put(url, content=data, headers=headers)
    assert overwrite.status_code == 409


def await_complete_possible(storage: LocalStorage, key: str) -> bool:
    return storage.upload_path(key).exists() or storage.object_path(key).exists()


async def test_complete_checks_what_was_really_uploaded(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    ticket = await _ticket(client, editor, 100)
    early = await _complete(client, editor, ticket["upload_id"])
    assert early.status_code == 409
    assert early.json()["code"] == "not_uploaded"
    not_png = b"GIF89a" + b"0" * 94
    await client.put(ticket["url"], content=not_png, headers=ticket["headers"])
    refused = await _complete(client, editor, ticket["upload_id"])
    assert refused.status_code == 422
    assert refused.json()["code"] == "upload_mismatch"
    assert await _counts(runtime) == (1, 0)
    assert (
        await _complete(client, editor, "00000000-0000-0000-0000-000000000000")
    ).status_code == 404


async def _process(
    runtime: Runtime,
    client: httpx.AsyncClient,
    editor: dict,
    data: bytes,
    content_type: str,
    purpose: str,
) -> dict:
    ticket = await _upload(client, editor, data, content_type, purpose)
    asset = (await _complete(client, editor, ticket["upload_id"])).json()
    await runtime.worker.run_due()
    return (await client.get(f"/api/v1/admin/assets/{asset['id']}", headers=editor)).json()


async def test_images_lose_their_exif_and_gps(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif()
    asset = await _process(runtime, client, editor, photo, "image/jpeg", "image")
    assert asset["status"] == "ready"
    assert (asset["width"], asset["height"]) == (40, 30)
    stored = runtime.storage.object_path(  # type: ignore[attr-defined]
        urlparse(asset["url"]).path.removeprefix("/media/")
    ).read_bytes()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert asset["size_bytes"] == len(stored)


async def test_audio_duration_and_captions(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    audio = await _process(runtime, client, editor, wav(seconds=1.5), "audio/wav", "audio")
    assert audio["status"] == "ready"
    assert audio["duration_ms"] == 1500
    captions = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    assert captions["status"] == "ready"


async def test_undecodable_files_fail_with_a_reason(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    fake_video = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200  # right magic, no movie
    asset = await _process(runtime, client, editor, fake_video, "video/mp4", "video")
    assert asset["status"] == "failed"
    assert asset["failure_reason"]
    assert asset["url"] is None


async def test_cleanup_removes_stale_uploads_and_unused_assets_once(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    stale = await _ticket(client, editor, 100)
    await client.put(
        stale["url"], content=b"\x89PNG\r\n\x1a\n" + b"0" * 92, headers=stale["headers"]
    )
    old_asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    fresh_asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Upload).where(Upload.id == stale["upload_id"]).values(created_at=two_days_ago)
        )
        await session.execute(
            sa.update(MediaAsset)
            .where(MediaAsset.id == old_asset["id"])
            .values(created_at=two_days_ago)
        )
        old_key = await session.scalar(
            sa.select(MediaAsset.key).where(MediaAsset.id == old_asset["id"])
        )
    assert storage.object_path(old_key).exists()

    cleanup_uploads = jobs()["cleanup-uploads"]
    assert await cleanup_uploads(runtime) == "deleted 1 stale upload(s) and 1 unused asset(s)"
    assert storage.object_path(old_key).exists()  # the file goes after commit, by a task
    await runtime.worker.run_due()
    assert not storage.object_path(old_key).exists()
    assert await cleanup_uploads(runtime) == "deleted 0 stale upload(s) and 0 unused asset(s)"
    async with runtime.db.session() as session:
        remaining = (await session.execute(sa.select(MediaAsset.id))).scalars().all()
    assert [str(i) for i in remaining] == [fresh_asset["id"]]


async def test_stored_files_of_a_deleted_family_are_removed_by_a_task(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    from app.data_rights import STORAGE_DELETE_TASK
    from app.outbox.service import enqueue

    asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    key = urlparse(asset["url"]).path.removeprefix("/media/")
    assert storage.object_path(key).exists()
    async with runtime.db.session() as session:
        await enqueue(session, STORAGE_DELETE_TASK, {"keys": [key, "image/never/existed.png"]})
    assert await runtime.worker.run_due() == 1
    assert not storage.object_path(key).exists()


async def test_cdn_base_url_replaces_signed_links(runtime: Runtime) -> None:
    from app.media import service as media_service

    asset = media_asset("image", "a", key="image/2026/11/a.png")
    url = await media_service.download_url(
        runtime.storage, asset, 60, "https://cdn.wonderspaced.app/"
    )
    assert url == "https://cdn.wonderspaced.app/image/2026/11/a.png"
    asset.status = "processing"
    assert await media_service.download_url(runtime.storage, asset, 60, None) is None


async def test_a_video_phones_cannot_play_is_re_encoded_with_a_thumbnail(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    import av

    asset = await _process(runtime, client, editor, mp4(frames=30), "video/mp4", "video")
    assert asset["status"] == "ready"
    assert (asset["duration_ms"], asset["width"], asset["height"]) == (3000, 64, 48)
    stored = runtime.storage.object_path(  # type: ignore[attr-defined]
        urlparse(asset["url"]).path.removeprefix("/media/")
    )
    with av.open(str(stored)) as container:  # MPEG-4 Part 2 in, H.264 out
        assert container.streams.video[0].codec_context.name == "h264"
    assert asset["size_bytes"] == stored.stat().st_size
    async with runtime.db.session() as session:
        row = await session.get(MediaAsset, asset["id"])
        assert row is not None
        still = await session.get(MediaAsset, row.thumbnail_asset_id)
    assert still is not None
    assert (still.kind, still.status, still.width, still.height) == ("image", "ready", 64, 48)
    thumbnail = runtime.storage.object_path(still.key)  # type: ignore[attr-defined]
    assert Image.open(thumbnail).format == "JPEG"
