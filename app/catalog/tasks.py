"""Catalogue background work: generated read-aloud for an eBook's pages."""

from __future__ import annotations

import uuid

from app.catalog import admin_service
from app.core.errors import UnprocessableEntity
from app.integrations.storage import Storage
from app.integrations.tts import TextToSpeech
from app.outbox.registry import PermanentTaskError, TaskContext


async def narrate(
    ctx: TaskContext, storage: Storage, tts: TextToSpeech, max_image_pixels: int
) -> None:
    try:
        await _narrate(ctx, storage, tts, max_image_pixels)
    except UnprocessableEntity as exc:
        # The eBook's language changed to one the engine cannot speak: no retry cures it.
        raise PermanentTaskError(str(exc.detail)) from exc


async def _narrate(
    ctx: TaskContext, storage: Storage, tts: TextToSpeech, max_image_pixels: int
) -> None:
    payload = ctx.payload
    account = payload.get("account_id")
    await admin_service.narrate(
        ctx.session,
        storage,
        tts,
        uuid.UUID(payload["ebook_id"]),
        voice=payload.get("voice"),
        speed=float(payload.get("speed") or 1.0),
        account_id=uuid.UUID(account) if account else None,
        max_image_pixels=max_image_pixels,
    )
