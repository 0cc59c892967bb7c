"""Clicks on share links, counted in the shared cache and written per link and day in batches.

A link passed around a school or a chat group can be followed thousands of times a minute;
a row update per click would make every one of them a database write on one hot row. Each
click is one increment of a counter in the cache (Redis when configured), keyed by link and
UTC day, and the link and day are added to a set of counters waiting to be written. A flush
takes that set and writes every waiting (link, day) with one statement, adding the counted
clicks to the stored row. Clicks run a flush at most once every FLUSH_SECONDS across all
instances (the first click after that time has passed runs it, in its own request); the
`flush-link-clicks` job runs one too, for the last clicks of a quiet period.

Bounds: the stored count of a day lags by the clicks of at most FLUSH_SECONDS (until the next
click anywhere, or the next run of the job); a flush whose request fails after it took the
counters loses what it took, at most one flush's clicks. While Redis is unreachable a click
is written as it happens (one upsert per click, within the per-address budget), so nothing
is lost then either.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from cashews import Cache
from sqlalchemy.ext.asyncio import AsyncSession

from app.links import queries

if TYPE_CHECKING:
    from app.runtime import Runtime

FLUSH_SECONDS = 60
# Counters and the waiting set outlive any gap between flushes by far.
_KEEP_SECONDS = 3 * 24 * 3600
_WAITING = "links:clicks:waiting"
_FLUSHED_RECENTLY = "links:clicks:flushed"
_BATCH = 500


def _counter(member: str) -> str:
    return f"links:clicks:{member}"


async def count(session: AsyncSession, cache: Cache, link_id: uuid.UUID, day: date) -> None:
    """One more click on this link for this day."""
    member = f"{link_id}|{day.isoformat()}"
    if await cache.incr(_counter(member), expire=_KEEP_SECONDS) is None:
        # The cache cannot count right now: the click is written as it happens.
        await queries.add_clicks(session, [(link_id, day, 1)])
        return
    # After the increment: a flush that took the set before it finds the member again.
    await cache.set_add(_WAITING, member, expire=_KEEP_SECONDS)
    if await cache.set_lock(_FLUSHED_RECENTLY, "1", expire=FLUSH_SECONDS):
        await flush(session, cache)


async def flush(session: AsyncSession, cache: Cache) -> int:
    """Writes every count waiting in the cache; returns the clicks written."""
    written = 0
    while members := list(await cache.set_pop(_WAITING, count=_BATCH) or ()):
        rows: list[tuple[uuid.UUID, date, int]] = []
        for member in members:
            counter = _counter(member)
            taken = int(await cache.get(counter) or 0)
            if taken <= 0:
                continue
            left = await cache.incr(counter, value=-taken)
            if left is None or left < 0:
                if left is not None:
                    # Another flush took some of these clicks first: give back what this
                    # one took, for the next flush to write.
                    await cache.incr(counter, value=taken)
                await cache.set_add(_WAITING, member, expire=_KEEP_SECONDS)
                continue
            link_id, _, day = member.partition("|")
            rows.append((uuid.UUID(link_id), date.fromisoformat(day), taken))
        await queries.add_clicks(session, rows)
        written += sum(n for _, _, n in rows)
    return written


async def flush_link_clicks(runtime: Runtime) -> str:
    """`python -m app.jobs flush-link-clicks` (and each server's tick): the clicks counted
    since the last flush, written now."""
    async with runtime.db.session() as session:
        written = await flush(session, runtime.cache)
    await runtime.cache.set(_FLUSHED_RECENTLY, "1", expire=FLUSH_SECONDS)
    return f"wrote {written} click(s)"
