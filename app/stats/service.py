"""Rollups (the job and the in-process tick) and the dashboards read from them."""

from __future__ import annotations

import argparse
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import BadRequest
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

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

# Below this many explorers a figure could point at a child: shown as "fewer than 5" (see
# "dashboards" below for how no set of answers gives such a figure away).
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
#
# Small numbers: a count of explorers from 1 to SMALL_NUMBER - 1 could point at a child, so
# it is never shown, and nothing shown may let it be worked out, whatever answers are put
# together (a week minus its days, one range minus another, a total minus the items). So
# every figure is counted in its smallest cell, and each cell is shown or hidden on its own:
# a day for the figures only counted per day (new profiles, active explorers, minutes), an
# item's day for what is also counted per item (starts, completions, quiz attempts and
# passes). A figure over a period or a range is the sum of its shown cells; a hidden cell
# adds nothing, so no answer depends on its value, only on the fact that it is hidden, which
# the answer for that one cell says anyway. A figure that left out a hidden cell is named in
# the answer's `partial`; when a single hidden cell is all there is, it reads "fewer than
# 5", as that cell does on its own.


@dataclass(frozen=True)
class _Figure:
    """A sum of shown cells, and how many cells were hidden."""

    value: int = 0
    hidden: int = 0

    def __add__(self, other: _Figure) -> _Figure:
        return _Figure(self.value + other.value, self.hidden + other.hidden)


def _cell(n: int) -> _Figure:
    return _Figure(0, 1) if 0 < n < SMALL_NUMBER else _Figure(n, 0)


def _total(figures: Iterable[_Figure]) -> _Figure:
    return sum(figures, _Figure())


def _shown(figure: _Figure) -> Explorers:
    if figure.value == 0 and figure.hidden == 1:
        return "fewer than 5"
    return explorers(figure.value)


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


def _cells_of(cells: dict[str, Any] | None, name: str) -> _Figure:
    """A day's sum of shown item cells of one figure, and how many it hid."""
    if cells is None:
        return _Figure()
    return _Figure(int(cells[name]), int(cells[f"{name}_hidden"]))


def _point(
    start: date, days: list[dict[str, Any]], cells: dict[date, dict[str, Any]]
) -> OverviewPoint:
    last = days[-1]
    active = [_cell(int(d["active_explorers"])) for d in days]
    # Minutes of a day are shown with its count of active explorers, and hidden with it.
    shown_days = [d for d, a in zip(days, active, strict=True) if not a.hidden]

    def minutes(name: str) -> _Figure | None:
        if not shown_days:
            return None
        total = sum(round(int(d[name]) / 60000) for d in shown_days)
        return _Figure(total, len(days) - len(shown_days))

    def per_item(name: str) -> _Figure:
        return _total(_cells_of(cells.get(d["day"]), name) for d in days)

    figures: dict[str, _Figure | None] = {
        "new_profiles": _total(_cell(int(d["new_profiles"])) for d in days),
        "active_explorers": _total(active),
        "minutes_watched": minutes("video_ms"),
        "minutes_read": minutes("ebook_ms"),
        "minutes_diy": minutes("diy_ms"),
        "starts": per_item("starts"),
        "completions": per_item("completions"),
        "quiz_attempts": per_item("attempts"),
    }
    rated = [cells.get(d["day"]) for d in days]
    rated_attempts = sum(int(c["rated_attempts"]) for c in rated if c)
    rated_passed = sum(int(c["rated_passed"]) for c in rated if c)
    rate_hidden = sum(int(c["rate_hidden"]) for c in rated if c)
    partial = [name for name, f in figures.items() if f is not None and f.hidden]
    if rate_hidden:
        partial.append("quiz_pass_rate")
    average = figures["active_explorers"]
    assert average is not None
    mean = round(average.value / len(days))

    def shown_minutes(name: str) -> int | None:
        figure = figures[name]
        return None if figure is None else figure.value

    def shown(name: str) -> Explorers:
        figure = figures[name]
        assert figure is not None
        return _shown(figure)

    return OverviewPoint(
        start=start,
        end=last["day"],
        new_accounts=sum(int(d["new_accounts"]) for d in days),
        new_profiles=shown("new_profiles"),
        active_explorers=_shown(_Figure(mean, average.hidden)) if mean == 0 else explorers(mean),
        dau=explorers(int(last["active_explorers"])),
        wau=explorers(int(last["active_7d"])),
        mau=explorers(int(last["active_30d"])),
        minutes_watched=shown_minutes("minutes_watched"),
        minutes_read=shown_minutes("minutes_read"),
        minutes_diy=shown_minutes("minutes_diy"),
        starts=shown("starts"),
        completions=shown("completions"),
        quiz_attempts=shown("quiz_attempts"),
        quiz_pass_rate=_rate(rated_passed, rated_attempts),
        partial=partial,
    )


def _empty(day: date) -> dict[str, Any]:
    return dict.fromkeys(queries.DAY_COLUMNS, 0) | {"day": day}


async def overview(
    session: AsyncSession, first: date | None, last: date | None, interval: Interval
) -> Overview:
    """Stored days, today's partial figures from the live tables, and zeros for days not
    rolled up (yet), grouped by period; every figure a sum of shown cells."""
    first, last = _range(first, last)
    now = today()
    stored_last = min(last, now - timedelta(days=1))
    stored = {row["day"]: row for row in await queries.stored_days(session, first, stored_last)}
    includes_today = first <= now <= last
    if includes_today:
        stored[now] = await queries.live_day(session, now)
    cells = await queries.cells_by_day(
        session, first, stored_last, now if includes_today else None, SMALL_NUMBER
    )
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
        points=[_point(start, days, cells) for start, days in periods.items()],
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
            "small": SMALL_NUMBER,
        },
    )
    return ContentStats(from_=first, to=last, sort=sort, items=[_figures(row) for row in rows])


def _figures(row: Any) -> ContentFigures:
    figures = {
        name: _Figure(int(row[column]), int(row[f"{column}_hidden"]))
        for name, column in (
            ("starts", "starts"),
            ("completions", "completions"),
            ("quiz_attempts", "attempts"),
        )
    }
    partial = [name for name, f in figures.items() if f.hidden]
    if row["rate_hidden"]:
        partial.append("quiz_pass_rate")
    completions = figures["completions"].value
    return ContentFigures(
        kind=row["kind"],
        id=row["id"],
        title=row["title"],
        theme_id=row["theme_id"],
        starts=_shown(figures["starts"]),
        completions=_shown(figures["completions"]),
        completion_rate=(
            None
            if completions < SMALL_NUMBER or row["completion_rate"] is None
            else round(row["completion_rate"], 3)
        ),
        quiz_attempts=_shown(figures["quiz_attempts"]),
        quiz_pass_rate=_rate(int(row["rated_passed"]), int(row["rated_attempts"])),
        partial=partial,
    )
