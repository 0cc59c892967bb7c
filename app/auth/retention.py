"""Retention of sign-in records: email codes and refresh tokens that can no longer be used."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import EmailCode, RefreshToken
from app.core.schema import table_of

_codes = table_of(EmailCode)
_tokens = table_of(RefreshToken)


async def prune_email_codes(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes codes that expired before `cutoff`: used or not, none can sign in any more.
    A code lives minutes, so the hourly send cap (which counts recent codes) is untouched
    while `cutoff` is at least an hour back."""
    result = await session.execute(sa.delete(_codes).where(_codes.c.expires_at < cutoff))
    return int(getattr(result, "rowcount", 0))


async def prune_refresh_tokens(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes the tokens of sessions that ended (every token expired or revoked) before
    `cutoff`. A live session keeps its rotated tokens: presenting one again is how a stolen
    token is caught, and revokes the session."""
    ended_at = sa.func.max(
        sa.case(
            (
                _tokens.c.revoked_at.is_not(None),
                sa.func.least(_tokens.c.revoked_at, _tokens.c.expires_at),
            ),
            else_=_tokens.c.expires_at,
        )
    )
    ended = sa.select(_tokens.c.family_id).group_by(_tokens.c.family_id).having(ended_at < cutoff)
    result = await session.execute(sa.delete(_tokens).where(_tokens.c.family_id.in_(ended)))
    return int(getattr(result, "rowcount", 0))
