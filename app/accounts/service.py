from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Account, Role
from app.core.security import hash_password


async def get_by_email(session: AsyncSession, email: str) -> Account | None:
    result = await session.execute(
        sa.select(Account).where(sa.func.lower(Account.email) == email.strip().lower())
    )
    return result.scalar_one_or_none()


async def admin_exists(session: AsyncSession) -> bool:
    result = await session.execute(
        sa.select(sa.exists().where(Account.role == Role.admin))  # type: ignore[arg-type]
    )
    return bool(result.scalar())


async def create_account(
    session: AsyncSession, email: str, password: str | None, role: Role = Role.parent
) -> Account:
    account = Account(
        email=email.strip(),
        password_hash=await hash_password(password) if password else None,
        role=role,
        email_verified_at=datetime.now(UTC),
    )
    session.add(account)
    await session.flush()
    return account
