"""Statements of limits.

The gate (`rules_of`) is on the explorer's hot paths (heartbeat, quiz answer): one fixed
statement on the request's asyncpg connection, built once, reading by primary key only: the
explorer's limits row (none: no limits, and the statement ends there), the family's time
zone, the learning time of the last 26 hours (the `learning_time` primary key's range,
profile first; at most four quarter hours an hour per kind) and the recent days' grants.
Today's minutes are summed from those rows in the family's zone, so a time-zone change or a
daylight-saving day needs nothing rewritten. The rest runs on the request's session.
"""

# SQL text from constants only; every value is bound.

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import session_driver
from app.core.schema import table_of
from app.limits.models import LimitDay, ScreenLimit

_limit = table_of(ScreenLimit)
_day = table_of(LimitDay)

_RULES_SQL = """
SELECT l.daily_minutes, l.weekday_minutes, l.bedtime_start, l.bedtime_end,
       a.timezone, u.buckets, u.ms, x.days, x.extras, x.pass_until
FROM screen_limit l
JOIN profile p ON p.id = l.profile_id
JOIN account a ON a.id = p.account_id
LEFT JOIN LATERAL (
    SELECT array_agg(t.bucket) AS buckets, array_agg(t.active_ms) AS ms
    FROM learning_time t WHERE t.profile_id = l.profile_id AND t.bucket >= $2
) u ON true
LEFT JOIN LATERAL (
    SELECT array_agg(g.day) AS days, array_agg(g.extra_minutes) AS extras,
           max(g.pass_until) AS pass_until
    FROM limit_day g WHERE g.profile_id = l.profile_id AND g.day >= $3
) x ON true
WHERE l.profile_id = $1
"""


async def rules_of(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, since: datetime, first_day: date
) -> asyncpg.Record | None:
    """Hot (the gate): the limits, zone, recent learning time and grants; None when the
    explorer has no limits."""
    return await conn.fetchrow(_RULES_SQL, profile_id, since, first_day)


async def connection(session: AsyncSession) -> asyncpg.Connection[Any]:
    return await session_driver(session)


_PUT_INSERT = insert(_limit).values(
    profile_id=sa.bindparam("profile_id"),
    daily_minutes=sa.bindparam("daily_minutes"),
    weekday_minutes=sa.bindparam("weekday_minutes"),
    bedtime_start=sa.bindparam("bedtime_start"),
    bedtime_end=sa.bindparam("bedtime_end"),
)
_PUT = _PUT_INSERT.on_conflict_do_update(
    index_elements=[_limit.c.profile_id],
    set_={
        "daily_minutes": _PUT_INSERT.excluded.daily_minutes,
        "weekday_minutes": _PUT_INSERT.excluded.weekday_minutes,
        "bedtime_start": _PUT_INSERT.excluded.bedtime_start,
        "bedtime_end": _PUT_INSERT.excluded.bedtime_end,
        "updated_at": sa.func.now(),
    },
)
_GET = sa.select(*_limit.c).where(_limit.c.profile_id == sa.bindparam("profile_id"))


async def put_limits(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(_PUT, values)


async def get_limits(session: AsyncSession, profile_id: uuid.UUID) -> Any | None:
    return (await session.execute(_GET, {"profile_id": profile_id})).first()


_GRANT_INSERT = insert(_day).values(
    profile_id=sa.bindparam("profile_id"),
    day=sa.bindparam("day"),
    extra_minutes=sa.bindparam("minutes"),
    pass_until=sa.bindparam("pass_until"),
)
_GRANT = _GRANT_INSERT.on_conflict_do_update(
    index_elements=[_day.c.profile_id, _day.c.day],
    set_={
        "extra_minutes": sa.func.least(
            1440, _day.c.extra_minutes + _GRANT_INSERT.excluded.extra_minutes
        ),
        "pass_until": sa.func.greatest(_day.c.pass_until, _GRANT_INSERT.excluded.pass_until),
        "updated_at": sa.func.now(),
    },
)


async def grant(
    session: AsyncSession,
    profile_id: uuid.UUID,
    day: date,
    minutes: int,
    pass_until: datetime | None,
) -> None:
    await session.execute(
        _GRANT,
        {"profile_id": profile_id, "day": day, "minutes": minutes, "pass_until": pass_until},
    )


_MARK_INSERT = insert(_day).values(
    profile_id=sa.bindparam("profile_id"),
    day=sa.bindparam("day"),
    sent=sa.bindparam("keys", type_=sa.ARRAY(sa.String(80))),
)
# Adds the key unless it is there; answers a row only when it was added (sent once).
_MARK = _MARK_INSERT.on_conflict_do_update(
    index_elements=[_day.c.profile_id, _day.c.day],
    set_={"sent": sa.func.array_cat(_day.c.sent, _MARK_INSERT.excluded.sent)},
    where=sa.not_(_day.c.sent.op("@>", is_comparison=True)(_MARK_INSERT.excluded.sent)),
).returning(_day.c.day)


async def mark_sent(session: AsyncSession, profile_id: uuid.UUID, day: date, key: str) -> bool:
    """Records that the event of `key` was sent for this day; False when it already was."""
    params = {"profile_id": profile_id, "day": day, "keys": [key[:80]]}
    return (await session.execute(_MARK, params)).first() is not None


# Explorers with limits who learned in the last half hour (one probe of the learning_time
# primary key each): those a warning or a lock would interrupt; the tick reads each one's
# day exactly. One who is not playing hears nothing, and meets the lock on the next request.
_ACTIVE = sa.text("""
SELECT l.profile_id, p.account_id
FROM screen_limit l JOIN profile p ON p.id = l.profile_id
WHERE l.profile_id > :after
  AND EXISTS (
      SELECT 1 FROM learning_time t
      WHERE t.profile_id = l.profile_id AND t.bucket >= :since)
ORDER BY l.profile_id
LIMIT :limit
""").bindparams(sa.bindparam("after", type_=sa.Uuid))


async def watched(
    session: AsyncSession, since: datetime, after: uuid.UUID, limit: int
) -> Sequence[Any]:
    params = {"since": since, "after": after, "limit": limit}
    return (await session.execute(_ACTIVE, params)).all()


_EXPORT_LIMITS = sa.select(*_limit.c).where(
    _limit.c.profile_id == sa.any_(sa.bindparam("ids", type_=sa.ARRAY(sa.Uuid)))
)
_EXPORT_DAYS = (
    sa.select(_day.c.profile_id, _day.c.day, _day.c.extra_minutes, _day.c.pass_until)
    .where(_day.c.profile_id == sa.any_(sa.bindparam("ids", type_=sa.ARRAY(sa.Uuid))))
    .order_by(_day.c.profile_id, _day.c.day)
)


async def export_rows(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID]
) -> tuple[Sequence[Any], Sequence[Any]]:
    ids = {"ids": list(profile_ids)}
    return (
        (await session.execute(_EXPORT_LIMITS, ids)).all(),
        (await session.execute(_EXPORT_DAYS, ids)).all(),
    )


_USED_SQL = (
    "SELECT coalesce(sum(active_ms), 0)::bigint FROM learning_time "
    "WHERE profile_id = $1 AND bucket >= $2 AND bucket < $3"
)


async def used_between(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, start: datetime, end: datetime
) -> int:
    """Learning time in milliseconds between two instants (quarter hours from `start`)."""
    return int(await conn.fetchval(_USED_SQL, profile_id, start, end) or 0)


_PRUNE_DAYS = sa.delete(_day).where(_day.c.day < sa.bindparam("before", type_=sa.Date))


async def prune_days(session: AsyncSession, before: date) -> int:
    result = await session.execute(_PRUNE_DAYS, {"before": before})
    return int(getattr(result, "rowcount", 0))
