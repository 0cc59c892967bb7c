"""Accounts: lookups, creation, profile edits, roles and disabling."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import queries
from app.accounts.models import Account, Consent, Role
from app.accounts.privacy import NOTICE_VERSION
from app.accounts.schemas import AccountOut, AccountUpdate, AdminAccountOut, AdminAccountUpdate
from app.auth import revocation
from app.auth.tokens import clock_us
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.hashing import hash_password, verify_password
from app.core.pagination import Page, PageParams, build_page, cursor_values, parse_datetime
from app.core.ratelimit import Limit, RateLimiter


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def get(session: AsyncSession, account_id: uuid.UUID) -> Account | None:
    return await session.get(Account, account_id)


async def get_or_404(session: AsyncSession, account_id: uuid.UUID) -> Account:
    account = await get(session, account_id)
    if account is None:
        raise NotFound("No such account.")
    return account


async def get_by_email(session: AsyncSession, email: str, *, lock: bool = False) -> Account | None:
    return await queries.by_email(session, normalize_email(email), lock=lock)


async def get_by_google_sub(session: AsyncSession, sub: str) -> Account | None:
    return await queries.by_google_sub(session, sub)


async def admin_exists(session: AsyncSession) -> bool:
    return await queries.admin_exists(session)


async def create_account(
    session: AsyncSession,
    email: str,
    password: str | None,
    role: Role = Role.parent,
    *,
    verified: bool = True,
    google_sub: str | None = None,
    password_hash: str | None = None,
    account_id: uuid.UUID | None = None,
) -> Account:
    """A new account; `password_hash` when the caller has hashed the password already;
    `account_id` a chosen id (the demo's stable ids), else a new one."""
    if password:
        password_hash = await hash_password(password)
    account = Account(
        email=email.strip(),
        password_hash=password_hash,
        role=role,
        email_verified_at=datetime.now(UTC) if verified else None,
        google_sub=google_sub,
    )
    if account_id is not None:
        account.id = account_id
    session.add(account)
    await session.flush()
    return account


async def update_profile(
    session: AsyncSession, account: Account, changes: AccountUpdate
) -> Account:
    for field, value in changes.model_dump(exclude_unset=True).items():
        if value is None and field in {"locale", "timezone"}:
            continue  # these always have a value; null leaves them as they are
        setattr(account, field, value)
    await session.flush()
    await session.refresh(account)
    return account


async def set_password(session: AsyncSession, account: Account, password: str) -> None:
    account.password_hash = await hash_password(password)
    await session.flush()


async def mark_verified(session: AsyncSession, account: Account) -> None:
    if account.email_verified_at is None:
        account.email_verified_at = datetime.now(UTC)
        await session.flush()


async def admin_list(
    session: AsyncSession, page: PageParams, q: str | None, role: Role | None
) -> Page[AdminAccountOut]:
    """Newest first; `q` matches email or display name."""
    after = cursor_values(page.cursor, parse_datetime, uuid.UUID)
    rows = await queries.admin_page(session, q, role, after, page.limit + 1)
    return build_page(rows, page.limit, lambda a: [a.created_at, a.id], AdminAccountOut.of)


async def admin_update(
    session: AsyncSession, actor_id: uuid.UUID, account_id: uuid.UUID, changes: AdminAccountUpdate
) -> tuple[Account, bool]:
    """Applies a role change or (dis)abling; returns the account and whether its sessions
    must end (demoted or disabled)."""
    account = await get_or_404(session, account_id)
    if account.id == actor_id and (
        (changes.role is not None and changes.role is not Role.admin) or changes.disabled
    ):
        raise Conflict(
            "Admins cannot demote or disable themselves; ask another admin.", code="self_change"
        )
    end_sessions = False
    if changes.role is not None and changes.role != account.role:
        account.role = changes.role
        end_sessions = True
    if changes.disabled is True and account.disabled_at is None:
        account.disabled_at = datetime.now(UTC)
        end_sessions = True
    if changes.disabled is False:
        account.disabled_at = None
    await session.flush()
    await session.refresh(account)
    return account, end_sessions


# --- consent ---------------------------------------------------------------------------


async def has_current_consent(session: AsyncSession, account_id: uuid.UUID) -> bool:
    return await queries.consent_exists(session, account_id, NOTICE_VERSION)


async def require_consent(session: AsyncSession, account_id: uuid.UUID) -> None:
    if not await has_current_consent(session, account_id):
        raise Forbidden(
            f"Please read and accept the privacy notice (version {NOTICE_VERSION}) first.",
            code="consent_required",
        )


async def record_consent(session: AsyncSession, account_id: uuid.UUID, version: str) -> Consent:
    if version != NOTICE_VERSION:
        raise Conflict(
            f"The current privacy notice is version {NOTICE_VERSION}; read it and accept that.",
            code="notice_outdated",
        )
    return await queries.record_consent(session, account_id, version)


# --- PIN --------------------------------------------------------------------------------


# Wrong PINs only: five per five minutes per account, shared across instances.
PIN_FAILURES = (Limit(times=5, seconds=5 * 60),)


async def check_pin(limiter: RateLimiter, account: Account, pin: str | None) -> None:
    """Passes when the account has no PIN or `pin` is right; wrong guesses are limited.

    Each guess is counted before it is checked, so parallel guesses cannot all pass a count
    read before any of them was recorded; a right PIN gives its count back."""
    if account.pin_hash is None:
        return
    if pin is None:
        raise Forbidden("Enter the parent PIN.", code="pin_required")
    attempt = await limiter.take("pin", str(account.id), PIN_FAILURES)
    try:
        matches, _ = await verify_password(pin, account.pin_hash)
    except BaseException:
        await limiter.give_back(attempt)  # never checked (no slot to hash in)
        raise
    if not matches:
        raise Forbidden("That PIN is not right.", code="wrong_pin")
    await limiter.give_back(attempt)


async def set_pin(
    session: AsyncSession, limiter: RateLimiter, account: Account, pin: str, current: str | None
) -> None:
    await check_pin(limiter, account, current)
    account.pin_hash = await hash_password(pin)
    await session.flush()
    # Kid mode started under the old PIN (or none) ends on every device.
    await revocation.end_tokens(session, account.id, clock_us(), explorers_only=True)


async def remove_pin(
    session: AsyncSession, limiter: RateLimiter, account: Account, current: str
) -> None:
    await check_pin(limiter, account, current)
    account.pin_hash = None
    await session.flush()
    await revocation.end_tokens(session, account.id, clock_us(), explorers_only=True)


# --- export and deletion ----------------------------------------------------------------


async def export_account(session: AsyncSession, account_id: uuid.UUID) -> dict[str, object]:
    account = await get_or_404(session, account_id)
    return {
        **AccountOut.of(account).model_dump(mode="json"),
        "pin_set": account.pin_hash is not None,
        "disabled": account.disabled_at is not None,
    }


async def export_consents(session: AsyncSession, account_id: uuid.UUID) -> list[dict[str, object]]:
    return [
        {"notice_version": row["notice_version"], "accepted_at": row["accepted_at"].isoformat()}
        for row in await queries.consents_of(session, account_id)
    ]


async def delete_account(session: AsyncSession, account: Account) -> None:
    """Deletes the account; the database cascades to every row that belongs to it."""
    await queries.delete_email_codes(session, [account.email.lower()])
    await session.delete(account)
    await session.flush()
    # Every token of the account answers 401 from the next request on.
    revocation.account_deleted(session, account.id)
