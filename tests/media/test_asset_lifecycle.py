"""An asset's life after processing: deletion (rows first, the file after commit), assets in
use that cannot be deleted, what the public asset route serves, decompression bombs, and
failed files leaving the serving bucket."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.catalog.models import Diy, DiyStep, Ebook, EbookPage, Series, Theme, Video, VideoCaption
from app.integrations.storage.local import LocalStorage
from app.media import service as media_service
from app.media.models import MediaAsset, Upload
from app.outbox.models import OutboxMessage
from app.runtime import Runtime
from tests.media.test_local_flow import _process
from tests.support.auth import signed_in
from tests.support.media_files import VTT


@pytest.fixture
async def editor(runtime: Runtime, client: httpx.AsyncClient) -> dict:
    return await signed_in(runtime, client, "editor@example.com", Role.editor)


def _png(width: int, height: int, pixels: bytes = b"") -> bytes:
    """A greyscale PNG header of this size, with `pixels` (usually far too few) as its data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )


def _bomb(width: int, height: int) -> bytes:
    """A real PNG of black pixels: a few KB that decode to width*height bytes."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _key(asset: dict) -> str:
    return urlparse(asset["url"]).path.removeprefix("/media/")


async def _rows(runtime: Runtime, model: Any, *where: Any) -> list[Any]:
    async with runtime.db.session() as session:
        return list((await session.execute(sa.select(model).where(*where))).scalars())


async def _pending_file_removals(runtime: Runtime) -> list[list[str]]:
    messages = await _rows(
        runtime,
        OutboxMessage,
        OutboxMessage.name == "storage.delete",
        OutboxMessage.status == "pending",
    )
    return [m.payload["keys"] for m in messages]


async def test_deleting_an_asset_removes_the_row_then_the_file_after_commit(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    key = _key(asset)

    deleted = await client.delete(f"/api/v1/admin/assets/{asset['id']}", headers=editor)
    assert deleted.status_code == 204, deleted.text
    assert await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"]) == []
    assert await _rows(runtime, Upload, Upload.asset_id == asset["id"]) == []
    # The file waits for the task the committed deletion wrote.
    assert storage.object_path(key).exists()
    assert await _pending_file_removals(runtime) == [[key]]
    await runtime.worker.run_due()
    assert not storage.object_path(key).exists()

    again = await client.delete(f"/api/v1/admin/assets/{asset['id']}", headers=editor)
    assert again.status_code == 404
    parent = await signed_in(runtime, client, "parent@example.com")
    assert (
        await client.delete(f"/api/v1/admin/assets/{asset['id']}", headers=parent)
    ).status_code == 403


async def test_a_deletion_that_rolls_back_keeps_row_and_file(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")

    async def request_that_fails() -> None:
        async with runtime.db.session() as session:
            await media_service.delete_asset(session, asset["id"])
            raise RuntimeError("the request failed after the deletion")

    with pytest.raises(RuntimeError):
        await request_that_fails()
    await runtime.worker.run_due()
    assert storage.object_path(_key(asset)).exists()
    assert len(await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"])) == 1


async def _theme(session: Any, **values: Any) -> Theme:
    theme = Theme(kind="video", slug=f"t-{datetime.now(UTC).timestamp()}", title="Drums", **values)
    session.add(theme)
    await session.flush()
    return theme


async def _attach(runtime: Runtime, where: str, asset_id: Any, status: str = "draft") -> None:
    """Puts the asset into content of this kind (`where`: table.column)."""
    published_at = datetime.now(UTC) - timedelta(hours=1) if status != "draft" else None
    if status == "scheduled":
        published_at = datetime.now(UTC) + timedelta(days=1)
    item = {"status": status, "published_at": published_at}
    async with runtime.db.session() as session:
        if where == "theme.cover_asset_id":
            await _theme(session, cover_asset_id=asset_id)
            return
        theme = await _theme(session)
        if where == "series.cover_asset_id":
            session.add(
                Series(theme_id=theme.id, slug="s", title="S", cover_asset_id=asset_id, **item)
            )
        elif where in (
            "video.thumbnail_asset_id",
            "video.media_asset_id",
            "video_caption.asset_id",
        ):
            column = where.split(".")[1] if where.startswith("video.") else None
            video = Video(
                theme_id=theme.id, title="V", **item, **({column: asset_id} if column else {})
            )
            session.add(video)
            await session.flush()
            if column is None:
                session.add(VideoCaption(video_id=video.id, language="en", asset_id=asset_id))
        elif where in ("ebook.cover_asset_id", "ebook_page.illustration_asset_id"):
            cover = {"cover_asset_id": asset_id} if where.startswith("ebook.") else {}
            ebook = Ebook(theme_id=theme.id, title="E", **item, **cover)
            session.add(ebook)
            await session.flush()
            if not cover:
                session.add(
                    EbookPage(
                        ebook_id=ebook.id, number=1, text="Hi", illustration_asset_id=asset_id
                    )
                )
        elif where in ("diy.cover_asset_id", "diy_step.image_asset_id"):
            cover = {"cover_asset_id": asset_id} if where.startswith("diy.") else {}
            diy = Diy(theme_id=theme.id, title="D", **item, **cover)
            session.add(diy)
            await session.flush()
            if not cover:
                session.add(DiyStep(diy_id=diy.id, number=1, text="Cut", image_asset_id=asset_id))
        else:
            raise AssertionError(where)


@pytest.mark.parametrize(
    "where",
    [
        "theme.cover_asset_id",
        "series.cover_asset_id",
        "video.thumbnail_asset_id",
        "video.media_asset_id",
        "video_caption.asset_id",
        "ebook.cover_asset_id",
        "ebook_page.illustration_asset_id",
        "diy_step.image_asset_id",
    ],
)
async def test_an_asset_in_use_cannot_be_deleted(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, where: str
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    await _attach(runtime, where, asset["id"])

    refused = await client.delete(f"/api/v1/admin/assets/{asset['id']}", headers=editor)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "asset_in_use"
    assert where.split(".")[0] in refused.json()["detail"]
    assert len(await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"])) == 1
    assert await _pending_file_removals(runtime) == []
    assert storage.object_path(_key(asset)).exists()


async def test_every_reference_to_an_asset_restricts_its_deletion(runtime: Runtime) -> None:
    """A table added later that points at media_asset must not silently lose its file."""
    async with runtime.db.session() as session:
        rows = (
            await session.execute(
                sa.text(
                    "SELECT conrelid::regclass::text AS tbl, confdeltype::text AS confdeltype "
                    "FROM pg_constraint WHERE contype = 'f' AND confrelid = 'media_asset'::regclass"
                )
            )
        ).all()
    by_table = {(row.tbl, row.confdeltype) for row in rows}
    assert ("upload", "n") in by_table  # the upload record only forgets its asset
    # A video's thumbnail is made from it: the video's asset forgets a deleted thumbnail
    # (an item showing it holds it by a restricting key of its own).
    assert ("media_asset", "n") in by_table
    assert {kind for table, kind in by_table if table not in ("upload", "media_asset")} == {"r"}
    assert len(by_table) >= 8


async def test_cleanup_keeps_an_attached_asset_even_when_a_reference_is_missed(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    asset = await _process(runtime, client, editor, VTT, "text/vtt", "captions")
    await _attach(runtime, "theme.cover_asset_id", asset["id"])
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(MediaAsset)
            .where(MediaAsset.id == asset["id"])
            .values(created_at=datetime.now(UTC) - timedelta(days=2))
        )
        # A reference list that forgot theme covers: the foreign key still keeps the file.
        forgot = [lambda: sa.select(sa.cast(sa.null(), sa.Uuid))]
        assert await media_service.cleanup(session, storage, forgot) == (0, 0)
    themes = await _rows(runtime, Theme, Theme.cover_asset_id == asset["id"])
    assert len(themes) == 1
    assert len(await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"])) == 1


async def test_public_route_serves_only_images_of_visible_content(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    async def image() -> str:
        asset = await _process(runtime, client, editor, _bomb(4, 3), "image/png", "image")
        assert asset["status"] == "ready", asset
        return str(asset["id"])

    loose, draft, scheduled, published, theme_cover, series_draft = [
        await image() for _ in range(6)
    ]
    await _attach(runtime, "video.thumbnail_asset_id", draft, status="draft")
    await _attach(runtime, "ebook.cover_asset_id", scheduled, status="scheduled")
    await _attach(runtime, "diy.cover_asset_id", published, status="published")
    await _attach(runtime, "theme.cover_asset_id", theme_cover)
    await _attach(runtime, "series.cover_asset_id", series_draft, status="draft")

    for visible in (published, theme_cover):
        response = await client.get(f"/api/v1/assets/{visible}")
        assert response.status_code == 307, response.text
        assert "/media/image/" in response.headers["location"]
    for hidden in (loose, draft, scheduled, series_draft):
        response = await client.get(f"/api/v1/assets/{hidden}")
        assert response.status_code == 404, hidden
        assert response.json()["code"] == "not_found"
    # Editors still reach a draft's file through the admin route.
    admin = await client.get(f"/api/v1/admin/assets/{draft}", headers=editor)
    assert admin.status_code == 200
    assert admin.json()["url"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # Header only: 30000x30000 would be 900 MB of pixels, past Pillow's own guard too.
        (_png(30000, 30000), "pixels; at most 40,000,000 are accepted"),
        # A real image: 40 KB of PNG that decodes to 64 MB, over the 40 MP default cap.
        (_bomb(8000, 8000), "8000x8000 pixels; at most 40,000,000 are accepted"),
    ],
)
async def test_decompression_bombs_are_refused_and_leave_the_bucket(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, data: bytes, reason: str
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    assert len(data) < 200_000
    asset = await _process(runtime, client, editor, data, "image/png", "image")
    assert asset["status"] == "failed", asset
    assert reason in asset["failure_reason"]
    assert asset["url"] is None
    [row] = await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"])
    assert not storage.object_path(row.key).exists()  # removed once the failure committed
    dead = await _rows(runtime, OutboxMessage, OutboxMessage.status != "done")
    assert dead == []


async def test_an_undecodable_file_leaves_the_serving_area(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict
) -> None:
    storage = runtime.storage
    assert isinstance(storage, LocalStorage)
    fake = b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10
    asset = await _process(runtime, client, editor, fake, "image/png", "image")
    assert asset["status"] == "failed"
    [row] = await _rows(runtime, MediaAsset, MediaAsset.id == asset["id"])
    assert not storage.object_path(row.key).exists()
    assert not storage.upload_path(row.key).exists()


def test_bomb_helper_is_a_real_png() -> None:
    from PIL import Image

    with Image.open(io.BytesIO(_bomb(16, 8))) as image:
        image.load()
        assert image.size == (16, 8)
