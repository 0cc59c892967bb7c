"""Email codes: 6 digits from a CSPRNG, stored as an HMAC, 10 minutes, single use, 5 guesses,
a new one voids the old, at most 5 sends per email per hour.

The hourly cap counts every sign-in email sent to an address, codes or not: a notice without
a code is recorded as a spent row of purpose `notice`.

A verify code is bound to the registration it confirms: the hash of the password waiting on
the account is part of the code's HMAC, so the code confirms that registration and no other."""

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


def _hash(
    secret_key: str, email: str, purpose: Purpose, code: str, binding: str | None = None
) -> str:
    message = f"{purpose.value}:{email}:{code}"
    if binding is not None:
        message = f"{message}:{binding}"
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


async def lock_address(session: AsyncSession, email: str) -> None:
    """Serialises the sign-in steps of one address until the transaction ends."""
    await queries.lock_address(session, email)


async def _may_send(session: AsyncSession, email: str, now: datetime) -> bool:
    # Serialised per address until the transaction ends, so that two concurrent requests
    # cannot both take the last send of the hour.
    await queries.lock_address(session, email)
    sent_last_hour = await queries.codes_sent_since(session, email, now - timedelta(hours=1))
    return sent_last_hour < MAX_SENDS_PER_HOUR


async def issue(
    session: AsyncSession,
    secret_key: str,
    email: str,
    purpose: Purpose,
    *,
    binding: str | None = None,
) -> str | None:
    """A fresh code for `email`, or None when the hourly send cap is reached. `binding` (the
    registration's password hash, for a verify code) must be given again to spend it.

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
            code_hash=_hash(secret_key, email, purpose, code, binding),
            expires_at=now + CODE_TTL,
        )
    )
    await session.flush()
    return code


async def void(session: AsyncSession, email: str, purpose: Purpose) -> None:
    """Ends every live code of `purpose` sent to `email`."""
    await queries.void_live_codes(session, email, purpose.value, datetime.now(UTC))


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
        return await _consume(session, secret_key, email, purpose, code, None)


async def confirm_registration(
    db: Database, secret_key: str, email: str, code: str
) -> tuple[bool, str | None]:
    """Spends a verify code, as `consume` does; with it, the password hash of the registration
    that was waiting on the address's unverified account: the code's binding."""
    async with db.session() as session:
        waiting = await queries.waiting_password(session, email)
        spent = await _consume(session, secret_key, email, Purpose.verify, code, waiting)
        return spent, waiting


async def _consume(
    session: AsyncSession,
    secret_key: str,
    email: str,
    purpose: Purpose,
    code: str,
    binding: str | None,
) -> bool:
    now = datetime.now(UTC)
    row = await queries.newest_live_code(session, email, purpose.value, now)
    if row is None or row["attempts"] >= MAX_GUESSES:
        return False
    expected = _hash(secret_key, email, purpose, code, binding)
    if not hmac.compare_digest(row["code_hash"], expected):
        await queries.count_guess(session, row["id"])
        return False
    await queries.spend_code(session, row["id"], now)
    return True
