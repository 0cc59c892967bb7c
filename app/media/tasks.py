from __future__ import annotations

import uuid

from app.integrations.storage import Storage
from app.media import service as media_service
from app.outbox.registry import TaskContext


async def process_asset(ctx: TaskContext, storage: Storage, max_image_pixels: int) -> None:
    await media_service.process(
        ctx.session, storage, uuid.UUID(ctx.payload["asset_id"]), max_image_pixels
    )


async def delete_files(ctx: TaskContext, storage: Storage) -> None:
    # Idempotent: deleting a missing object is not an error on any backend.
    await storage.delete(list(ctx.payload["keys"]))
