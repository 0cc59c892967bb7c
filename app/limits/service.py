"""Screen-time and bedtime limits: what a parent sets, an explorer's day, the gate the
explorer's hot routes pass, and the grant of extra minutes.

Limits bind an explorer's token: while locked, its heartbeats, quiz starts and answers and
screens answer 403 `limit_reached` with Retry-After; a parent's own token is the grown-up in
control and is never locked. What was played before the lock is kept (the heartbeat that
crosses the line is recorded; the next is refused)."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.auth.deps import Caller
from app.core.errors import Forbidden
from app.core.ratelimit import RateLimiter
from app.limits import queries
from app.limits.rules import Granted, Rules, State, Today, day_bounds, today
from app.limits.schemas import Bedtime, ExtendIn, LimitsIn, LimitsOut, TodayOut, WeekdayMinutes
from app.outbox.service import enqueue
from app.profiles import service as profiles_service

# Handled by a module that may write to the family's live stream (app/modules.py).
CHANGED_TASK = "limits.changed"
# How far back the gate reads learning time: any local midnight of today is within it
# (a day is at most 25 hours long).
_LOOKBACK = timedelta(hours=26)
# Retry-After when no unlock is in sight (every allowance is zero).
_FAR_RETRY_SECONDS = 3600


class LimitReached(Forbidden):
    code = "limit_reached"

    def __init__(self, day: Today, now: datetime) -> None:
        seconds = (
            max(1, math.ceil((day.until - now).total_seconds()))
            if day.until is not None
            else _FAR_RETRY_SECONDS
        )
        why = "It is bedtime" if day.reason == "bedtime" else "Today's time is used up"
        super().__init__(
            f"{why}: time to rest. Play again after "
            f"{day.until.isoformat() if day.until else 'a grown-up changes the limits'}.",
            headers={"Retry-After": str(seconds)},
        )


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _rules(row: Any) -> Rules:
    weekday = row["weekday_minutes"]
    return Rules(
        daily_minutes=row["daily_minutes"],
        weekday_minutes=tuple(weekday) if weekday is not None else None,
        bedtime_start=row["bedtime_start"],
        bedtime_end=row["bedtime_end"],
    )


async def day_of(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, now: datetime
) -> tuple[Today, ZoneInfo] | None:
    """The explorer's day at `now`, or None when no limits are set: one statement."""
    row = await queries.rules_of(
        conn, profile_id, now - _LOOKBACK, (now - timedelta(days=2)).date()
    )
    if row is None:
        return None
    zone = zone_of(row["timezone"])
    _, start, end = day_bounds(now, zone)
    used = sum(
        int(ms)
        for bucket, ms in zip(row["buckets"] or (), row["ms"] or (), strict=True)
        if start <= bucket < end
    )
    extra: dict[date, int] = {}
    for day, minutes in zip(row["days"] or (), row["extras"] or (), strict=True):
        extra[day] = int(minutes)
    granted = Granted(extra, row["pass_until"])
    return today(_rules(row), used, granted, now, zone), zone


async def enforce(conn: asyncpg.Connection[Any], profile_id: uuid.UUID, now: datetime) -> None:
    """The gate of an explorer's play: passes, or raises 403 `limit_reached`."""
    found = await day_of(conn, profile_id, now)
    if found is not None and found[0].state is State.locked:
        raise LimitReached(found[0], now)


async def resting(conn: asyncpg.Connection[Any], profile_id: uuid.UUID, now: datetime) -> bool:
    """Locked (its time used up) or asleep (bedtime): nothing should call the explorer."""
    found = await day_of(conn, profile_id, now)
    return found is not None and found[0].state is State.locked


# --- a parent's settings ----------------------------------------------------------------


def _out(row: Any, zone: str) -> LimitsOut:
    if row is None:
        return LimitsOut(daily_minutes=None, weekday_minutes=None, bedtime=None, timezone=zone)
    bedtime = (
        Bedtime(start=row.bedtime_start, end=row.bedtime_end)
        if row.bedtime_start is not None and row.bedtime_end is not None
        else None
    )
    weekday = WeekdayMinutes.of(list(row.weekday_minutes)) if row.weekday_minutes else None
    return LimitsOut(
        daily_minutes=row.daily_minutes, weekday_minutes=weekday, bedtime=bedtime, timezone=zone
    )


async def _zone_name(session: AsyncSession, account_id: uuid.UUID) -> str:
    account = await accounts_service.get_or_404(session, account_id)
    return str(account.timezone)


async def get_limits(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID
) -> LimitsOut:
    row = await queries.get_limits(session, profile_id)
    return _out(row, await _zone_name(session, account_id))


async def put_limits(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID, body: LimitsIn
) -> LimitsOut:
    await queries.put_limits(
        session,
        {
            "profile_id": profile_id,
            "daily_minutes": body.daily_minutes,
            "weekday_minutes": body.weekday_minutes.as_list() if body.weekday_minutes else None,
            "bedtime_start": body.bedtime.start if body.bedtime else None,
            "bedtime_end": body.bedtime.end if body.bedtime else None,
        },
    )
    return await get_limits(session, account_id, profile_id)


def today_out(day: Today | None, zone: ZoneInfo, used_ms: int, now: datetime) -> TodayOut:
    if day is None:
        return TodayOut(
            date=now.astimezone(zone).date(),
            timezone=zone.key,
            state=State.ok,
            reason=None,
            minutes_used=round(used_ms / 60_000, 1),
            minutes_allowed=None,
            minutes_left=None,
            extra_minutes=0,
            until=None,
        )
    return TodayOut(
        date=day.day,
        timezone=zone.key,
        state=day.state,
        reason=day.reason,
        minutes_used=round(day.used_ms / 60_000, 1),
        minutes_allowed=day.allowed_minutes,
        minutes_left=None if day.left_ms is None else round(day.left_ms / 60_000, 1),
        extra_minutes=day.extra_minutes,
        until=day.until,
    )


async def today_of(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID, now: datetime
) -> TodayOut:
    conn = await queries.connection(session)
    found = await day_of(conn, profile_id, now)
    if found is not None:
        return today_out(found[0], found[1], 0, now)
    zone = zone_of(await _zone_name(session, account_id))
    _, start, end = day_bounds(now, zone)
    return today_out(None, zone, await queries.used_between(conn, profile_id, start, end), now)


async def extend(
    session: AsyncSession,
    limiter: RateLimiter,
    account_id: uuid.UUID,
    profile_id: uuid.UUID,
    body: ExtendIn,
    now: datetime,
) -> TodayOut:
    """Extra minutes for today (the family's date), and a pause of bedtime for as long;
    the lock ends at once, and every device of the explorer hears it on the stream."""
    account = await accounts_service.get_or_404(session, account_id)
    await accounts_service.check_pin(limiter, account, body.pin)
    zone = zone_of(str(account.timezone))
    day = now.astimezone(zone).date()
    await queries.grant(
        session, profile_id, day, body.minutes, now + timedelta(minutes=body.minutes)
    )
    out = await today_of(session, account_id, profile_id, now)
    await enqueue(
        session,
        CHANGED_TASK,
        {
            "account_id": str(account_id),
            "profile_id": str(profile_id),
            "today": out.model_dump(mode="json"),
        },
        dedup_key=f"limits-extended:{profile_id}:{uuid.uuid4()}",
    )
    return out


async def mark_sent(session: AsyncSession, profile_id: uuid.UUID, day: date, key: str) -> bool:
    return await queries.mark_sent(session, profile_id, day, key)


async def watched(
    session: AsyncSession, since: datetime, after: uuid.UUID, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Explorers with limits that the live events may concern now: (profile, account)."""
    rows = await queries.watched(session, since, after, limit)
    return [(row.profile_id, row.account_id) for row in rows]


async def export_limits(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """The limits of a family's explorers and the minutes granted, JSON-ready."""
    ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    limits, days = await queries.export_rows(session, ids)
    return {
        "limits": [
            {
                "profile_id": str(row.profile_id),
                # The family's zone is in the account's part of the export, not repeated here.
                **_out(row, "UTC").model_dump(mode="json", exclude={"timezone"}),
                "updated_at": row.updated_at.isoformat(),
            }
            for row in limits
        ],
        "granted": [
            {
                "profile_id": str(row.profile_id),
                "date": row.day.isoformat(),
                "extra_minutes": row.extra_minutes,
                "bedtime_paused_until": row.pass_until.isoformat() if row.pass_until else None,
            }
            for row in days
        ],
    }


async def check_play(
    session: AsyncSession, caller: Caller, profile_id: uuid.UUID, now: datetime
) -> None:
    """The gate for routes on the request's session (a quiz start, a screen)."""
    if caller.is_explorer:
        await enforce(await queries.connection(session), profile_id, now)


async def connection(session: AsyncSession) -> asyncpg.Connection[Any]:
    """The session's connection, for `day_of` inside a session's transaction."""
    return await queries.connection(session)


async def learned_ms(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, start: datetime, end: datetime
) -> int:
    """Learning time between two instants, in milliseconds."""
    return await queries.used_between(conn, profile_id, start, end)


# Grants and the events' keys are read for today and yesterday; a month is kept so that a
# parent can look back at the time they granted (and find it in the export).
DAY_RETENTION = timedelta(days=35)


async def prune_days(session: AsyncSession, now: datetime) -> int:
    """Deletes explorers' days older than DAY_RETENTION (the retention job)."""
    return await queries.prune_days(session, (now - DAY_RETENTION).date())
