"""Rollup and dashboard statements.

The rollup is an aggregate batch job, so it reads other modules' tables directly (progress,
learning_time, quiz_attempt, quiz, account, profile, and the catalogue's item tables for
titles): counts and sums only, never a profile id or a nickname leaves these statements.
Every figure is taken from columns that stay as they were once written (created_at,
started_at, completed_at, closed_at, learning-time buckets), so rerunning a past day gives
the same rows. Days are UTC days.
"""

# SQL text from constants only; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

# The day's bounds as instants: [lo, hi).
_BOUNDS = """bounds AS (
    SELECT (CAST(:day AS date)::timestamp AT TIME ZONE 'UTC') AS lo,
           ((CAST(:day AS date) + 1)::timestamp AT TIME ZONE 'UTC') AS hi
)"""

# Anything an explorer did: learning time, starting or finishing an item, a quiz attempt.
# Thirty days back from the day, for the weekly and monthly distinct counts.
_ACTIVE = """active AS (
    SELECT t.profile_id, t.bucket AS at FROM learning_time t, bounds b
    WHERE t.bucket >= b.lo - interval '29 days' AND t.bucket < b.hi
    UNION ALL
    SELECT p.profile_id, p.started_at FROM progress p, bounds b
    WHERE p.started_at >= b.lo - interval '29 days' AND p.started_at < b.hi
    UNION ALL
    SELECT p.profile_id, p.completed_at FROM progress p, bounds b
    WHERE p.completed_at >= b.lo - interval '29 days' AND p.completed_at < b.hi
    UNION ALL
    SELECT a.profile_id, a.started_at FROM quiz_attempt a, bounds b
    WHERE a.started_at >= b.lo - interval '29 days' AND a.started_at < b.hi
)"""

DAY_COLUMNS = (
    "day",
    "new_accounts",
    "new_profiles",
    "active_explorers",
    "active_7d",
    "active_30d",
    "video_ms",
    "ebook_ms",
    "diy_ms",
    "starts",
    "completions",
    "quiz_attempts",
    "quiz_passed",
)

_DAY_SELECT = f"""
WITH {_BOUNDS}, {_ACTIVE},
time_spent AS (
    SELECT t.kind, sum(t.active_ms) AS ms FROM learning_time t, bounds b
    WHERE t.bucket >= b.lo AND t.bucket < b.hi GROUP BY t.kind
),
attempts AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE a.passed) AS passed
    FROM quiz_attempt a, bounds b
    WHERE a.closed_reason = 'submitted' AND a.closed_at >= b.lo AND a.closed_at < b.hi
)
SELECT
    CAST(:day AS date) AS day,
    (SELECT count(*) FROM account a, bounds b
     WHERE a.created_at >= b.lo AND a.created_at < b.hi)::int AS new_accounts,
    (SELECT count(*) FROM profile p, bounds b
     WHERE p.created_at >= b.lo AND p.created_at < b.hi)::int AS new_profiles,
    (SELECT count(DISTINCT profile_id) FROM active, bounds b WHERE at >= b.lo)::int
        AS active_explorers,
    (SELECT count(DISTINCT profile_id) FROM active, bounds b
     WHERE at >= b.lo - interval '6 days')::int AS active_7d,
    (SELECT count(DISTINCT profile_id) FROM active)::int AS active_30d,
    coalesce((SELECT ms FROM time_spent WHERE kind = 'video'), 0)::bigint AS video_ms,
    coalesce((SELECT ms FROM time_spent WHERE kind = 'ebook'), 0)::bigint AS ebook_ms,
    coalesce((SELECT ms FROM time_spent WHERE kind = 'diy'), 0)::bigint AS diy_ms,
    (SELECT count(*) FROM progress p, bounds b
     WHERE p.started_at >= b.lo AND p.started_at < b.hi)::int AS starts,
    (SELECT count(*) FROM progress p, bounds b
     WHERE p.completed_at >= b.lo AND p.completed_at < b.hi)::int AS completions,
    (SELECT n FROM attempts)::int AS quiz_attempts,
    (SELECT passed FROM attempts)::int AS quiz_passed
"""

_ITEM_SELECT = f"""
WITH {_BOUNDS}
SELECT CAST(:day AS date) AS day, p.kind, p.item_id,
    (count(*) FILTER (WHERE p.started_at >= b.lo AND p.started_at < b.hi))::int AS starts,
    (count(*) FILTER (WHERE p.completed_at >= b.lo AND p.completed_at < b.hi))::int
        AS completions
FROM progress p, bounds b
WHERE (p.started_at >= b.lo AND p.started_at < b.hi)
   OR (p.completed_at >= b.lo AND p.completed_at < b.hi)
GROUP BY p.kind, p.item_id
"""

_QUIZ_SELECT = f"""
WITH {_BOUNDS}
SELECT CAST(:day AS date) AS day, q.id AS quiz_id, q.content_kind AS kind,
    coalesce(q.video_id, q.ebook_id, q.diy_id) AS item_id,
    count(*)::int AS attempts, (count(*) FILTER (WHERE a.passed))::int AS passed
FROM quiz_attempt a JOIN quiz q ON q.id = a.quiz_id, bounds b
WHERE a.closed_reason = 'submitted' AND a.closed_at >= b.lo AND a.closed_at < b.hi
GROUP BY q.id
"""

DAY_LIVE = sa.text(_DAY_SELECT)

# One day's rollup: the day's rows replaced in the caller's transaction.
_LOCK_DAY = sa.text("SELECT pg_advisory_xact_lock(21332, CAST(:ordinal AS int))")
_REPLACE = [
    sa.text("DELETE FROM daily_stat WHERE day = :day"),
    sa.text(f"INSERT INTO daily_stat ({', '.join(DAY_COLUMNS)}) {_DAY_SELECT}"),
    sa.text("DELETE FROM daily_item_stat WHERE day = :day"),
    sa.text(
        f"INSERT INTO daily_item_stat (day, kind, item_id, starts, completions) {_ITEM_SELECT}"
    ),
    sa.text("DELETE FROM daily_quiz_stat WHERE day = :day"),
    sa.text(
        f"INSERT INTO daily_quiz_stat (day, quiz_id, kind, item_id, attempts, passed) "
        f"{_QUIZ_SELECT}"
    ),
]


async def roll_up_day(session: AsyncSession, day: date) -> None:
    # One rollup of a day at a time across instances; another day runs beside it.
    await session.execute(_LOCK_DAY, {"ordinal": day.toordinal()})
    for statement in _REPLACE:
        await session.execute(statement, {"day": day})


_DAYS_ROLLED = sa.text(
    "SELECT day FROM daily_stat WHERE day >= :first AND day <= :last ORDER BY day"
)


async def days_rolled_up(session: AsyncSession, first: date, last: date) -> set[date]:
    rows = await session.execute(_DAYS_ROLLED, {"first": first, "last": last})
    return {row[0] for row in rows}


_DAYS = sa.text(
    f"SELECT {', '.join(DAY_COLUMNS)} FROM daily_stat "
    "WHERE day >= :first AND day <= :last ORDER BY day"
)


async def stored_days(session: AsyncSession, first: date, last: date) -> list[dict[str, Any]]:
    rows = await session.execute(_DAYS, {"first": first, "last": last})
    return [dict(row) for row in rows.mappings()]


async def live_day(session: AsyncSession, day: date) -> dict[str, Any]:
    """The figures of a day so far, from the live tables (one day's index ranges)."""
    row = (await session.execute(DAY_LIVE, {"day": day})).mappings().one()
    return dict(row)


_ITEMS = """items AS (
    SELECT 'video' AS kind, id, title, theme_id FROM video
    UNION ALL SELECT 'ebook', id, title, theme_id FROM ebook
    UNION ALL SELECT 'diy', id, title, theme_id FROM diy
)"""

# The smallest cells of what is counted per item: one item's day. Starts and completions of
# explorers, and the attempts and passes of the item's quizzes, from the stored days in
# [:first, :last] and, when :with_today, today's (:day) figures from the live tables.
_CELLS = f"""cells AS (
    SELECT day, kind, item_id, sum(starts)::int AS starts,
        sum(completions)::int AS completions, sum(attempts)::int AS attempts,
        sum(passed)::int AS passed
    FROM (
        SELECT day, kind, item_id, starts, completions, 0 AS attempts, 0 AS passed
        FROM daily_item_stat WHERE day >= :first AND day <= :last
        UNION ALL
        SELECT day, kind, item_id, 0, 0, attempts, passed
        FROM daily_quiz_stat WHERE day >= :first AND day <= :last
        UNION ALL
        SELECT day, kind, item_id, starts, completions, 0, 0
        FROM ({_ITEM_SELECT}) live_items WHERE :with_today
        UNION ALL
        SELECT day, kind, item_id, 0, 0, attempts, passed
        FROM ({_QUIZ_SELECT}) live_quizzes WHERE :with_today
    ) c
    GROUP BY day, kind, item_id
)"""

# What a cell publishes (app/stats/service.py, "small numbers"): a count from 1 to
# :small - 1 is hidden, so it adds nothing and is only counted as hidden; passes only with
# attempts, passes and failures each none or at least :small (a rate and its attempts give
# the passes away). Every figure over a range is a sum of these, so no answer depends on
# the value of a hidden cell.
_PUBLISHED = """published AS (
    SELECT day, kind, item_id,
        CASE WHEN starts >= :small THEN starts ELSE 0 END AS starts,
        (starts BETWEEN 1 AND :small - 1)::int AS starts_hidden,
        CASE WHEN completions >= :small THEN completions ELSE 0 END AS completions,
        (completions BETWEEN 1 AND :small - 1)::int AS completions_hidden,
        CASE WHEN attempts >= :small THEN attempts ELSE 0 END AS attempts,
        (attempts BETWEEN 1 AND :small - 1)::int AS attempts_hidden,
        CASE WHEN rated THEN attempts ELSE 0 END AS rated_attempts,
        CASE WHEN rated THEN passed ELSE 0 END AS rated_passed,
        (attempts > 0 AND NOT rated)::int AS rate_hidden
    FROM cells, LATERAL (
        SELECT attempts >= :small AND (passed = 0 OR passed >= :small)
            AND (attempts - passed = 0 OR attempts - passed >= :small) AS rated
    ) r
)"""

_SUMS = """sum(starts)::int AS starts, sum(starts_hidden)::int AS starts_hidden,
    sum(completions)::int AS completions, sum(completions_hidden)::int AS completions_hidden,
    sum(attempts)::int AS attempts, sum(attempts_hidden)::int AS attempts_hidden,
    sum(rated_attempts)::int AS rated_attempts, sum(rated_passed)::int AS rated_passed,
    sum(rate_hidden)::int AS rate_hidden"""

CELL_FIGURES = (
    "starts",
    "starts_hidden",
    "completions",
    "completions_hidden",
    "attempts",
    "attempts_hidden",
    "rated_attempts",
    "rated_passed",
    "rate_hidden",
)

_CELLS_BY_DAY = sa.text(
    f"WITH {_CELLS}, {_PUBLISHED} SELECT day, {_SUMS} FROM published GROUP BY day"
)


async def cells_by_day(
    session: AsyncSession, first: date, last: date, today: date | None, small: int
) -> dict[date, dict[str, Any]]:
    """Per day of [first, last] (stored) and `today` (live, when given): the published sums
    of its item cells and how many were hidden (CELL_FIGURES)."""
    params = {
        "first": first,
        "last": last,
        "day": today or last,
        "with_today": today is not None,
        "small": small,
    }
    rows = await session.execute(_CELLS_BY_DAY, params)
    return {row["day"]: dict(row) for row in rows.mappings()}


# Items ranked by their published figures over the range. A completion rate is ranked
# among items with enough starts first, so one explorer's one finished item does not top
# the list.
_CONTENT = f"""
WITH {_ITEMS}, {_CELLS}, {_PUBLISHED},
per_item AS (SELECT kind, item_id, {_SUMS} FROM published GROUP BY kind, item_id)
SELECT i.kind, i.id, i.title, i.theme_id, f.starts, f.starts_hidden, f.completions,
    f.completions_hidden, f.attempts, f.attempts_hidden, f.rated_attempts, f.rated_passed,
    f.rate_hidden, f.completions::float / nullif(f.starts, 0) AS completion_rate
FROM per_item f
JOIN items i ON i.kind = f.kind AND i.id = f.item_id
WHERE (CAST(:kind AS text) IS NULL OR i.kind = :kind)
  AND (CAST(:theme_id AS uuid) IS NULL OR i.theme_id = :theme_id)
ORDER BY {{order}}, i.id
LIMIT :limit
"""

_ORDERS = {
    "starts": "f.starts DESC, f.completions DESC",
    "completions": "f.completions DESC, f.starts DESC",
    "completion_rate": (
        "(f.starts >= :small) DESC, completion_rate DESC NULLS LAST, f.starts DESC"
    ),
}
CONTENT = {sort: sa.text(_CONTENT.format(order=order)) for sort, order in _ORDERS.items()}

_THEME_BY_SLUG = sa.text("SELECT id FROM theme WHERE slug = :slug")


async def theme_id_by_slug(session: AsyncSession, slug: str) -> Any:
    return await session.scalar(_THEME_BY_SLUG, {"slug": slug})


async def content(
    session: AsyncSession, sort: str, params: dict[str, Any]
) -> Sequence[sa.RowMapping]:
    return (await session.execute(CONTENT[sort], params)).mappings().all()
