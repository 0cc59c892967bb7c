"""Retention of sign-in records: email codes and refresh tokens that can no longer be used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import queries


async def prune_email_codes(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes codes that expired before `cutoff`: used or not, none can sign in any more.
    A code lives minutes, so the hourly send cap (which counts recent codes) is untouched
    while `cutoff` is at least an hour back."""
    return await queries.prune_codes(session, cutoff)


async def prune_refresh_tokens(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes the tokens of sessions that ended (every token expired or revoked) before
    `cutoff`. A live session keeps its rotated tokens: presenting one again is how a stolen
    token is caught, and revokes the session."""
    return await queries.prune_families(session, cutoff)
