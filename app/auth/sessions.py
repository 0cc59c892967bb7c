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

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import queries
from app.auth.models import RefreshToken
from app.core.config import Settings
from app.core.db import Database


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
    token_hash = hash_token(raw)
    row = await queries.rotate_token(session, token_hash, datetime.now(UTC))
    if row is not None:
        return Rotation(row["account_id"], row["family_id"], row["family_expires_at"])
    reused = await queries.rotated_family(session, token_hash)
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
    await queries.revoke_family(session, family_id)


async def revoke_family_of(session: AsyncSession, raw: str) -> None:
    family = await queries.family_of(session, hash_token(raw))
    if family is not None:
        await revoke_family(session, family)


async def revoke_all(session: AsyncSession, account_id: uuid.UUID) -> None:
    await queries.revoke_account_tokens(session, account_id)


async def live_families(session: AsyncSession, account_id: uuid.UUID) -> int:
    return await queries.live_family_count(session, account_id, datetime.now(UTC))
