"""Writing to the outbox from a service, inside the caller's transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.integrations.tasks import TaskRef
from app.outbox.models import OutboxMessage
from app.outbox.registry import is_registered

_SESSION_KEY = "outbox_enqueued"


async def enqueue(
    session: AsyncSession,
    name: str,
    payload: dict[str, Any],
    *,
    dedup_key: str | None = None,
) -> UUID | None:
    """Records a task to run after this transaction commits.

    With a `dedup_key`, a second enqueue of the same task and key does nothing and returns
    None, so a retried request cannot schedule the work twice.
    """
    if not is_registered(name):
        raise LookupError(f"no task handler named {name!r}")
    table = table_of(OutboxMessage)
    statement = (
        insert(table)
        .values(
            id=uuid4(),
            name=name,
            payload=payload,
            dedup_key=dedup_key,
            # Handed to the task backend right after commit; the sweep covers a crash between.
            dispatched_at=sa.func.now(),
        )
        .on_conflict_do_nothing(index_elements=["name", "dedup_key"])
        .returning(table.c.id)
    )
    message_id: UUID | None = (await session.execute(statement)).scalar_one_or_none()
    if message_id is not None:
        session.info.setdefault(_SESSION_KEY, []).append(TaskRef(id=message_id, name=name))
    return message_id


def take_enqueued(session: AsyncSession) -> list[TaskRef]:
    """The tasks a committed session enqueued (and forgets them)."""
    refs: list[TaskRef] = session.info.pop(_SESSION_KEY, [])
    return refs
