"""Rollups (the job and the in-process tick) and the dashboards read from them."""

from __future__ import annotations

import argparse
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import BadRequest
from app.runtime import Runtime
from app.stats import queries
from app.stats.schemas import (
    ContentFigures,
    ContentSort,
    ContentStats,
    Explorers,
    Interval,
    Overview,
    OverviewPoint,
)

logger = logging.getLogger(__name__)

# Below this many explorers a figure could point at a child: shown as "fewer than 5".
SMALL_NUMBER = 5
MAX_RANGE_DAYS = 731
DEFAULT_RANGE_DAYS = 30
# Days the tick looks back for days not rolled up yet (a server down over a weekend).
CATCH_UP_DAYS = 7


def today() -> date:
    return datetime.now(UTC).date()


# --- rollups -------------------------------------------------------------------------------


async def roll_up(session: AsyncSession, first: date, last: date) -> list[date]:
    """Replaces the rows of every day in [first, last]; days not over yet are refused."""
    if last >= today():
        raise ValueError("a day is rolled up once it is over (UTC): pick a day before today")
    if first > last:
        raise ValueError("the first day comes after the last")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for day in days:
        await queries.roll_up_day(session, day)
    return days


def _parse_args(args: Sequence[str]) -> tuple[date, date]:
    parser = argparse.ArgumentParser(prog="python -m app.jobs rollup-stats", exit_on_error=False)
    parser.add_argument("--date", type=date.fromisoformat, help="one day (default: yesterday)")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, help="backfill from")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, help="backfill to")
    parsed = parser.parse_args(list(args))
    yesterday = today() - timedelta(days=1)
    if parsed.date and (parsed.first or parsed.last):
        raise ValueError("give --date, or --from and --to")
    if parsed.date:
        return parsed.date, parsed.date
    if parsed.first or parsed.last:
        return parsed.first or parsed.last, parsed.last or yesterday
    return yesterday, yesterday


async def rollup_stats(runtime: Runtime, args: Sequence[str] = ()) -> str:
    """`python -m app.jobs rollup-stats [--date D | --from D1 --to D2]`: yesterday by
    default; each day in its own transaction, so a long backfill keeps what it finished."""
    first, last = _parse_args(args)
    done: list[date] = []
    day = first
    while day <= last:
        async with runtime.db.session() as session:
            done += await roll_up(session, day, day)
        day += timedelta(days=1)
    return f"rolled up {len(done)} day(s), {first} to {last}"


async def catch_up(runtime: Runtime) -> str:
    """The in-process tick: yesterday again (cheap and idempotent) and any of the days before
    it that were never rolled up."""
    last = today() - timedelta(days=1)
    first = last - timedelta(days=CATCH_UP_DAYS - 1)
    async with runtime.db.session() as session:
        rolled = await queries.days_rolled_up(session, first, last)
    days = [first + timedelta(days=n) for n in range(CATCH_UP_DAYS)]
    todo = [d for d in days if d not in rolled or d == last]
    for day in todo:
        async with runtime.db.session() as session:
            await roll_up(session, day, day)
    return f"rolled up {len(todo)} day(s)"


# --- dashboards ------------------------------------------------------------------------------


def explorers(n: int) -> Explorers:
    if 0 < n < SMALL_NUMBER:
        return "fewer than 5"
    return n


def _rate(part: int, whole: int) -> float | None:
    """A share, unless it lets one work out a small count: with the whole shown, a rate
    gives away both the part and the rest (6 attempts at 0.167: one child passed)."""
    rest = whole - part
    if whole < SMALL_NUMBER or part < 0 or rest < 0:
        return None
    if 0 < part < SMALL_NUMBER or 0 < rest < SMALL_NUMBER:
        return None
    return round(part / whole, 3)


def _range(first: date | None, last: date | None) -> tuple[date, date]:
    last = last or today()
    first = first or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last:
        raise BadRequest("`from` must not come after `to`.", code="invalid_range")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise BadRequest(f"Ask for at most {MAX_RANGE_DAYS} days at a time.", code="range_too_long")
    if first > today():
        raise BadRequest("The range starts in the future.", code="invalid_range")
    return first, last


def _period_start(day: date, interval: Interval) -> date:
    if interval is Interval.week:
        return day - timedelta(days=day.weekday())
    if interval is Interval.month:
        return day.replace(day=1)
    return day


def _point(start: date, days: list[dict[str, Any]]) -> OverviewPoint:
    def total(name: str) -> int:
        return sum(int(d[name]) for d in days)

    last = days[-1]
    active = [int(d["active_explorers"]) for d in days]
    few = max(active) < SMALL_NUMBER

    def minutes(name: str) -> int | None:
        return None if few else round(total(name) / 60000)

    return OverviewPoint(
        start=start,
        end=last["day"],
        new_accounts=total("new_accounts"),
        new_profiles=explorers(total("new_profiles")),
        active_explorers=explorers(round(sum(active) / len(active))),
        dau=explorers(int(last["active_explorers"])),
        wau=explorers(int(last["active_7d"])),
        mau=explorers(int(last["active_30d"])),
        minutes_watched=minutes("video_ms"),
        minutes_read=minutes("ebook_ms"),
        minutes_diy=minutes("diy_ms"),
        starts=explorers(total("starts")),
        completions=explorers(total("completions")),
        quiz_attempts=explorers(total("quiz_attempts")),
        quiz_pass_rate=_rate(total("quiz_passed"), total("quiz_attempts")),
    )


def _empty(day: date) -> dict[str, Any]:
    return dict.fromkeys(queries.DAY_COLUMNS, 0) | {"day": day}


async def overview(
    session: AsyncSession, first: date | None, last: date | None, interval: Interval
) -> Overview:
    """Stored days, today's partial figures from the live tables, and zeros for days not
    rolled up (yet), grouped by period."""
    first, last = _range(first, last)
    now = today()
    stored = {
        row["day"]: row
        for row in await queries.stored_days(session, first, min(last, now - timedelta(days=1)))
    }
    includes_today = first <= now <= last
    if includes_today:
        stored[now] = await queries.live_day(session, now)
    periods: dict[date, list[dict[str, Any]]] = {}
    day = first
    while day <= min(last, now):
        periods.setdefault(_period_start(day, interval), []).append(stored.get(day) or _empty(day))
        day += timedelta(days=1)
    return Overview(
        from_=first,
        to=last,
        interval=interval,
        includes_today=includes_today,
        points=[_point(start, days) for start, days in periods.items()],
    )


async def content(
    session: AsyncSession,
    *,
    kind: str | None,
    theme: str | None,
    sort: ContentSort,
    first: date | None,
    last: date | None,
    limit: int,
) -> ContentStats:
    first, last = _range(first, last)
    theme_id: uuid.UUID | None = None
    if theme:
        try:
            theme_id = uuid.UUID(theme)
        except ValueError:
            theme_id = await queries.theme_id_by_slug(session, theme)
            if theme_id is None:
                return ContentStats(from_=first, to=last, sort=sort, items=[])
    now = today()
    rows = await queries.content(
        session,
        sort.value,
        {
            "first": first,
            "last": min(last, now - timedelta(days=1)),
            "day": now,
            "with_today": first <= now <= last,
            "kind": kind,
            "theme_id": theme_id,
            "limit": limit,
            "threshold": SMALL_NUMBER,
        },
    )
    items = [
        ContentFigures(
            kind=row["kind"],
            id=row["id"],
            title=row["title"],
            theme_id=row["theme_id"],
            starts=explorers(row["starts"]),
            completions=explorers(row["completions"]),
            completion_rate=(
                None
                if row["completions"] < SMALL_NUMBER or row["completion_rate"] is None
                else round(row["completion_rate"], 3)
            ),
            quiz_attempts=explorers(row["quiz_attempts"]),
            quiz_pass_rate=_rate(row["quiz_passed"], row["quiz_attempts"]),
        )
        for row in rows
    ]
    return ContentStats(from_=first, to=last, sort=sort, items=items)
