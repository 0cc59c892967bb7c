"""Email codes: 6 digits from a CSPRNG, stored as an HMAC, 10 minutes, single use, 5 guesses,
a new one voids the old, at most 5 sends per email per hour.

The hourly cap counts every sign-in email sent to an address, codes or not: a notice without
a code is recorded as a spent row of purpose `notice`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import EmailCode
from app.core.db import Database

CODE_TTL = timedelta(minutes=10)
MAX_GUESSES = 5
MAX_SENDS_PER_HOUR = 5


class Purpose(StrEnum):
    verify = "verify"
    passwordless = "passwordless"
    reset = "reset"
    notice = "notice"  # no code: an email that only tells something


def _hash(secret_key: str, email: str, purpose: Purpose, code: str) -> str:
    message = f"{purpose.value}:{email}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


async def _may_send(session: AsyncSession, email: str, now: datetime) -> bool:
    # Serialised per address until the transaction ends, so that two concurrent requests
    # cannot both take the last send of the hour.
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(email))))
    sent_last_hour = await session.scalar(
        sa.select(sa.func.count())
        .select_from(EmailCode)
        .where(EmailCode.email == email, EmailCode.created_at > now - timedelta(hours=1))  # type: ignore[arg-type]
    )
    return (sent_last_hour or 0) < MAX_SENDS_PER_HOUR


async def issue(session: AsyncSession, secret_key: str, email: str, purpose: Purpose) -> str | None:
    """A fresh code for `email`, or None when the hourly send cap is reached.

    The caller answers the same either way, so the cap reveals nothing.
    """
    now = datetime.now(UTC)
    if not await _may_send(session, email, now):
        return None
    await session.execute(
        sa.update(EmailCode)
        .where(
            EmailCode.email == email,  # type: ignore[arg-type]
            EmailCode.purpose == purpose.value,  # type: ignore[arg-type]
            EmailCode.consumed_at.is_(None),  # type: ignore[union-attr]
            EmailCode.expires_at > now,  # type: ignore[arg-type]
        )
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        EmailCode(
            email=email,
            purpose=purpose.value,
            code_hash=_hash(secret_key, email, purpose, code),
            expires_at=now + CODE_TTL,
        )
    )
    await session.flush()
    return code


async def record_notice(session: AsyncSession, email: str) -> bool:
    """Counts an email without a code against the cap; False when the cap is reached."""
    now = datetime.now(UTC)
    if not await _may_send(session, email, now):
        return False
    # Born spent: there is nothing to guess, the row only counts.
    session.add(
        EmailCode(
            email=email,
            purpose=Purpose.notice.value,
            code_hash=secrets.token_hex(32),
            expires_at=now,
            consumed_at=now,
        )
    )
    await session.flush()
    return True


async def consume(db: Database, secret_key: str, email: str, purpose: Purpose, code: str) -> bool:
    """True once for the right code; every wrong guess counts against the code's budget.

    Runs in its own transaction: a wrong guess must stay counted although the request that
    made it fails (and rolls back). The row is locked, so two requests racing with the same
    code cannot both succeed.
    """
    async with db.session() as session:
        return await _consume(session, secret_key, email, purpose, code)


async def _consume(
    session: AsyncSession, secret_key: str, email: str, purpose: Purpose, code: str
) -> bool:
    now = datetime.now(UTC)
    row = (
        await session.execute(
            sa.select(EmailCode)
            .where(
                EmailCode.email == email,  # type: ignore[arg-type]
                EmailCode.purpose == purpose.value,  # type: ignore[arg-type]
                EmailCode.consumed_at.is_(None),  # type: ignore[union-attr]
                EmailCode.expires_at > now,  # type: ignore[arg-type]
            )
            .order_by(EmailCode.created_at.desc())  # type: ignore[attr-defined]
            .limit(1)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.attempts >= MAX_GUESSES:
        return False
    if not hmac.compare_digest(row.code_hash, _hash(secret_key, email, purpose, code)):
        row.attempts += 1
        await session.flush()
        return False
    row.consumed_at = now
    await session.flush()
    return True
