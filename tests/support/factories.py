"""Rows tests need as they are, without going through the API (stored files included)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.storage import Storage
from app.media.models import MediaAsset

_CONTENT_TYPES = {"image": "image/png", "audio": "audio/wav", "video": "video/mp4"}
_EXTENSIONS = {"image": "png", "audio": "wav", "video": "mp4", "captions": "vtt"}


def media_asset(kind: str = "image", name: str = "a", **fields: Any) -> MediaAsset:
    """A ready asset (not yet added to a session)."""
    extension = _EXTENSIONS[kind]
    values: dict[str, Any] = {
        "key": f"{kind}/test/{name}.{extension}",
        "kind": kind,
        "content_type": _CONTENT_TYPES.get(kind, "text/vtt"),
        "size_bytes": 10,
        "filename": f"{name}.{extension}",
        "status": "ready",
        **fields,
    }
    return MediaAsset(**values)


async def stored_asset(
    session: AsyncSession,
    storage: Storage,
    kind: str = "image",
    name: str = "a",
    *,
    created_at: datetime | None = None,
    **fields: Any,
) -> MediaAsset:
    """A ready asset whose file is in storage, flushed; `created_at` backdates it."""
    asset = media_asset(kind, name, **fields)
    if created_at is not None:
        asset.created_at = created_at
    await storage.put(asset.key, b"0123456789", asset.content_type)
    session.add(asset)
    await session.flush()
    return asset
