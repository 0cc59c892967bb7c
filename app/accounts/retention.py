"""Retention of accounts: a parent account whose address was never verified is deleted once
it is old enough, with everything that belongs to it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Account, Role
from app.auth.models import EmailCode, RefreshToken
from app.core.schema import table_of
from app.data_rights import DataRights, Scope

_accounts = table_of(Account)
_tokens = table_of(RefreshToken)
_codes = table_of(EmailCode)


async def prune(session: AsyncSession, cutoff: datetime, rights: DataRights) -> int:
    """Deletes parent accounts created before `cutoff` and never verified, unless one has a
    live session; returns how many. Staff accounts are never pruned. The database cascades
    to the account's rows; its stored files go by a task after commit, its codes now."""
    live_session = (
        sa.select(_tokens.c.id)
        .where(
            _tokens.c.account_id == _accounts.c.id,
            _tokens.c.revoked_at.is_(None),
            _tokens.c.expires_at > datetime.now(UTC),
        )
        .exists()
    )
    rows = (
        await session.execute(
            sa.select(_accounts.c.id, _accounts.c.email)
            .where(
                _accounts.c.email_verified_at.is_(None),
                _accounts.c.role == Role.parent.value,
                _accounts.c.created_at < cutoff,
                ~live_session,
            )
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return 0
    for row in rows:
        await rights.schedule_file_removal(session, Scope(account_id=row.id))
    await session.execute(
        sa.delete(_codes).where(_codes.c.email.in_([row.email.lower() for row in rows]))
    )
    await session.execute(sa.delete(_accounts).where(_accounts.c.id.in_([row.id for row in rows])))
    return len(rows)
