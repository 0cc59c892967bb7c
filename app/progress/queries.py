"""Progress statements, in two groups.

Hot statements: fixed SQL run with asyncpg on a connection, each function taking `conn`.
These are the heartbeat and the reads of "My adventures" (the library screen), the two hot
requests of an explorer (bench/README.md: heartbeat 0.69 and library 0.82 of their floors,
targets 0.50; the floors run these very statements). Through the ORM, building and
compiling a statement per request costs several times the statement itself on these paths
(DESIGN.md, section 8). The connection is the request's own: the session's driver
connection (`connection`, same transaction, same unit of work) or the one the explorer's
front took for the request.

The heartbeat is the most written path of the service. It is one statement, built once: an
upsert whose update merges what arrived with what is stored *inside* PostgreSQL (interval
union, page and step sets, earning at the item's pace, completion stamping, the sent_at
ordering rule, time credited) and, in the same statement, adds the time credited to the
learning-time bucket. The row lock that INSERT ... ON CONFLICT DO UPDATE takes makes
concurrent heartbeats of one explorer apply one after the other, each to the latest row, so
nothing is lost and there is no read-modify-write race.

Everything else (saving an item, the parents' activity, the export) runs on the request's
session, with statements built once.
"""

# SQL text from constants only; every value is bound by asyncpg.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.schemas import Kind
from app.core.db import session_driver
from app.core.pagination import keyset
from app.core.schema import table_of
from app.progress import pace
from app.progress.models import SavedItem
from app.rewards import queries as rewards_queries

# The asyncpg connection under the request's session, in its transaction.
connection = session_driver


def _measure(multirange: str) -> str:
    """The total length of a multirange: milliseconds, pages or steps covered."""
    return f"(SELECT coalesce(sum(upper(r) - lower(r)), 0) FROM unnest({multirange}) r)::bigint"


def state_columns(alias: str) -> str:
    """The resume state, named as `state_of` reads it."""
    a = f"{alias}."
    return (
        f"{a}kind AS kind, {a}item_id AS item_id, {a}status AS status, {a}percent AS percent, "
        f"{a}position_ms AS position_ms, {a}page AS page, {a}read_aloud AS read_aloud, "
        f"CASE WHEN {a}kind = 'video' THEN NULL ELSE ARRAY(SELECT generate_series(lower(r), "
        f"upper(r) - 1) FROM unnest({a}covered) r) END AS units, "
        f"{a}covered_units AS covered_units, {a}spent_ms AS spent_ms, "
        f"{a}started_at AS started_at, {a}completed_at AS completed_at, "
        f"{a}updated_at AS updated_at"
    )


def state_of(row: asyncpg.Record | sa.RowMapping) -> dict[str, Any]:
    kind = row["kind"]
    units = [int(n) for n in row["units"]] if row["units"] is not None else None
    return {
        "kind": kind,
        "item_id": row["item_id"],
        "status": row["status"],
        "percent": row["percent"],
        "position_ms": row["position_ms"],
        "page": row["page"],
        "read_aloud": row["read_aloud"],
        "pages_read": units if kind == "ebook" else None,
        "steps_done": units if kind == "diy" else None,
        "watched_ms": int(row["covered_units"]) if kind == "video" else None,
        "seconds_spent": int(row["spent_ms"]) // 1000,
        "started_at": row["started_at"],
        "completed_at": row["completed_at"],
        "updated_at": row["updated_at"],
    }


def _first_units(multirange: str, budget: str) -> str:
    """A query of one row: the first `budget` units of a multirange, from its start (what is
    kept of what a heartbeat adds)."""
    return (
        "SELECT coalesce(range_agg(int8range(lower(r), least(upper(r), "
        f"lower(r) + ({budget}) - before))), '{{}}'::int8multirange) "
        "FROM (SELECT r, coalesce(sum(upper(r) - lower(r)) OVER (ORDER BY lower(r) "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::bigint AS before "
        f"FROM unnest({multirange}) r) x WHERE before < ({budget})"
    )


def _by_kind(values: Mapping[Kind, float]) -> str:
    """A constant per kind ($2), written into the statement once."""
    cases = " ".join(f"WHEN '{kind.value}' THEN {value!r}" for kind, value in values.items())
    return f"(CASE $2::varchar {cases} END)"


_RATE = f"{_by_kind(pace.RATE)}::float8"
_NEWER = "(excluded.sent_at > p.sent_at)"
_GAP_MS = "(extract(epoch FROM excluded.sent_at - p.sent_at) * 1000)::bigint"
_WALL_MS = "(extract(epoch FROM excluded.heartbeat_at - p.heartbeat_at) * 1000)::bigint"
# Time credited: what the heartbeat claims (a video: the length it played; otherwise the
# time since the previous heartbeat), never more than the time between the two heartbeats by
# their own clock, nor by the server's, nor a heartbeat's longest gap. An older or repeated
# heartbeat credits nothing: replays add nothing and two devices never double the time.
_CREDIT = (
    f"CASE WHEN {_NEWER} THEN greatest(0, least(coalesce($13, {_GAP_MS}), {_GAP_MS}, $14, "
    f"{_WALL_MS})) ELSE 0 END"
)
# What is done is earned at the item's pace (app/progress/pace.py): `earned_at` is the server
# instant up to which the budget was spent. A heartbeat may add what the time since then
# allows (at most the window's worth), the earliest new parts first; the budget it spends
# moves `earned_at` on, what it leaves stays for the next heartbeat.
_START = f"greatest(p.earned_at, $5::timestamptz - interval '{pace.EARN_WINDOW_MS} milliseconds')"
_BUDGET = f"floor(greatest(0, extract(epoch FROM $5::timestamptz - b.start) * 1000) * {_RATE})"
_EARNED_UPDATE = f"""(
    SELECT m.merged, m.units, excluded.total_units,
        CASE WHEN d.done THEN 'completed' ELSE 'in_progress' END,
        CASE WHEN d.done THEN 100
            ELSE least(99, m.units * 100 / greatest(excluded.total_units, 1)) END,
        CASE WHEN d.done THEN coalesce(p.completed_at, excluded.heartbeat_at) END,
        b.start + make_interval(secs => k.units / {_RATE} / 1000),
        CASE WHEN {_NEWER} OR k.units > 0 THEN excluded.updated_at ELSE p.updated_at END
    FROM beat,
        LATERAL (SELECT {_START} AS start) b,
        LATERAL (SELECT {_BUDGET}::bigint AS budget) g,
        LATERAL ({_first_units("beat.covered - p.covered", "g.budget")}) k0(kept),
        LATERAL (SELECT {_measure("k0.kept")} AS units) k,
        LATERAL (SELECT p.covered + k0.kept AS merged) m0,
        LATERAL (SELECT m0.merged AS merged, {_measure("m0.merged")} AS units) m,
        LATERAL (SELECT p.completed_at IS NOT NULL OR m.units >= $12 AS done) d
)"""

# $1 profile, $2 kind, $3 item, $4 sent_at, $5 now, $6 position_ms, $7 page, $8 read_aloud,
# $9/$10 starts/ends of what was done ([n, n+1) for a page or a step), $11 the item's length
# in units, $12 the units that complete it, $13 the time claimed (videos) or NULL, $14 the
# longest time one heartbeat may credit, $15 the reward counters a completion of this item
# feeds, $16 the learning a day needs to count towards a streak (ms).
#
# The same statement then awards the badges this heartbeat earns (app/rewards/queries.py):
# the family's day gains the time credited, a completion counts once, and a badge due is
# inserted once. Nothing is read back for it: a heartbeat that earns nothing costs one more
# upsert on a primary key inside this statement, no second round trip.
HEARTBEAT_SQL = f"""
WITH beat AS (
    SELECT coalesce(range_agg(int8range(s, e)), '{{}}'::int8multirange) AS covered
    FROM unnest($9::int8[], $10::int8[]) AS t(s, e)
),
first AS (
    SELECT kept, {_measure("kept")} AS units
    FROM beat, LATERAL ({_first_units("beat.covered", _by_kind(pace.FIRST_UNITS))}) k(kept)
),
saved AS (
    INSERT INTO progress AS p (
        profile_id, kind, item_id, status, percent, position_ms, page, read_aloud, covered,
        covered_units, total_units, earned_at, spent_ms, last_credit_ms, sent_at,
        heartbeat_at, started_at, completed_at, updated_at
    )
    SELECT $1::uuid, $2::varchar, $3::uuid,
        CASE WHEN units >= $12::bigint THEN 'completed' ELSE 'in_progress' END,
        CASE WHEN units >= $12 THEN 100 ELSE least(99, units * 100 / greatest($11::bigint, 1))
        END,
        $6::bigint, $7::int, $8::boolean, kept, units, $11,
        $5::timestamptz - make_interval(
            secs => ({_by_kind(pace.FIRST_UNITS)} - units) / {_RATE} / 1000),
        least(coalesce($13::bigint, 0), {pace.FIRST_ALLOWANCE_MS}),
        least(coalesce($13, 0), {pace.FIRST_ALLOWANCE_MS}),
        $4::timestamptz, $5::timestamptz, $5, CASE WHEN units >= $12 THEN $5 END, $5
    FROM first
    ON CONFLICT (profile_id, kind, item_id) DO UPDATE SET
        (covered, covered_units, total_units, status, percent, completed_at, earned_at,
            updated_at) = {_EARNED_UPDATE},
        position_ms = CASE WHEN {_NEWER} THEN excluded.position_ms ELSE p.position_ms END,
        page = CASE WHEN {_NEWER} THEN excluded.page ELSE p.page END,
        read_aloud = CASE WHEN {_NEWER} THEN excluded.read_aloud ELSE p.read_aloud END,
        spent_ms = p.spent_ms + {_CREDIT},
        last_credit_ms = {_CREDIT},
        sent_at = greatest(p.sent_at, excluded.sent_at),
        heartbeat_at = CASE WHEN {_NEWER} THEN excluded.heartbeat_at ELSE p.heartbeat_at END
    -- A repeated heartbeat (nothing newer, nothing new done) changes nothing at all.
    WHERE {_NEWER} OR NOT (p.covered @> (SELECT covered FROM beat))
    RETURNING {state_columns("p")}, p.last_credit_ms AS last_credit_ms
),
timed AS (
    INSERT INTO learning_time AS t (profile_id, bucket, kind, active_ms)
    SELECT $1, date_bin('15 minutes', least($4, $5), TIMESTAMPTZ '2000-01-01 00:00:00+00'), $2,
        last_credit_ms
    FROM saved WHERE last_credit_ms > 0
    ON CONFLICT (profile_id, bucket, kind)
    DO UPDATE SET active_ms = t.active_ms + excluded.active_ms
),{
    rewards_queries.heartbeat_ctes(
        saved="saved",
        profile="$1::uuid",
        item="$3::uuid",
        sent_at="$4::timestamptz",
        now="$5::timestamptz",
        keys="$15::text[]",
        streak_ms="$16::bigint",
    )
}
SELECT saved.*, ARRAY(SELECT id FROM r_told) AS told FROM saved
"""

# Through the session, so that it opens the request's transaction (BEGIN, then this).
STATE_SQL = (
    f"SELECT {state_columns('p')} FROM progress p "
    "WHERE p.profile_id = $1 AND p.kind = $2 AND p.item_id = $3"
)


async def heartbeat(conn: asyncpg.Connection[Any], *params: Any) -> asyncpg.Record | None:
    """Hot (the heartbeat): the new state, or None when the heartbeat changed nothing (a
    duplicate). `told`: the outbox ids of the badges it earned (usually none)."""
    return await conn.fetchrow(HEARTBEAT_SQL, *params)


async def state(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, kind: str, item_id: uuid.UUID
) -> asyncpg.Record | None:
    """Hot (the answer to a repeated heartbeat): the stored state."""
    return await conn.fetchrow(STATE_SQL, profile_id, kind, item_id)


# --- lists ------------------------------------------------------------------------------

_LIST_SQL = f"""
SELECT {state_columns("p")} FROM progress p
WHERE p.profile_id = $1
  AND ($2::text IS NULL OR p.kind = $2) AND ($3::text IS NULL OR p.status = $3)
  AND ($4::timestamptz IS NULL OR
       {keyset(["p.updated_at", "p.item_id"], ["$4", "$5::uuid"], descending=True)})
ORDER BY p.updated_at DESC, p.item_id DESC
LIMIT $6
"""

_COMPLETED_SQL = f"""
SELECT {state_columns("p")} FROM progress p
WHERE p.profile_id = $1 AND p.completed_at IS NOT NULL
  AND ($2::timestamptz IS NULL OR
       {keyset(["p.completed_at", "p.item_id"], ["$2", "$3::uuid"], descending=True)})
ORDER BY p.completed_at DESC, p.item_id DESC
LIMIT $4
"""
_STATES_FOR_SQL = (
    f"SELECT {state_columns('p')} FROM progress p "
    "WHERE p.profile_id = $1 AND p.item_id = ANY($2::uuid[])"
)
_ENGAGED_SQL = (
    "SELECT item_id FROM progress WHERE profile_id = $1 "
    "UNION SELECT item_id FROM saved_item WHERE profile_id = $1"
)
_COMPLETED_COUNT_SQL = (
    "SELECT count(*) FROM progress WHERE profile_id = $1 AND completed_at IS NOT NULL"
)


async def list_states(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    *,
    kind: str | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Hot (the library): newest activity first; `limit` rows (ask one more to know whether
    more exist)."""
    when, ident = after or (None, None)
    rows: list[asyncpg.Record] = await conn.fetch(
        _LIST_SQL, profile_id, kind, status, when, ident, limit
    )
    return rows


async def list_completed(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Hot (the library): the newest completed first."""
    return await _newest_first(conn, _COMPLETED_SQL, profile_id, after, limit)


async def _newest_first(
    conn: asyncpg.Connection[Any],
    sql: str,
    profile_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """A page of one explorer's list ($1) whose statement takes the (time, item) after
    which it starts ($2, $3, NULLs for the first page) and the limit ($4)."""
    when, ident = after or (None, None)
    rows: list[asyncpg.Record] = await conn.fetch(sql, profile_id, when, ident, limit)
    return rows


async def states_for(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, asyncpg.Record]:
    """Hot (the library's cards): the states of these items, by item."""
    rows = await conn.fetch(_STATES_FOR_SQL, profile_id, list(item_ids))
    return {row["item_id"]: row for row in rows}


async def engaged(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> list[uuid.UUID]:
    """Hot (the library's recommendations): items the explorer started, finished or
    saved."""
    return [row["item_id"] for row in await conn.fetch(_ENGAGED_SQL, profile_id)]


async def completed_count(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> int:
    """Hot (the library's figures)."""
    count = await conn.fetchval(_COMPLETED_COUNT_SQL, profile_id)
    return int(count or 0)


# --- saved items ------------------------------------------------------------------------

_SAVED_SQL = (
    "SELECT kind, item_id, saved_at FROM saved_item WHERE profile_id = $1 "
    f"AND ($2::timestamptz IS NULL OR "
    f"{keyset(['saved_at', 'item_id'], ['$2', '$3::uuid'], descending=True)}) "
    "ORDER BY saved_at DESC, item_id DESC LIMIT $4"
)


_saved = table_of(SavedItem)
_SAVE_STATEMENT = insert(_saved).values(
    profile_id=sa.bindparam("profile_id"),
    kind=sa.bindparam("kind"),
    item_id=sa.bindparam("item_id"),
    saved_at=sa.bindparam("saved_at"),
)
# DO UPDATE (to the same value) rather than DO NOTHING, so a repeated save returns the
# original row in the same round trip.
_SAVE = _SAVE_STATEMENT.on_conflict_do_update(
    index_elements=[_saved.c.profile_id, _saved.c.kind, _saved.c.item_id],
    set_={"saved_at": _saved.c.saved_at},
).returning(_saved.c.kind, _saved.c.item_id, _saved.c.saved_at)
_UNSAVE = sa.delete(_saved).where(
    _saved.c.profile_id == sa.bindparam("profile_id"),
    _saved.c.kind == sa.bindparam("kind"),
    _saved.c.item_id == sa.bindparam("item_id"),
)


async def save(
    session: AsyncSession, profile_id: uuid.UUID, kind: str, item_id: uuid.UUID, now: datetime
) -> sa.RowMapping:
    """The saved row: the one saved before, if it was."""
    params = {"profile_id": profile_id, "kind": kind, "item_id": item_id, "saved_at": now}
    return (await session.execute(_SAVE, params)).mappings().one()


async def unsave(
    session: AsyncSession, profile_id: uuid.UUID, kind: str, item_id: uuid.UUID
) -> None:
    await session.execute(_UNSAVE, {"profile_id": profile_id, "kind": kind, "item_id": item_id})


async def list_saved(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Hot (the library): the newest saved first."""
    return await _newest_first(conn, _SAVED_SQL, profile_id, after, limit)


# --- time and days ----------------------------------------------------------------------

# A day counts towards a streak when it holds enough learning or a completion, in the
# family's time zone ($2). Buckets are UTC quarter hours, which every zone's days divide.
_ACTIVE_DAYS_SQL = """
SELECT (bucket AT TIME ZONE $2)::date AS day FROM learning_time WHERE profile_id = $1
GROUP BY 1 HAVING sum(active_ms) >= $3
UNION
SELECT (completed_at AT TIME ZONE $2)::date FROM progress
WHERE profile_id = $1 AND completed_at IS NOT NULL
"""


async def active_days(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, time_zone: str, min_ms: int
) -> set[Any]:
    """Hot (the library's streak): the family's days that count towards a streak."""
    return {row["day"] for row in await conn.fetch(_ACTIVE_DAYS_SQL, profile_id, time_zone, min_ms)}


_TIME_BY_DAY_SQL = (
    "SELECT (bucket AT TIME ZONE $2)::date AS day, kind, sum(active_ms)::bigint AS ms "
    "FROM learning_time WHERE profile_id = $1 AND bucket >= $3 AND bucket < $4 GROUP BY 1, 2"
)
_MILESTONES = sa.text(
    "SELECT kind, item_id, started_at AS at, 'started' AS what FROM progress "
    "WHERE profile_id = :profile_id AND started_at >= :start AND started_at < :end "
    "UNION ALL SELECT kind, item_id, completed_at, 'completed' FROM progress "
    "WHERE profile_id = :profile_id AND completed_at >= :start AND completed_at < :end "
    "ORDER BY at"
)


async def time_by_day(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    time_zone: str,
    start: datetime,
    end: datetime,
) -> list[asyncpg.Record]:
    """Hot (the library's minutes this week): (day: local date, kind, ms) between two
    instants."""
    rows: list[asyncpg.Record] = await conn.fetch(
        _TIME_BY_DAY_SQL,
        profile_id,
        time_zone,
        start,
        end,
    )
    return rows


async def milestones(
    session: AsyncSession, profile_id: uuid.UUID, start: datetime, end: datetime
) -> Sequence[sa.RowMapping]:
    """(kind, item_id, at, what: 'started' | 'completed') between two instants, oldest
    first."""
    params = {"profile_id": profile_id, "start": start, "end": end}
    return (await session.execute(_MILESTONES, params)).mappings().all()


# --- export -----------------------------------------------------------------------------


_EXPORT = {
    "progress": sa.text(
        f"SELECT p.profile_id AS profile_id, {state_columns('p')}, p.covered::text AS covered "
        "FROM progress p WHERE p.profile_id = ANY(CAST(:ids AS uuid[])) "
        "ORDER BY p.profile_id, p.started_at"
    ),
    "learning_time": sa.text(
        "SELECT profile_id, bucket, kind, active_ms FROM learning_time "
        "WHERE profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY profile_id, bucket, kind"
    ),
    "saved": sa.text(
        "SELECT profile_id, kind, item_id, saved_at FROM saved_item "
        "WHERE profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY profile_id, saved_at"
    ),
}


async def export_rows(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID]
) -> dict[str, Sequence[sa.RowMapping]]:
    ids = list(profile_ids)
    return {
        name: (await session.execute(statement, {"ids": ids})).mappings().all()
        for name, statement in _EXPORT.items()
    }


_TIME_ZONE_SQL = "SELECT timezone FROM account WHERE id = $1"


async def time_zone(conn: asyncpg.Connection[Any], account_id: uuid.UUID) -> str | None:
    """Hot (the library's days): the family's time zone."""
    zone: str | None = await conn.fetchval(_TIME_ZONE_SQL, account_id)
    return zone
