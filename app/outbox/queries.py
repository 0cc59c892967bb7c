"""The statements of the outbox: writing a message, claiming and locking it for delivery,
handing a claim back, the receipts of effects that must not happen twice, and retention.
Core/ORM statements built once; values are bound when they run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.outbox.models import OutboxMessage, OutboxReceipt, OutboxStatus

_outbox = table_of(OutboxMessage)
_m = _outbox.c
_r = table_of(OutboxReceipt).c
_PENDING = OutboxStatus.pending.value

# :id, :name, :payload, :dedup_key. A second message of the same name and dedup key is
# dropped; it is handed to the task backend right after commit (the sweep covers a crash
# in between), hence dispatched now.
_INSERT = (
    insert(_outbox)
    .values(
        id=sa.bindparam("id"),
        name=sa.bindparam("name"),
        payload=sa.bindparam("payload", type_=JSONB),
        dedup_key=sa.bindparam("dedup_key"),
        dispatched_at=sa.func.now(),
    )
    .on_conflict_do_nothing(index_elements=["name", "dedup_key"])
    .returning(_m.id)
)

# :id. FOR NO KEY UPDATE, not FOR UPDATE: a second delivery still waits or skips, while a
# receipt's foreign key (FOR KEY SHARE) can be written beside it from another transaction.
_LOCK_PENDING = (
    sa.select(OutboxMessage)
    .where(
        OutboxMessage.id == sa.bindparam("id"),  # type: ignore[arg-type]
        OutboxMessage.status == OutboxStatus.pending,  # type: ignore[arg-type]
    )
    .with_for_update(skip_locked=True, key_share=True)
)


def _claim(stranded: sa.ColumnElement[bool]) -> sa.Update:
    """Marks pending messages that are due (:now) and match `stranded` as dispatched at
    :now, at most :limit of them, oldest first; rows being delivered are skipped."""
    due_ids = (
        sa.select(_m.id)
        .where(_m.status == _PENDING, _m.available_at <= sa.bindparam("now"), stranded)
        .order_by(_m.available_at)
        .limit(sa.bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return (
        sa.update(_outbox)
        .where(_m.id.in_(due_ids))
        .values(dispatched_at=sa.bindparam("now"))
        .returning(_m.id, _m.name)
    )


# Messages nobody is delivering as far as we know: never dispatched, handed back, or
# dispatched before :stranded_before and still pending.
_CLAIM_FREE = _claim(
    sa.or_(_m.dispatched_at.is_(None), _m.dispatched_at < sa.bindparam("stranded_before"))
)
_CLAIM_ALL = _claim(sa.true())

# :ids. A row another delivery holds is left alone: that delivery settles it.
_HAND_BACK = (
    sa.update(_outbox)
    .where(
        _m.id.in_(
            sa.select(_m.id)
            .where(_m.id.in_(sa.bindparam("ids", expanding=True)), _m.status == _PENDING)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(dispatched_at=None, available_at=sa.func.least(_m.available_at, sa.func.now()))
)

# :message_id, :effect
_RECEIPT_EXISTS = sa.select(
    sa.exists().where(
        _r.message_id == sa.bindparam("message_id"), _r.effect == sa.bindparam("effect")
    )
)
_RECORD_RECEIPT = (
    insert(OutboxReceipt)
    .values(message_id=sa.bindparam("message_id"), effect=sa.bindparam("effect"))
    .on_conflict_do_nothing(index_elements=["message_id", "effect"])
)

# :cutoff. Delivered messages by when they were delivered; dead letters by their last
# attempt (every failure moves available_at on). Receipts go with their message.
_DELETE_DELIVERED = sa.delete(_outbox).where(
    _m.status == OutboxStatus.done.value, _m.completed_at < sa.bindparam("cutoff")
)
_DELETE_DEAD = sa.delete(_outbox).where(
    _m.status == OutboxStatus.dead.value, _m.available_at < sa.bindparam("cutoff")
)


def insert_from(rows_sql: str) -> str:
    """SQL text that writes outbox messages from a query of (name, payload, dedup_key) rows,
    for a hot statement that records its own background work in the same statement (one
    round trip, one transaction). They are left undispatched, so the sweep
    (`tasks_poll_seconds`) hands them to the backend whatever happens; a caller that learns
    their ids (`RETURNING id, name`) hands them over itself once committed
    (`service.dispatch_after_commit`, or the backend's `submit`), sooner. `rows_sql` is SQL
    text of the caller's constants, never a value."""
    columns = "id, name, payload, dedup_key, status, attempts"
    values = f"gen_random_uuid(), m.name, m.payload, m.dedup_key, '{_PENDING}', 0"
    rows = f"({rows_sql}) m(name, payload, dedup_key)"
    return f"INSERT INTO outbox_message ({columns}) SELECT {values} FROM {rows} " + (  # noqa: S608
        "ON CONFLICT (name, dedup_key) DO NOTHING"
    )


async def insert_message(
    session: AsyncSession, *, id: UUID, name: str, payload: dict[str, Any], dedup_key: str | None
) -> UUID | None:
    """The new message's id, or None when one of this name and dedup key exists."""
    params = {"id": id, "name": name, "payload": payload, "dedup_key": dedup_key}
    message_id: UUID | None = (await session.execute(_INSERT, params)).scalar_one_or_none()
    return message_id


async def lock_pending(session: AsyncSession, message_id: UUID) -> OutboxMessage | None:
    """The message if it is pending and no other delivery holds it, locked until the
    session ends."""
    message: OutboxMessage | None = (
        await session.execute(_LOCK_PENDING, {"id": message_id})
    ).scalar_one_or_none()
    return message


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    stranded_before: datetime | None,
    limit: int,
) -> list[tuple[UUID, str]]:
    """(id, name) of the due messages now marked dispatched: those free of any claim, and
    those dispatched before `stranded_before`; every due one when that is None."""
    if stranded_before is None:
        result = await session.execute(_CLAIM_ALL, {"now": now, "limit": limit})
    else:
        params = {"now": now, "limit": limit, "stranded_before": stranded_before}
        result = await session.execute(_CLAIM_FREE, params)
    return [(row.id, row.name) for row in result]


async def hand_back(session: AsyncSession, ids: Sequence[UUID]) -> int:
    """Clears the claim of these pending messages, so any instance's next sweep takes them
    at once; returns how many."""
    if not ids:
        return 0
    result = await session.execute(_HAND_BACK, {"ids": list(ids)})
    return int(getattr(result, "rowcount", 0))


async def receipt_exists(session: AsyncSession, message_id: UUID, effect: str) -> bool:
    return bool(await session.scalar(_RECEIPT_EXISTS, {"message_id": message_id, "effect": effect}))


async def record_receipt(session: AsyncSession, message_id: UUID, effect: str) -> None:
    await session.execute(_RECORD_RECEIPT, {"message_id": message_id, "effect": effect})


async def delete_delivered(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(_DELETE_DELIVERED, {"cutoff": cutoff})
    return int(getattr(result, "rowcount", 0))


async def delete_dead(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(_DELETE_DEAD, {"cutoff": cutoff})
    return int(getattr(result, "rowcount", 0))
