"""Refresh-token families: opaque tokens stored as SHA-256, rotated on every use.

A family is one signed-in device. Each refresh marks the presented token rotated and adds
its successor to the family; presenting a rotated token again revokes the whole family.
Tokens expire after an idle period, families after an absolute lifetime.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RefreshToken
from app.core.config import Settings
from app.core.db import Database
from app.core.schema import table_of

_tokens = table_of(RefreshToken)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Rotation:
    account_id: uuid.UUID
    family_id: uuid.UUID
    family_expires_at: datetime


class RefreshRejected(Exception):
    """The token is unknown, expired, revoked, or was already used (and its family is now
    revoked)."""


async def add_token(
    session: AsyncSession,
    settings: Settings,
    account_id: uuid.UUID,
    family_id: uuid.UUID | None = None,
    family_expires_at: datetime | None = None,
) -> str:
    """Stores a new refresh token (a new family unless one is given); returns the raw value."""
    now = datetime.now(UTC)
    family_expires_at = family_expires_at or now + timedelta(days=settings.refresh_absolute_days)
    raw = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            account_id=account_id,
            family_id=family_id or uuid.uuid4(),
            token_hash=hash_token(raw),
            expires_at=min(now + timedelta(days=settings.refresh_idle_days), family_expires_at),
            family_expires_at=family_expires_at,
        )
    )
    await session.flush()
    return raw


async def rotate(session: AsyncSession, db: Database, raw: str) -> Rotation:
    """Marks the token used and returns its family. Only one of two concurrent calls with the
    same token gets here; the other finds it rotated and revokes the family."""
    now = datetime.now(UTC)
    token_hash = hash_token(raw)
    row = (
        await session.execute(
            sa.update(_tokens)
            .where(
                _tokens.c.token_hash == token_hash,
                _tokens.c.rotated_at.is_(None),
                _tokens.c.revoked_at.is_(None),
                _tokens.c.expires_at > now,
            )
            .values(rotated_at=now)
            .returning(_tokens.c.account_id, _tokens.c.family_id, _tokens.c.family_expires_at)
        )
    ).one_or_none()
    if row is not None:
        return Rotation(row.account_id, row.family_id, row.family_expires_at)
    reused = (
        await session.execute(
            sa.select(_tokens.c.family_id).where(
                _tokens.c.token_hash == token_hash, _tokens.c.rotated_at.is_not(None)
            )
        )
    ).scalar_one_or_none()
    if reused is not None:
        # The request will answer 401 and roll back, so the revocation commits on its own.
        # Our UPDATE above may still hold this row's lock (PostgreSQL keeps the lock of a
        # concurrently updated row even when it no longer matches): release it first, or
        # the revocation would wait on our own transaction forever.
        await session.rollback()
        async with db.session() as own:
            await revoke_family(own, reused)
    raise RefreshRejected


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        sa.update(_tokens)
        .where(_tokens.c.family_id == family_id, _tokens.c.revoked_at.is_(None))
        .values(revoked_at=sa.func.now())
    )


async def revoke_family_of(session: AsyncSession, raw: str) -> None:
    family = (
        await session.execute(
            sa.select(_tokens.c.family_id).where(_tokens.c.token_hash == hash_token(raw))
        )
    ).scalar_one_or_none()
    if family is not None:
        await revoke_family(session, family)


async def revoke_all(session: AsyncSession, account_id: uuid.UUID) -> None:
    await session.execute(
        sa.update(_tokens)
        .where(_tokens.c.account_id == account_id, _tokens.c.revoked_at.is_(None))
        .values(revoked_at=sa.func.now())
    )


async def live_families(session: AsyncSession, account_id: uuid.UUID) -> int:
    now = datetime.now(UTC)
    count = await session.scalar(
        sa.select(sa.func.count(sa.distinct(_tokens.c.family_id))).where(
            _tokens.c.account_id == account_id,
            _tokens.c.revoked_at.is_(None),
            _tokens.c.rotated_at.is_(None),
            _tokens.c.expires_at > now,
        )
    )
    return int(count or 0)
