"""Parents' rights across modules: what an export contains and which stored files belong to
a family. Each module that keeps data about a family declares its export section and file
collectors in app/modules.py; the composition root collects them into one `DataRights`, so
an export or a deletion cannot forget one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
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


@dataclass(frozen=True)
class DataRights:
    """A family's export and its stored files, from every module's declarations (collected
    from the list of modules by the composition root and passed in)."""

    exporters: Mapping[str, Exporter] = field(default_factory=dict)
    file_collectors: tuple[FileCollector, ...] = ()

    async def export(self, session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
        return {
            section: await func(session, account_id)
            for section, func in sorted(self.exporters.items())
        }

    async def stored_files(self, session: AsyncSession, scope: Scope) -> list[str]:
        keys: list[str] = []
        for collect in self.file_collectors:
            keys.extend(await collect(session, scope))
        return keys

    async def schedule_file_removal(self, session: AsyncSession, scope: Scope) -> None:
        """Stored files go with the rows: listed now, removed by a task once this commits."""
        keys = await self.stored_files(session, scope)
        if keys:
            await enqueue(session, STORAGE_DELETE_TASK, {"keys": keys}, dedup_key=None)


async def get_data_rights(request: Request) -> DataRights:
    rights: DataRights = request.app.state.runtime.registries.data_rights
    return rights


DataRightsDep = Annotated[DataRights, Depends(get_data_rights)]
