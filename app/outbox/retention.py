"""Retention of the outbox: dead letters are kept for inspection, then deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox import queries


async def prune(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes dead letters last tried before `cutoff` (their payload may hold an email
    address); returns how many."""
    return await queries.delete_dead(session, cutoff)
