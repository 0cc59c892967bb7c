"""Instances that agree when one of them cannot reach Redis.

Normally every instance shares Redis: a revocation overwrites the shared copy of an account's
"not before" stamps after its commit, an edit drops the cached answers it made stale, and every
instance reads the result at once. An instance cut off from Redis (while the others are not)
can do neither, and the others would go on reading the stale copies: a revoked token accepted,
an edited item shown as it was.

The database is the source then. What the instance could not tell Redis it writes to
`cache_change`, and every instance reads the recent changes every `INTERVAL` (one indexed
statement; the table is empty while Redis is healthy):

- a revocation goes into this instance's overlay, which can only make a token fail (stamps
  only move forwards), and back into Redis by any instance that reaches it;
- a dropped tag is dropped again by every instance that reaches Redis.

The instance that wrote a revocation answers only once every instance has had `PROPAGATION`
to read it, so a revoked token never works again anywhere after the revoking request answered.
An instance whose own reading has not succeeded for `STALE_AFTER` does not trust its copies
for revocations at all: it asks the database (or answers 503).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from cashews import Cache
from sqlmodel import Field, SQLModel

from app.core import queries
from app.core.cache import cache_available, invalidate_tags
from app.core.db import Database
from app.core.schema import timestamp_field

logger = logging.getLogger(__name__)

INTERVAL = 1.0
# Every instance reads within one interval; one more covers a read already under way.
PROPAGATION = 2 * INTERVAL + 0.2
STALE_AFTER = 3 * INTERVAL
# How far back a read looks: longer than any copy written before a change can live in Redis
# (the revocation copies' minute), so a change outlives every copy it corrects.
WINDOW_SECONDS = 120

REVOCATION = "revocation"
TAG = "tag"


class CacheChange(SQLModel, table=True):
    """A change one instance could not tell Redis (kept for WINDOW_SECONDS, then pruned)."""

    __tablename__ = "cache_change"
    __table_args__ = (sa.Index("ix_cache_change_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    key: str = Field(max_length=200)
    value: str | None = Field(default=None, max_length=200)
    at: datetime | None = timestamp_field(default_now=True)


class Coherence:
    """One instance's reader of `cache_change`, and its overlay of revocations."""

    def __init__(self, db: Database, cache: Cache, *, enabled: bool) -> None:
        self.db = db
        self.cache = cache
        # Only instances sharing Redis can disagree; a memory cache is one process's own.
        self.enabled = enabled
        self.overlay: dict[str, str] = {}
        self._seen: set[int] = set()
        self._read_at = float("-inf")
        self._task: asyncio.Task[None] | None = None

    @property
    def fresh(self) -> bool:
        """Whether this instance knows every change written up to a moment ago (always, for
        one that does not read them: a process without the reader, such as a job, trusts the
        shared copies as before)."""
        return self._task is None or time.monotonic() - self._read_at < STALE_AFTER

    def stricter(self, key: str) -> str | None:
        return self.overlay.get(key) if self.enabled else None

    async def revoked(self, values: dict[str, str]) -> None:
        """After a revocation's commit that could not reach Redis: every instance learns it
        from the database before the revoking request answers."""
        if not self.enabled:
            return
        self.overlay.update(values)
        async with self.db.raw_connection() as conn:
            await queries.record_changes(conn, [(REVOCATION, k, v) for k, v in values.items()])
        await asyncio.sleep(PROPAGATION)

    async def dropped(self, tags: Iterable[str]) -> None:
        """After an edit whose cached answers could not be dropped in Redis."""
        if self.enabled:
            async with self.db.raw_connection() as conn:
                await queries.record_changes(conn, [(TAG, tag, None) for tag in tags])

    async def read(self) -> None:
        """Applies the recent changes; a failure leaves the overlay stale (see `fresh`)."""
        async with self.db.raw_connection() as conn:
            rows = await queries.recent_changes(conn, WINDOW_SECONDS)
        reach = cache_available(self.cache)
        applied: set[int] = set()
        tags: set[str] = set()
        overlay: dict[str, str] = {}
        for row in rows:  # oldest first: a later stamp of a key wins
            if row["kind"] == REVOCATION:
                overlay[row["key"]] = row["value"]
            if row["id"] in self._seen:
                applied.add(row["id"])
            elif reach:
                if row["kind"] == REVOCATION:
                    # The stale copy goes: the next read refills it from the database. (Not
                    # overwritten: a later revocation may have written a newer one.)
                    await self.cache.delete(row["key"])
                else:
                    tags.add(row["key"])
                applied.add(row["id"])
        if tags:
            await invalidate_tags(self.cache, *tags)
        # What left the window is gone from the overlay too: every copy it corrected has
        # expired by now.
        self.overlay = overlay
        self._seen = applied
        self._read_at = time.monotonic()

    def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.create_task(self._run(), name="coherence")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.read()
            except Exception as exc:  # the database is down: `fresh` turns false
                logger.warning("cache changes unreadable", extra={"error": repr(exc)})
            await asyncio.sleep(INTERVAL)
