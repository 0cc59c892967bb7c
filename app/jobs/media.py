"""Media housekeeping."""

from __future__ import annotations

from app.jobs import job
from app.media import service as media_service
from app.runtime import Runtime


@job("cleanup-uploads")
async def cleanup_uploads(runtime: Runtime) -> str:
    """Deletes uploads never completed after a day and assets nothing references."""
    async with runtime.db.session() as session:
        uploads, assets = await media_service.cleanup(session, runtime.storage)
    return f"deleted {uploads} stale upload(s) and {assets} unused asset(s)"
