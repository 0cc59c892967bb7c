"""Parents' rights across modules: what an export contains and which stored files belong to
a family. Each module that keeps data about a family declares its export section and file
collectors in app/modules.py, so an export or a deletion cannot forget one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.service import enqueue

# Handled by the media module, which owns storage.
STORAGE_DELETE_TASK = "storage.delete"


@dataclass(frozen=True)
class Scope:
    """Whose data: a whole account, or one profile of it."""

    account_id: uuid.UUID
    profile_id: uuid.UUID | None = None


Exporter = Callable[[AsyncSession, uuid.UUID], Awaitable[Any]]
FileCollector = Callable[[AsyncSession, Scope], Awaitable[list[str]]]


async def export(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    # Read from the list of modules when called (it imports every module, this one too).
    from app.modules import exporters

    return {
        section: await func(session, account_id) for section, func in sorted(exporters().items())
    }


async def stored_files(session: AsyncSession, scope: Scope) -> list[str]:
    from app.modules import file_collectors

    keys: list[str] = []
    for collect in file_collectors():
        keys.extend(await collect(session, scope))
    return keys


async def schedule_file_removal(session: AsyncSession, scope: Scope) -> None:
    """Stored files go with the rows: listed now, removed by a task once this commits."""
    keys = await stored_files(session, scope)
    if keys:
        await enqueue(session, STORAGE_DELETE_TASK, {"keys": keys}, dedup_key=None)
