"""Uploads straight to storage, their checks, processing, download URLs and housekeeping."""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound, UnprocessableEntity, invalid_field
from app.core.examples import demo_id
from app.data_rights import STORAGE_DELETE_TASK
from app.integrations.storage import Storage
from app.integrations.storage.local import LocalStorage
from app.media import queries
from app.media.models import MediaAsset, Upload
from app.media.policy import RULES, SNIFF_BYTES, Purpose, looks_like
from app.media.processing import UnusableMedia, probe
from app.media.schemas import AssetOut, UploadCreate
from app.outbox.service import enqueue

logger = logging.getLogger(__name__)

PROCESS_TASK = "media.process"
STALE_UPLOAD = timedelta(days=1)
AssetReferences = queries.AssetReferences
PublicAssets = queries.PublicAssets


class AssetInUse(Conflict):
    code = "asset_in_use"


def _field_error(field: str, msg: str) -> UnprocessableEntity:
    return invalid_field(["body", field], msg, type="upload_rule")


def make_key(purpose: Purpose, extension: str) -> str:
    now = datetime.now(UTC)
    return f"{purpose.value}/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"


async def create_upload(
    session: AsyncSession,
    storage: Storage,
    account_id: uuid.UUID | None,
    body: UploadCreate,
    minutes: int,
    *,
    upload_id: uuid.UUID | None = None,
) -> tuple[Upload, dict[str, object]]:
    """Checks the declared file against the purpose's rules, then signs an upload URL.
    `upload_id` gives the upload a chosen id (the demo's stable ids), else a new one."""
    rule = RULES[body.purpose]
    extension = rule.types.get(body.content_type)
    if extension is None:
        allowed = ", ".join(rule.types)
        raise _field_error(
            "content_type", f"A {body.purpose.value} upload must be one of: {allowed}."
        )
    if body.size_bytes > rule.max_bytes:
        raise _field_error(
            "size_bytes",
            f"A {body.purpose.value} upload is at most {rule.max_bytes // (1024 * 1024)} MiB.",
        )
    expires_at = datetime.now(UTC) + timedelta(minutes=minutes)
    upload = Upload(
        key=make_key(body.purpose, extension),  # never taken from the filename
        purpose=body.purpose.value,
        content_type=body.content_type,
        size_bytes=body.size_bytes,
        filename=body.filename,
        created_by=account_id,
        expires_at=expires_at,
    )
    if upload_id is not None:
        upload.id = upload_id
    session.add(upload)
    await session.flush()
    ticket = await storage.upload_ticket(
        upload.key, upload.content_type, upload.size_bytes, expires_at
    )
    return upload, {
        "method": ticket.method,
        "url": ticket.url,
        "headers": ticket.headers,
        "fields": ticket.fields,
        "expires_at": ticket.expires_at,
    }


async def complete_upload(
    session: AsyncSession,
    storage: Storage,
    upload_id: uuid.UUID,
    *,
    asset_id: uuid.UUID | None = None,
) -> MediaAsset:
    """Checks the uploaded object (size, type, first bytes), makes it an asset and schedules
    its processing. Completing twice returns the same asset."""
    upload = await queries.upload_for_update(session, upload_id)
    if upload is None:
        raise NotFound("No such upload.")
    if upload.status == "completed" and upload.asset_id:
        return await get_asset(session, upload.asset_id)
    info = await storage.stat_upload(upload.key)
    if info is None:
        raise Conflict(
            "Nothing was uploaded yet; upload the file, then complete.", code="not_uploaded"
        )
    problems = []
    if info.size != upload.size_bytes:
        problems.append(f"the file has {info.size} bytes, not the {upload.size_bytes} declared")
    if (info.content_type or "").split(";")[0].strip() != upload.content_type:
        problems.append(f"it was stored as {info.content_type}, not {upload.content_type}")
    if not problems and not looks_like(
        upload.content_type, await storage.read_upload_head(upload.key, SNIFF_BYTES)
    ):
        problems.append(f"its content is not {upload.content_type}")
    if problems:
        await storage.delete_upload(upload.key)
        raise UnprocessableEntity(
            "The upload is refused: " + "; ".join(problems) + ".", code="upload_mismatch"
        )
    await storage.promote(upload.key)
    asset = MediaAsset(
        key=upload.key,
        kind=upload.purpose,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        filename=upload.filename,
    )
    if asset_id is not None:
        asset.id = asset_id
    session.add(asset)
    await session.flush()
    upload.status = "completed"
    upload.completed_at = datetime.now(UTC)
    upload.asset_id = asset.id
    await enqueue(session, PROCESS_TASK, {"asset_id": str(asset.id)}, dedup_key=str(asset.id))
    await session.flush()
    await session.refresh(asset)
    return asset


async def deliver(storage: Storage, ticket: dict[str, object], data: bytes) -> None:
    """Sends a file to an upload ticket as a client would (the demo seed and generated
    narration upload through the same tickets as editors): over HTTP to a cloud bucket's
    signed URL; on the local backend, into the upload area the app's own /media/upload route
    writes to, which the server is not yet serving while it seeds."""
    url = str(ticket["url"])
    headers = {str(k): str(v) for k, v in dict(ticket["headers"]).items()}  # type: ignore[call-overload]
    if isinstance(storage, LocalStorage):
        key = unquote(urlparse(url).path.split("/media/upload/", 1)[1])
        with tempfile.NamedTemporaryFile(dir=storage.root, delete=False) as partial:
            partial.write(data)
        storage.record_upload(key, Path(partial.name), headers["Content-Type"])
        return
    fields = {str(k): str(v) for k, v in dict(ticket["fields"]).items()}  # type: ignore[call-overload]
    async with httpx.AsyncClient(timeout=120) as http:
        if ticket["method"] == "POST":
            content_type = fields.get("Content-Type", "application/octet-stream")
            response = await http.post(
                url, data=fields, files={"file": ("file", data, content_type)}
            )
        else:
            response = await http.put(url, content=data, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"the upload was refused ({response.status_code})")


async def upload_file(
    session: AsyncSession,
    storage: Storage,
    account_id: uuid.UUID | None,
    purpose: Purpose,
    content_type: str,
    filename: str,
    data: bytes,
    *,
    max_image_pixels: int,
    stable_name: str | None = None,
) -> MediaAsset:
    """An editor's whole path for one file, run by the server: sign an upload, send the
    file, complete it, and process it now rather than when its task runs (the task, which
    follows the commit, then finds it processed). With `stable_name` (the demo's), the
    upload and the asset have the stable ids of that name (app/core/examples.py)."""
    body = UploadCreate(
        filename=filename, content_type=content_type, size_bytes=len(data), purpose=purpose
    )
    upload, ticket = await create_upload(
        session,
        storage,
        account_id,
        body,
        15,
        upload_id=demo_id("upload", stable_name) if stable_name else None,
    )
    await deliver(storage, ticket, data)
    asset = await complete_upload(
        session,
        storage,
        upload.id,
        asset_id=demo_id("asset", stable_name) if stable_name else None,
    )
    await process(session, storage, asset.id, max_image_pixels)
    await session.refresh(asset)
    return asset


async def get_asset(session: AsyncSession, asset_id: uuid.UUID) -> MediaAsset:
    asset = await session.get(MediaAsset, asset_id)
    if asset is None:
        raise NotFound("No such media asset.")
    return asset


async def public_asset(
    session: AsyncSession, asset_id: uuid.UUID, servable: Sequence[PublicAssets]
) -> MediaAsset | None:
    """The asset, when it is ready and anyone may fetch it."""
    if not servable:
        return None
    return await queries.public_asset(session, asset_id, servable)


async def _remove_files_after_commit(session: AsyncSession, keys: list[str]) -> None:
    # Files go only once the rows are gone for good: a rolled-back delete keeps both.
    if keys:
        await enqueue(session, STORAGE_DELETE_TASK, {"keys": keys}, dedup_key=None)


async def _delete_rows(session: AsyncSession, asset_id: uuid.UUID) -> None:
    """Deletes the asset and its upload record in a savepoint; raises IntegrityError (and
    changes nothing) while content references it."""
    async with session.begin_nested():
        await queries.delete_asset(session, asset_id)


async def delete_asset(session: AsyncSession, asset_id: uuid.UUID) -> None:
    """Deletes an asset nothing uses; its file is removed by a task after commit.

    Every reference to media_asset is a RESTRICT foreign key, and the row is locked first:
    content attaching it meanwhile waits for this transaction, so an asset in use is never
    deleted and content never loses a file."""
    key = await queries.asset_key_for_update(session, asset_id)
    if key is None:
        raise NotFound("No such media asset.")
    try:
        await _delete_rows(session, asset_id)
    except IntegrityError as exc:
        raise AssetInUse(
            f"This asset is still used by {_referrer(exc)}; detach it from that content first."
        ) from exc
    await _remove_files_after_commit(session, [key])


def _referrer(exc: IntegrityError) -> str:
    """Which table still references the asset, read from the foreign-key violation."""
    table = getattr(getattr(exc.orig, "__cause__", None), "table_name", None)
    return f"content ({table})" if table else "content"


async def process(
    session: AsyncSession, storage: Storage, asset_id: uuid.UUID, max_image_pixels: int
) -> None:
    """Probes the file and marks the asset ready or failed. A file that cannot be used fails
    for good (with its reason) and leaves the serving bucket after commit; a storage error
    raises, so the task is retried."""
    asset = await session.get(MediaAsset, asset_id, with_for_update=True)
    if asset is None or asset.status != "processing":
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file"
        await storage.download_to(asset.key, path)
        try:
            result = await asyncio.to_thread(
                probe, path, Purpose(asset.kind), asset.content_type, max_image_pixels
            )
        except UnusableMedia as exc:
            asset.status, asset.failure_reason = "failed", str(exc)[:500]
            asset.processed_at = datetime.now(UTC)
            await session.flush()
            await _remove_files_after_commit(session, [asset.key])
            logger.info("media asset failed processing", extra={"asset_id": str(asset.id)})
            return
    if result.cleaned is not None:
        asset.content_type = result.content_type or asset.content_type
        await storage.put(asset.key, result.cleaned, asset.content_type)
        asset.size_bytes = len(result.cleaned)
    asset.duration_ms, asset.width, asset.height = result.duration_ms, result.width, result.height
    if result.thumbnail is not None and result.thumbnail_size is not None:
        asset.thumbnail_asset_id = await _thumbnail(
            session, storage, asset, result.thumbnail, result.thumbnail_size
        )
    asset.status, asset.failure_reason = "ready", None
    asset.processed_at = datetime.now(UTC)
    await session.flush()


async def _thumbnail(
    session: AsyncSession,
    storage: Storage,
    video: MediaAsset,
    data: bytes,
    size: tuple[int, int],
) -> uuid.UUID:
    """The video's still as an image asset of its own, ready at once (made here, from a
    file already checked): the item shows it unless its editor chose another."""
    key = make_key(Purpose.image, ".jpg")
    await storage.put(key, data, "image/jpeg")
    still = MediaAsset(
        key=key,
        kind=Purpose.image.value,
        content_type="image/jpeg",
        size_bytes=len(data),
        filename=f"{Path(video.filename).stem}.jpg",
        status="ready",
        width=size[0],
        height=size[1],
        processed_at=datetime.now(UTC),
    )
    session.add(still)
    await session.flush()
    return still.id


async def download_url(
    storage: Storage, asset: MediaAsset, minutes: int, cdn_base: str | None
) -> str | None:
    if asset.status != "ready":
        return None
    if cdn_base:
        return f"{cdn_base.rstrip('/')}/{asset.key}"
    return await storage.download_url(asset.key, datetime.now(UTC) + timedelta(minutes=minutes))


async def existing(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, MediaAsset]:
    if not ids:
        return {}
    return {asset.id: asset for asset in await queries.assets(session, ids)}


async def download_urls(
    session: AsyncSession,
    storage: Storage,
    ids: list[uuid.UUID],
    minutes: int,
    cdn_base: str | None,
) -> dict[uuid.UUID, str | None]:
    """Download URLs of these assets by id (None for those not ready)."""
    if not ids:
        return {}
    assets = await queries.assets(session, ids)
    return {asset.id: await download_url(storage, asset, minutes, cdn_base) for asset in assets}


async def asset_out(
    storage: Storage, asset: MediaAsset, minutes: int, cdn_base: str | None
) -> AssetOut:
    return AssetOut.of(asset, await download_url(storage, asset, minutes, cdn_base))


async def require_ready(session: AsyncSession, asset_ids: list[uuid.UUID]) -> None:
    """For publishing: every asset exists and is ready."""
    if not asset_ids:
        return
    ready = await queries.ready_ids(session, asset_ids)
    missing = [str(i) for i in asset_ids if i not in ready]
    if missing:
        raise Conflict(
            f"These media assets are not ready: {', '.join(missing)}.", code="asset_not_ready"
        )


async def cleanup(
    session: AsyncSession, storage: Storage, references: Sequence[AssetReferences]
) -> tuple[int, int]:
    """Deletes uploads never completed after a day, and assets older than a day that no
    content references. Returns (uploads, assets) deleted; a rerun deletes nothing more.

    Refuses to run without any references: in a process where no module declared its
    content, every asset would look unused."""
    if not references:
        raise RuntimeError("no module declares the assets its content references")
    cutoff = datetime.now(UTC) - STALE_UPLOAD
    stale = await queries.stale_uploads(session, cutoff)
    for upload in stale:
        await storage.delete_upload(upload.key)
        await session.delete(upload)
    candidates = await queries.unreferenced(session, references, cutoff)
    removed: list[str] = []
    for candidate in candidates:
        try:
            await _delete_rows(session, candidate.id)
        except IntegrityError:
            continue  # attached since the SELECT: the foreign keys have the last word
        removed.append(candidate.key)
    await _remove_files_after_commit(session, removed)
    await session.flush()
    return len(stale), len(removed)
