"""Parents' rights across modules: what an export contains and which stored files belong to
a family. Each module that keeps data about a family registers here, so an export or a
deletion cannot forget one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.service import enqueue

# Registered by the media module, which owns storage.
STORAGE_DELETE_TASK = "storage.delete"


@dataclass(frozen=True)
class Scope:
    """Whose data: a whole account, or one profile of it."""

    account_id: uuid.UUID
    profile_id: uuid.UUID | None = None


Exporter = Callable[[AsyncSession, uuid.UUID], Awaitable[Any]]
FileCollector = Callable[[AsyncSession, Scope], Awaitable[list[str]]]

EXPORTERS: dict[str, Exporter] = {}
FILE_COLLECTORS: list[FileCollector] = []


def exporter(section: str) -> Callable[[Exporter], Exporter]:
    """Registers the function that returns this module's data of an account, JSON-ready."""

    def register(func: Exporter) -> Exporter:
        if section in EXPORTERS and EXPORTERS[section] is not func:
            raise RuntimeError(f"export section {section!r} is registered twice")
        EXPORTERS[section] = func
        return func

    return register


def file_collector(func: FileCollector) -> FileCollector:
    """Registers a function listing the storage keys of a family's (or a profile's) files."""
    FILE_COLLECTORS.append(func)
    return func


async def export(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    return {section: await func(session, account_id) for section, func in sorted(EXPORTERS.items())}


async def stored_files(session: AsyncSession, scope: Scope) -> list[str]:
    keys: list[str] = []
    for collect in FILE_COLLECTORS:
        keys.extend(await collect(session, scope))
    return keys


async def schedule_file_removal(session: AsyncSession, scope: Scope) -> None:
    """Stored files go with the rows: listed now, removed by a task once this commits."""
    keys = await stored_files(session, scope)
    if keys:
        await enqueue(session, STORAGE_DELETE_TASK, {"keys": keys}, dedup_key=None)
