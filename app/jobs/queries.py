"""The statements the jobs themselves run (the work is the modules' own functions)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

# :key. Held until the transaction ends; False when another transaction holds it.
_TRY_LOCK = sa.select(sa.func.pg_try_advisory_xact_lock(sa.bindparam("key", type_=sa.BigInteger)))


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Takes the transaction-level advisory lock `key` if no one holds it."""
    return bool(await session.scalar(_TRY_LOCK, {"key": key}))
