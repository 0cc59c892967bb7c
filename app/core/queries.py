"""The statements of the core's own tables (cache_change, app/core/coherence.py;
idempotency_key, app/core/idempotency.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

_RECORD = "INSERT INTO cache_change (kind, key, value) VALUES ($1, $2, $3)"
# Changes are written only while an instance is cut off from Redis; each write clears what
# has long left every reader's window.
_FORGET = "DELETE FROM cache_change WHERE at < now() - interval '1 hour'"
_RECENT = (
    "SELECT id, kind, key, value FROM cache_change "
    "WHERE at > now() - make_interval(secs => $1) ORDER BY id"
)


async def record_changes(
    conn: asyncpg.Connection[Any], changes: Sequence[tuple[str, str, str | None]]
) -> None:
    async with conn.transaction():
        await conn.executemany(_RECORD, changes)
        await conn.execute(_FORGET)


async def recent_changes(conn: asyncpg.Connection[Any], seconds: float) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(_RECENT, seconds)
    return rows


# --- idempotency_key: the kept answers of writes sent with an Idempotency-Key --------------

# :lock. Held until the request's transaction ends; False while another transaction holds it.
_TRY_LOCK_KEY = sa.select(
    sa.func.pg_try_advisory_xact_lock(sa.bindparam("lock", type_=sa.BigInteger))
)
_KEPT_ANSWER = sa.text(
    "SELECT fingerprint, status, headers, body FROM idempotency_key "
    "WHERE account_id = :account_id AND route = :route AND key = :key "
    "AND created_at > now() - make_interval(secs => :seconds)"
).columns(
    sa.column("fingerprint", sa.String),
    sa.column("status", sa.Integer),
    sa.column("headers", JSONB),
    sa.column("body", sa.LargeBinary),
)
# A row still there past its lifetime (not pruned yet) is replaced: it no longer counts.
_KEEP_ANSWER = sa.text(
    "INSERT INTO idempotency_key (account_id, route, key, fingerprint, status, headers, body) "
    "VALUES (:account_id, :route, :key, :fingerprint, :status, :headers, :body) "
    "ON CONFLICT (account_id, route, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
    "status = EXCLUDED.status, headers = EXCLUDED.headers, body = EXCLUDED.body, "
    "created_at = now()"
).bindparams(sa.bindparam("headers", type_=JSONB), sa.bindparam("body", type_=sa.LargeBinary))
_FORGET_ANSWERS = sa.text("DELETE FROM idempotency_key WHERE created_at < :cutoff")


async def try_lock_key(session: AsyncSession, lock: int) -> bool:
    """Takes the transaction-level advisory lock of one key if no other request holds it."""
    return bool(await session.scalar(_TRY_LOCK_KEY, {"lock": lock}))


async def kept_answer(
    session: AsyncSession, account_id: uuid.UUID, route: str, key: str, seconds: float
) -> sa.RowMapping | None:
    """The answer kept for this key within the last `seconds`: fingerprint, status, headers,
    body."""
    result = await session.execute(
        _KEPT_ANSWER, {"account_id": account_id, "route": route, "key": key, "seconds": seconds}
    )
    return result.mappings().first()


async def keep_answer(
    session: AsyncSession,
    account_id: uuid.UUID,
    route: str,
    key: str,
    *,
    fingerprint: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
) -> None:
    await session.execute(
        _KEEP_ANSWER,
        {
            "account_id": account_id,
            "route": route,
            "key": key,
            "fingerprint": fingerprint,
            "status": status,
            "headers": headers,
            "body": body,
        },
    )


async def forget_answers(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(_FORGET_ANSWERS, {"cutoff": cutoff})
    return int(getattr(result, "rowcount", 0))
