"""Rewards statements.

The award is SQL text in two shapes, one rule. `award_ctes` writes the common tail: the facts
a request established (an item completed, a quiz passed...) are inserted into `reward_fact`
with ON CONFLICT DO NOTHING; only the new ones add one to their counters (`reward_tally`, an
upsert on its primary key); the badges whose counter reached their threshold are inserted
into `earned_badge` with ON CONFLICT DO NOTHING (the earned-once rule is that primary key),
and each badge really earned writes its announcement to the outbox. The heartbeat carries
this tail inside its own statement (app/progress/queries.py), with the streak's day counter
before it (`heartbeat_ctes`); a quiz submit runs it alone on the session's connection
(`AWARD_SQL`). Either way the award commits or rolls back with the request that earned it,
and costs one statement on primary keys and the badge index, never a read of history.

Concurrency: two completions at once both upsert the same counter row; the second waits
for the first's row lock and adds to the committed count, so counts are exact. Both may then
find the same badge due: the second insert waits on the first's key and does nothing.

Everything else (the editors' badges, an explorer's list, locks, settings, export) runs on
the request's session or its connection, statements built once.
"""

# SQL text from constants only; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import session_driver
from app.core.pagination import keyset
from app.core.schema import table_of
from app.integrations.tasks import TaskRef
from app.outbox import queries as outbox_queries
from app.rewards.models import Badge, EarnedBadge, RewardSetting, RewardTally

# The task that tells an explorer (and maybe the parent) about a badge: the notifications
# module handles it (app/notifications/badges.py).
BADGE_EARNED_TASK = "rewards.badge_earned"
# The counter of streak badges: their threshold is a number of days, compared with the
# streak the day that just became active completes.
STREAK_KEY = "streak"
# How far back a streak is counted: a streak badge asks for at most MAX_STREAK_DAYS, which a
# run within this window can always show (one grace day a week at most).
STREAK_WINDOW_DAYS = 400

connection = session_driver


def award_ctes(*, profile: str, subject: str, now: str, facts_from: str, keys: str) -> str:
    """The award's CTEs (see the module's docstring), to follow other CTEs of a statement.
    `facts_from`: a FROM item of one column `w`, the facts established (none: nothing is
    counted); `keys`: a text[] expression of every counter those facts feed, each named
    `<fact>` or `<fact>:<detail>`. A CTE `r_streak(days)` may precede them (heartbeats)."""
    return f"""
r_fact AS (
    INSERT INTO reward_fact (profile_id, what, subject_id, at)
    SELECT {profile}, f.w, {subject}, {now} FROM {facts_from}
    ON CONFLICT DO NOTHING
    RETURNING what
),
r_tally AS (
    INSERT INTO reward_tally AS t (profile_id, key, count)
    SELECT {profile}, k.key, 1 FROM unnest({keys}) k(key)
    JOIN r_fact ON r_fact.what = split_part(k.key, ':', 1)
    ON CONFLICT (profile_id, key) DO UPDATE SET count = t.count + 1
    RETURNING key, count
),
r_due AS (
    SELECT b.id FROM r_tally JOIN badge b ON b.tally_key = r_tally.key
        AND b.threshold <= r_tally.count
    {{streak}}
),
r_earned AS (
    INSERT INTO earned_badge (profile_id, badge_id, earned_at)
    SELECT DISTINCT {profile}, r_due.id, {now} FROM r_due
    WHERE NOT EXISTS (
        SELECT 1 FROM reward_setting s WHERE s.profile_id = {profile} AND NOT s.enabled)
    ON CONFLICT DO NOTHING
    RETURNING badge_id
),
r_told AS (
    {
        outbox_queries.insert_from(
            f"SELECT '{BADGE_EARNED_TASK}'::varchar, jsonb_build_object('profile_id', "
            f"{profile}, 'badge_id', e.badge_id), 'badge:' || {profile} || ':' || e.badge_id "
            "FROM r_earned e"
        )
    }
    RETURNING id, name
)"""


def _with_streak(ctes: str, streak: bool) -> str:
    union = (
        f"UNION SELECT b.id FROM r_streak JOIN badge b ON b.tally_key = '{STREAK_KEY}' "
        "AND b.threshold <= r_streak.days"
    )
    return ctes.replace("{streak}", union if streak else "")


# $1 profile, $2 subject (the quiz), $3 now, $4 facts (text[]), $5 counter keys (text[]).
AWARD_SQL = (
    "WITH "
    + _with_streak(
        award_ctes(
            profile="$1::uuid",
            subject="$2::uuid",
            now="$3::timestamptz",
            facts_from="unnest($4::text[]) f(w)",
            keys="$5::text[]",
        ),
        streak=False,
    ).lstrip()
    + "\nSELECT id, name FROM r_told"
)


def heartbeat_ctes(
    *, saved: str, profile: str, item: str, sent_at: str, now: str, keys: str, streak_ms: str
) -> str:
    """The award for a heartbeat statement whose CTE `saved` returned the new state
    (`completed_at`, `read_aloud`, `last_credit_ms`): the family's day of the heartbeat
    gains the time it credited (`reward_day`), a day that just became active counts the
    streak it completes, and a completion in this very heartbeat (`completed_at` is now)
    counts the item (and a read-aloud eBook). One statement: nothing here is a second trip.
    """
    facts_from = (
        f"{saved} s, unnest(CASE WHEN s.read_aloud THEN ARRAY['items', 'read_aloud'] "
        f"ELSE ARRAY['items'] END) f(w) WHERE s.completed_at = {now}"
    )
    return f"""
r_day AS (
    INSERT INTO reward_day AS d (profile_id, day, active_ms, active, became_active)
    SELECT {profile}, z.day, s.last_credit_ms, x.active, x.active
    FROM {saved} s,
        LATERAL (SELECT (least({sent_at}, {now}) AT TIME ZONE a.timezone)::date AS day
            FROM profile pr JOIN account a ON a.id = pr.account_id WHERE pr.id = {profile}) z,
        LATERAL (SELECT s.last_credit_ms >= {streak_ms}
            OR s.completed_at IS NOT DISTINCT FROM {now} AS active) x
    WHERE s.last_credit_ms > 0 OR s.completed_at = {now}
    ON CONFLICT (profile_id, day) DO UPDATE SET
        active_ms = d.active_ms + excluded.active_ms,
        active = d.active OR excluded.active OR d.active_ms + excluded.active_ms >= {streak_ms},
        became_active = NOT d.active AND (excluded.active
            OR d.active_ms + excluded.active_ms >= {streak_ms})
    RETURNING day, became_active
),
r_streak AS (
    SELECT reward_streak(ARRAY(
        SELECT x.day FROM reward_day x WHERE x.profile_id = {profile} AND x.active
            AND x.day > r.day - {STREAK_WINDOW_DAYS} AND x.day < r.day
    ) || r.day, r.day) AS days
    FROM r_day r WHERE r.became_active
),{
        _with_streak(
            award_ctes(
                profile=profile,
                subject=item,
                now=now,
                facts_from=facts_from,
                keys=keys,
            ),
            streak=True,
        )
    }"""


async def award(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    subject_id: uuid.UUID,
    now: datetime,
    facts: Sequence[str],
    keys: Sequence[str],
) -> list[TaskRef]:
    """The announcements of the badges these facts earned (usually none), to hand to the
    task backend once committed. `conn` in the request's transaction."""
    rows = await conn.fetch(AWARD_SQL, profile_id, subject_id, now, list(facts), list(keys))
    return [TaskRef(id=row["id"], name=row["name"]) for row in rows]


# The streak as of now in the family's calendar ($2: now), from the days the heartbeats
# marked active: for "within reach" (not a hot path).
_STREAK_NOW_SQL = f"""
SELECT reward_streak(ARRAY(
    SELECT x.day FROM reward_day x WHERE x.profile_id = $1 AND x.active
        AND x.day > z.today - {STREAK_WINDOW_DAYS} AND x.day <= z.today
), z.today)
FROM (SELECT ($2::timestamptz AT TIME ZONE a.timezone)::date AS today
      FROM profile pr JOIN account a ON a.id = pr.account_id WHERE pr.id = $1) z
"""


async def streak_now(conn: asyncpg.Connection[Any], profile_id: uuid.UUID, now: datetime) -> int:
    return int(await conn.fetchval(_STREAK_NOW_SQL, profile_id, now) or 0)


# --- badges (editors) ----------------------------------------------------------------------

_badge = table_of(Badge)
_b = _badge.c
_earned = table_of(EarnedBadge).c
_tally = table_of(RewardTally).c
_setting_table = table_of(RewardSetting)
_s = _setting_table.c

_LIST_BADGES = sa.select(Badge).order_by(_b.sort_order, _b.id)
# A page of the editors' list: after (:after_order, :after_id) when given, :limit rows.
_PAGE_BADGES = (
    sa.select(Badge)
    .where(
        sa.or_(
            sa.bindparam("after_order", type_=sa.Integer).is_(None),
            keyset(
                [_b.sort_order, _b.id],
                [sa.bindparam("after_order", type_=sa.Integer), sa.bindparam("after_id")],
            ),
        )
    )
    .order_by(_b.sort_order, _b.id)
    .limit(sa.bindparam("limit"))
)
_SLUG_TAKEN = sa.select(_b.id).where(_b.slug == sa.bindparam("slug"), _b.id != sa.bindparam("id"))
_EARNED_COUNT = sa.select(sa.func.count()).where(_earned.badge_id == sa.bindparam("badge_id"))


# What a criterion names must exist in the catalogue (any status: a badge may be defined
# for a series before it is published).
_EXISTS = {
    "theme_id": "SELECT EXISTS (SELECT 1 FROM theme WHERE id = $1)",
    "series_id": "SELECT EXISTS (SELECT 1 FROM series WHERE id = $1)",
    "item_id": (
        "SELECT EXISTS (SELECT 1 FROM video WHERE id = $1) "
        "OR EXISTS (SELECT 1 FROM ebook WHERE id = $1) "
        "OR EXISTS (SELECT 1 FROM diy WHERE id = $1)"
    ),
}


async def catalogue_has(conn: asyncpg.Connection[Any], field: str, ident: uuid.UUID) -> bool:
    return bool(await conn.fetchval(_EXISTS[field], ident))


async def all_badges(session: AsyncSession) -> Sequence[Badge]:
    return (await session.execute(_LIST_BADGES)).scalars().all()


async def page_of_badges(
    session: AsyncSession, after: tuple[int, uuid.UUID] | None, limit: int
) -> Sequence[Badge]:
    order, ident = after or (None, None)
    params = {"after_order": order, "after_id": ident, "limit": limit}
    return (await session.execute(_PAGE_BADGES, params)).scalars().all()


async def slug_taken(session: AsyncSession, slug: str, exclude: uuid.UUID | None) -> bool:
    params = {"slug": slug, "id": exclude or uuid.UUID(int=0)}
    return (await session.execute(_SLUG_TAKEN, params)).first() is not None


async def earned_count(session: AsyncSession, badge_id: uuid.UUID) -> int:
    return int((await session.execute(_EARNED_COUNT, {"badge_id": badge_id})).scalar_one())


async def upsert_badge(session: AsyncSession, values: dict[str, Any]) -> None:
    """The demo's badges, by their stable ids: made once, never overwritten."""
    await session.execute(insert(_badge).values(**values).on_conflict_do_nothing())


# --- one explorer --------------------------------------------------------------------------

_EARNED_OF = (
    sa.select(_earned.badge_id, _earned.earned_at)
    .where(_earned.profile_id == sa.bindparam("profile_id"))
    .order_by(_earned.earned_at.desc(), _earned.badge_id)
)
_TALLIES_OF = sa.select(_tally.key, _tally.count).where(
    _tally.profile_id == sa.bindparam("profile_id")
)
_SETTING = sa.select(_s.enabled, _s.tell_parent).where(_s.profile_id == sa.bindparam("profile_id"))
_PUT_SETTING = (
    insert(_setting_table)
    .values(
        profile_id=sa.bindparam("profile_id"),
        enabled=sa.bindparam("enabled"),
        tell_parent=sa.bindparam("tell_parent"),
    )
    .on_conflict_do_update(
        index_elements=[_s.profile_id],
        set_={"enabled": sa.bindparam("enabled"), "tell_parent": sa.bindparam("tell_parent")},
    )
)


async def earned_of(session: AsyncSession, profile_id: uuid.UUID) -> Sequence[sa.RowMapping]:
    """(badge_id, earned_at), newest first."""
    return (await session.execute(_EARNED_OF, {"profile_id": profile_id})).mappings().all()


async def tallies_of(session: AsyncSession, profile_id: uuid.UUID) -> dict[str, int]:
    rows = (await session.execute(_TALLIES_OF, {"profile_id": profile_id})).mappings().all()
    return {row["key"]: int(row["count"]) for row in rows}


async def setting(session: AsyncSession, profile_id: uuid.UUID) -> sa.RowMapping | None:
    return (await session.execute(_SETTING, {"profile_id": profile_id})).mappings().first()


async def put_setting(
    session: AsyncSession, profile_id: uuid.UUID, enabled: bool, tell_parent: bool
) -> None:
    params = {"profile_id": profile_id, "enabled": enabled, "tell_parent": tell_parent}
    await session.execute(_PUT_SETTING, params)


# Hot (the library screens): the latest badge, when rewards are on. Index
# ix_earned_badge_profile_earned, one row.
_LATEST_SQL = """
SELECT b.id, b.title, b.description, b.picture_asset_id, e.earned_at
FROM earned_badge e JOIN badge b ON b.id = e.badge_id
WHERE e.profile_id = $1
  AND NOT EXISTS (SELECT 1 FROM reward_setting s WHERE s.profile_id = $1 AND NOT s.enabled)
ORDER BY e.earned_at DESC, e.badge_id
LIMIT 1
"""


async def latest(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(_LATEST_SQL, profile_id)


# The parts some badge unlocks, and whether this explorer ($1, NULL for nobody) earned one
# of those badges; every part is free while the explorer's rewards are off.
_LOCKS_SQL = """
SELECT p.part_id, bool_or(e.badge_id IS NOT NULL) AS unlocked
FROM badge b
CROSS JOIN LATERAL unnest(b.unlocks) p(part_id)
LEFT JOIN earned_badge e ON e.badge_id = b.id AND e.profile_id = $1
WHERE NOT EXISTS (SELECT 1 FROM reward_setting s WHERE s.profile_id = $1 AND NOT s.enabled)
GROUP BY p.part_id
"""


async def locked_parts(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID | None
) -> set[uuid.UUID]:
    rows = await conn.fetch(_LOCKS_SQL, profile_id)
    return {row["part_id"] for row in rows if not row["unlocked"]}


# For the task that announces a badge: the badge, the explorer's family and their choices.
_ANNOUNCEMENT_SQL = """
SELECT b.id, b.title, b.description, b.picture_asset_id, e.earned_at, pr.account_id,
    pr.nickname, coalesce(s.enabled, true) AS enabled, coalesce(s.tell_parent, false) AS tell_parent
FROM earned_badge e
JOIN badge b ON b.id = e.badge_id
JOIN profile pr ON pr.id = e.profile_id
LEFT JOIN reward_setting s ON s.profile_id = e.profile_id
WHERE e.profile_id = $1 AND e.badge_id = $2
"""


async def announcement(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, badge_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(_ANNOUNCEMENT_SQL, profile_id, badge_id)


# --- media, export --------------------------------------------------------------------------


def badge_assets() -> sa.Select[tuple[uuid.UUID]]:
    """The pictures of badges, kept by media housekeeping."""
    return sa.select(_b.picture_asset_id).where(_b.picture_asset_id.is_not(None))


def badge_pictures(asset_id: sa.ColumnElement[uuid.UUID]) -> sa.ColumnElement[bool]:
    """Badge pictures anyone may fetch by id (the badge shows on the explorer's screens)."""
    return sa.exists().where(_b.picture_asset_id == asset_id)


_EXPORT_EARNED = sa.text(
    "SELECT e.profile_id, e.badge_id, b.title, e.earned_at FROM earned_badge e "
    "JOIN badge b ON b.id = e.badge_id WHERE e.profile_id = ANY(CAST(:ids AS uuid[])) "
    "ORDER BY e.profile_id, e.earned_at"
)
_EXPORT_SETTINGS = sa.text(
    "SELECT profile_id, enabled, tell_parent FROM reward_setting "
    "WHERE profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY profile_id"
)


_EXPORT_TALLIES = sa.text(
    "SELECT profile_id, key, count FROM reward_tally "
    "WHERE profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY profile_id, key"
)
_EXPORT_DAYS = sa.text(
    "SELECT profile_id, day, active_ms, active FROM reward_day "
    "WHERE profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY profile_id, day"
)
_EXPORTS = {
    "badges": _EXPORT_EARNED,
    "settings": _EXPORT_SETTINGS,
    "counters": _EXPORT_TALLIES,
    "days": _EXPORT_DAYS,
}


async def export_rows(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID]
) -> dict[str, Sequence[sa.RowMapping]]:
    ids = list(profile_ids)
    return {
        name: (await session.execute(statement, {"ids": ids})).mappings().all()
        for name, statement in _EXPORTS.items()
    }
