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

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import queries
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
    await queries.lock_address(session, email)
    sent_last_hour = await queries.codes_sent_since(session, email, now - timedelta(hours=1))
    return sent_last_hour < MAX_SENDS_PER_HOUR


async def issue(session: AsyncSession, secret_key: str, email: str, purpose: Purpose) -> str | None:
    """A fresh code for `email`, or None when the hourly send cap is reached.

    The caller answers the same either way, so the cap reveals nothing.
    """
    now = datetime.now(UTC)
    if not await _may_send(session, email, now):
        return None
    await queries.void_live_codes(session, email, purpose.value, now)
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
    row = await queries.newest_live_code(session, email, purpose.value, now)
    if row is None or row["attempts"] >= MAX_GUESSES:
        return False
    if not hmac.compare_digest(row["code_hash"], _hash(secret_key, email, purpose, code)):
        await queries.count_guess(session, row["id"])
        return False
    await queries.spend_code(session, row["id"], now)
    return True
