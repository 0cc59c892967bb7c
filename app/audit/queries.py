"""Audit statements, built once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.audit.schemas import AuditFilters
from app.audit.triggers import ACTOR_ID, ACTOR_ROLE, REQUEST_ID, ROUTE
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime
from app.core.schema import table_of

audit = table_of(AuditEvent)

# `at`: when it was written, as the trigger's rows (not when the transaction began).
INSERT = sa.insert(audit).values(at=sa.func.clock_timestamp())


async def insert_event(session: AsyncSession, row: dict[str, Any]) -> None:
    """One audit row (every column but `at`), in the session's transaction."""
    await session.execute(INSERT, [row])


_COLUMNS = (
    audit.c.id,
    audit.c.at,
    audit.c.actor_id,
    audit.c.actor_role,
    audit.c.action,
    audit.c.target_type,
    audit.c.target_id,
    audit.c.changes,
    audit.c.route,
    audit.c.request_id,
)


def cursor_of(at: datetime, event_id: uuid.UUID) -> str:
    return encode_cursor([at, event_id])


async def events(
    session: AsyncSession, filters: AuditFilters, limit: int, cursor: str | None
) -> Sequence[sa.RowMapping]:
    """Newest first; each filter narrows, keyset on (at, id)."""
    statement = sa.select(*_COLUMNS)
    if filters.actor is not None:
        statement = statement.where(audit.c.actor_id == filters.actor)
    if filters.target_type is not None:
        statement = statement.where(audit.c.target_type == filters.target_type)
    if filters.target_id is not None:
        statement = statement.where(audit.c.target_id == filters.target_id)
    if filters.action is not None:
        statement = statement.where(audit.c.action == filters.action)
    if filters.from_ is not None:
        statement = statement.where(audit.c.at >= filters.from_)
    if filters.to is not None:
        statement = statement.where(audit.c.at < filters.to)
    if cursor:
        at, event_id = decode_cursor(cursor, parse_datetime, uuid.UUID)
        statement = statement.where(sa.tuple_(audit.c.at, audit.c.id) < (at, event_id))
    statement = statement.order_by(audit.c.at.desc(), audit.c.id.desc()).limit(limit)
    return (await session.execute(statement)).mappings().all()


# The trigger lets a DELETE through only in a transaction that set this (SET LOCAL).
_ALLOW_RETENTION = sa.text("SET LOCAL app.audit_retention = 'on'")
_PRUNE = sa.delete(audit).where(audit.c.at < sa.bindparam("before"))


# :key. Held until the transaction ends; False when another transaction holds it.
_TRY_LOCK = sa.select(sa.func.pg_try_advisory_xact_lock(sa.bindparam("key", type_=sa.BigInteger)))


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Takes the transaction-level advisory lock `key` if no one holds it."""
    return bool(await session.scalar(_TRY_LOCK, {"key": key}))


async def prune(session: AsyncSession, before: datetime) -> int:
    await session.execute(_ALLOW_RETENTION)
    result: Any = await session.execute(_PRUNE, {"before": before})
    return int(result.rowcount or 0)


# The staff actor of a transaction, as the audit trigger reads it (app/audit/triggers.py):
# transaction-local, so it ends with the transaction. Run from SQLAlchemy's synchronous
# `after_begin` event, hence a sync connection.
_ACT_AS = sa.text(
    f"SELECT set_config('{ACTOR_ID}', :actor_id, true), "
    f"set_config('{ACTOR_ROLE}', :actor_role, true), "
    f"set_config('{ROUTE}', :route, true), "
    f"set_config('{REQUEST_ID}', :request_id, true)"
)


def act_as(
    conn: sa.Connection, actor_id: uuid.UUID, role: str, route: str, request_id: str | None
) -> None:
    conn.execute(
        _ACT_AS,
        {
            "actor_id": str(actor_id),
            "actor_role": role,
            "route": route,
            "request_id": request_id or "",
        },
    )


def act_as_nobody(conn: sa.Connection) -> None:
    conn.execute(_ACT_AS, {"actor_id": "", "actor_role": "", "route": "", "request_id": ""})
