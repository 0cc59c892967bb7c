"""The statements of the core's own tables (cache_change, app/core/coherence.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

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
