"""Outbox housekeeping jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.jobs import job
from app.outbox.models import OutboxMessage, OutboxStatus
from app.runtime import Runtime

DONE_RETENTION = timedelta(days=7)


@job("drain-outbox")
async def drain_outbox(runtime: Runtime) -> str:
    """Delivers every due message now (a safety net beside the task backend)."""
    delivered = await runtime.worker.run_due()
    return f"delivered {delivered} task(s)"


@job("prune-outbox")
async def prune_outbox(runtime: Runtime) -> str:
    """Deletes delivered messages older than a week; dead letters stay for inspection."""
    cutoff = datetime.now(UTC) - DONE_RETENTION
    async with runtime.db.session() as session:
        result = await session.execute(
            sa.delete(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.done,  # type: ignore[arg-type]
                OutboxMessage.completed_at < cutoff,  # type: ignore[arg-type,operator]
            )
        )
    return f"deleted {getattr(result, 'rowcount', 0)} delivered message(s)"
