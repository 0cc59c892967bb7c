"""Retention of the outbox: dead letters are kept for inspection, then deleted."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.outbox.models import OutboxMessage, OutboxStatus

_outbox = table_of(OutboxMessage).c


async def prune(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes dead letters last tried before `cutoff` (their payload may hold an email
    address); returns how many."""
    result = await session.execute(
        sa.delete(table_of(OutboxMessage)).where(
            _outbox.status == OutboxStatus.dead.value,
            # The last attempt's time: every failure moves available_at on.
            _outbox.available_at < cutoff,
        )
    )
    return int(getattr(result, "rowcount", 0))
