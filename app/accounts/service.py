"""Accounts: lookups, creation, profile edits, roles and disabling."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Account, Role
from app.accounts.schemas import AccountUpdate, AdminAccountOut, AdminAccountUpdate
from app.core.errors import Conflict, NotFound
from app.core.pagination import Page, PageParams, build_page, decode_cursor, parse_datetime
from app.core.security import hash_password


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
    statement = sa.select(Account).where(sa.func.lower(Account.email) == normalize_email(email))
    if lock:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def get_by_google_sub(session: AsyncSession, sub: str) -> Account | None:
    statement = sa.select(Account).where(Account.google_sub == sub)  # type: ignore[arg-type]
    return (await session.execute(statement)).scalar_one_or_none()


async def admin_exists(session: AsyncSession) -> bool:
    result = await session.execute(
        sa.select(sa.exists().where(Account.role == Role.admin))  # type: ignore[arg-type]
    )
    return bool(result.scalar())


async def create_account(
    session: AsyncSession,
    email: str,
    password: str | None,
    role: Role = Role.parent,
    *,
    verified: bool = True,
    google_sub: str | None = None,
) -> Account:
    account = Account(
        email=email.strip(),
        password_hash=await hash_password(password) if password else None,
        role=role,
        email_verified_at=datetime.now(UTC) if verified else None,
        google_sub=google_sub,
    )
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
    statement = sa.select(Account)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(Account.email).like(pattern),
                sa.func.lower(Account.display_name).like(pattern),
            )
        )
    if role:
        statement = statement.where(Account.role == role)  # type: ignore[arg-type]
    if page.cursor:
        created, ident = decode_cursor(page.cursor, parse_datetime, uuid.UUID)
        statement = statement.where(
            sa.tuple_(Account.created_at, Account.id) < sa.tuple_(created, ident)
        )
    statement = statement.order_by(
        Account.created_at.desc(),  # type: ignore[attr-defined]
        Account.id.desc(),  # type: ignore[attr-defined]
    ).limit(page.limit + 1)
    rows: Sequence[Account] = (await session.execute(statement)).scalars().all()
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
