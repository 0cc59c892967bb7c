"""A stream cut off while it reads the log (its client left, the server shuts down) hands
its connection back clean: no statement left half-way holding a lock. Such a connection
made every later TRUNCATE (and a migration) wait forever."""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.auth.deps import Caller
from app.notifications import stream
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family

# The hot read pool's connections, caught inside a transaction while nobody uses them.
_STUCK = sa.text(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'wonderspaced-hot' AND xact_start IS NOT NULL"
)

_TERMINATE = sa.text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) pid")


@pytest.fixture
async def parent(live_runtime: Runtime, live_client: httpx.AsyncClient) -> Family:
    return await make_family(live_runtime, live_client, "cut.reads@example.com")


async def test_a_read_cancelled_at_any_moment_leaves_no_statement_open(
    live_runtime: Runtime, parent: Family
) -> None:
    db = live_runtime.db
    caller = Caller(parent.account_id, Role.parent, "test")
    await stream._read(db, caller, 0)
    pool = db.engine.pool
    stuck: list[tuple[int, int]] = []
    # Cancelled 0 to 1 ms after it starts, in steps of 20 µs: one of them lands between
    # asyncpg's prepare (answered) and its execute (not sent yet).
    for attempt in range(150):
        async with db.raw_connection() as conn:
            await conn.reload_schema_state()  # the statement is prepared again
        read = asyncio.create_task(stream._read(db, caller, 0))
        until = time.perf_counter() + (attempt % 50) * 20e-6
        while time.perf_counter() < until and not read.done():
            await asyncio.sleep(0)
        read.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await read
        # Every connection back in the pool (a read may end after its stream), then a
        # moment for the server to take in what was sent last.
        deadline = time.monotonic() + 2.0
        while pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.005)
        async with db.session() as session:
            pids = (await session.execute(_STUCK)).scalars().all()
            if pids:
                stuck.append((attempt, len(pids)))
                # Ended here, or the test's own cleanup (a TRUNCATE) would wait forever.
                await session.execute(_TERMINATE, {"pids": list(pids)})
    assert stuck == []
