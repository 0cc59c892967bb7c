"""Outbox housekeeping jobs."""

from __future__ import annotations

from app.outbox import service as outbox_service
from app.runtime import Runtime


async def drain_outbox(runtime: Runtime) -> str:
    """Delivers every due message now (a safety net beside the task backend)."""
    delivered = await runtime.worker.run_due()
    return f"delivered {delivered} task(s)"


async def prune_outbox(runtime: Runtime) -> str:
    """Deletes delivered messages older than a week; dead letters stay for inspection."""
    async with runtime.db.session() as session:
        deleted = await outbox_service.prune_delivered(session)
    return f"deleted {deleted} delivered message(s)"
