"""Media housekeeping."""

from __future__ import annotations

from collections.abc import Sequence

from app.media import service as media_service
from app.media.service import AssetReferences
from app.runtime import Runtime


async def cleanup_uploads(runtime: Runtime, references: Sequence[AssetReferences]) -> str:
    """Deletes uploads never completed after a day and assets nothing in `references` uses."""
    async with runtime.db.session() as session:
        uploads, assets = await media_service.cleanup(session, runtime.storage, references)
    return f"deleted {uploads} stale upload(s) and {assets} unused asset(s)"
