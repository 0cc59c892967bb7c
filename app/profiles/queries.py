"""The statements of explorer profiles, built once; each run by one function on the
request's session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import keyset
from app.core.schema import table_of
from app.profiles.models import Profile

_profiles = table_of(Profile).c

# A family's explorers (:account_id), oldest first.
_OF_ACCOUNT = (
    sa.select(Profile)
    .where(_profiles.account_id == sa.bindparam("account_id"))
    .order_by(_profiles.created_at)
)
_COUNT_OF_ACCOUNT = sa.select(sa.func.count()).where(
    _profiles.account_id == sa.bindparam("account_id")
)
# SQL text: profiles do not import the accounts module's tables.
_LOCK_ACCOUNT = sa.text("SELECT 1 FROM account WHERE id = :account_id FOR UPDATE")


async def of_account(session: AsyncSession, account_id: uuid.UUID) -> Sequence[Profile]:
    """A family's explorers, oldest first."""
    return (await session.execute(_OF_ACCOUNT, {"account_id": account_id})).scalars().all()


async def page_of_account(
    session: AsyncSession, account_id: uuid.UUID, after: tuple[Any, Any] | None, limit: int
) -> Sequence[Profile]:
    """Up to `limit` of a family's explorers, oldest first, after the keyset `after`
    (created_at, id)."""
    statement = (
        sa.select(Profile)
        .where(_profiles.account_id == account_id)
        .order_by(_profiles.created_at, _profiles.id)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(keyset([_profiles.created_at, _profiles.id], after))
    return (await session.execute(statement)).scalars().all()


async def count_of_account(session: AsyncSession, account_id: uuid.UUID) -> int:
    count = await session.scalar(_COUNT_OF_ACCOUNT, {"account_id": account_id})
    return int(count or 0)


async def lock_account(session: AsyncSession, account_id: uuid.UUID) -> None:
    """Holds the family's account row until the transaction ends."""
    await session.execute(_LOCK_ACCOUNT, {"account_id": account_id})


# Raw asyncpg: the scope of an explorer's hot requests (heartbeat, quiz answer, "My
# adventures") needs only whose profile it is; loading the profile through the ORM measured
# as a fifth of a heartbeat's time (bench/README.md: heartbeat 0.66-0.69 of the floor).
_OWNER = "SELECT account_id FROM profile WHERE id = $1"


async def owner_of(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> uuid.UUID | None:
    """The account the profile belongs to; None when there is no such profile."""
    owner: uuid.UUID | None = await conn.fetchval(_OWNER, profile_id)
    return owner
