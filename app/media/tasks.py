from __future__ import annotations

import uuid

from app.data_rights import STORAGE_DELETE_TASK
from app.media import service as media_service
from app.outbox.registry import TaskContext, task


@task(media_service.PROCESS_TASK)
async def process_asset(ctx: TaskContext) -> None:
    await media_service.process(
        ctx.session, ctx.runtime.storage, uuid.UUID(ctx.payload["asset_id"])
    )


@task(STORAGE_DELETE_TASK)
async def delete_files(ctx: TaskContext) -> None:
    # Idempotent: deleting a missing object is not an error on any backend.
    await ctx.runtime.storage.delete(list(ctx.payload["keys"]))
