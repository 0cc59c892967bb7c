"""Writing to the outbox from a service, inside the caller's transaction, and handing what a
committed transaction wrote to the task backend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core import telemetry
from app.integrations.tasks import TaskBackend, TaskRef
from app.outbox import queries
from app.outbox.registry import KNOWN_TASKS

_SESSION_KEY = "outbox_enqueued"

# Delivered messages are kept this long for inspection; dead letters stay until handled.
DONE_RETENTION = timedelta(days=7)


def know_tasks(sessionmaker: async_sessionmaker[AsyncSession], names: Collection[str]) -> None:
    """Every session of this factory refuses to enqueue a task no handler is declared for.
    `names` is read live (the worker's registry), so a handler added later is known too."""
    sessionmaker.configure(info={KNOWN_TASKS: names})


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
    known: Collection[str] | None = session.info.get(KNOWN_TASKS)
    if known is not None and name not in known:
        raise LookupError(f"no task handler named {name!r}")
    message_id = await queries.insert_message(
        session, id=uuid4(), name=name, payload=payload, dedup_key=dedup_key
    )
    if message_id is not None:
        session.info.setdefault(_SESSION_KEY, []).append(TaskRef(id=message_id, name=name))
        telemetry.remember_origin(message_id)  # its delivery joins this trace
    return message_id


def dispatch_after_commit(session: AsyncSession, refs: Collection[TaskRef]) -> None:
    """Hands messages a statement of this session wrote itself (queries.insert_from) to the
    task backend after commit, like those of `enqueue`."""
    if refs:
        session.info.setdefault(_SESSION_KEY, []).extend(refs)


def take_enqueued(session: AsyncSession) -> list[TaskRef]:
    """The tasks a committed session enqueued (and forgets them)."""
    refs: list[TaskRef] = session.info.pop(_SESSION_KEY, [])
    return refs


def dispatcher(backend: Callable[[], TaskBackend]) -> Callable[[AsyncSession], Awaitable[None]]:
    """An after-commit hook that hands a committed session's tasks to the current backend."""

    async def dispatch(session: AsyncSession) -> None:
        refs = take_enqueued(session)
        if refs:
            await backend().submit(refs)

    return dispatch


async def prune_delivered(session: AsyncSession, now: datetime | None = None) -> int:
    """Deletes delivered messages older than DONE_RETENTION; returns how many."""
    return await queries.delete_delivered(session, (now or datetime.now(UTC)) - DONE_RETENTION)
