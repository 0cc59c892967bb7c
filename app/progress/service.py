"""Progress of explorers: heartbeats, resume states, saved items, streaks and activity.

Rules (README, "Progress and streaks"): what was really done is merged as a union, so
scrubbing forward counts nothing and re-watching counts once; a video is completed when that
union covers COMPLETE_SHARE of it, an eBook when every page was read, a DIY when every step is
done; completion is stamped once. The resume position follows only a newer heartbeat (by
`sent_at`), but an older one's intervals and pages still count. What a heartbeat adds to
what was done is earned at the item's pace on the server's clock (pace.py), and time spent
never grows faster than that clock: both are applied by the heartbeat statement itself
(queries.py), under the row's lock.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import lookups
from app.catalog.schemas import Kind
from app.core.errors import Conflict, NotFound, UnprocessableEntity, invalid_field
from app.core.pagination import cursor_values, page_cursor, parse_datetime
from app.integrations.tasks import TaskRef
from app.profiles import service as profiles_service
from app.progress import queries
from app.progress.schemas import (
    Activity,
    ActivityDay,
    ActivityItem,
    DiyBeat,
    EbookBeat,
    Minutes,
    ProgressOut,
    ProgressPage,
    ProgressStatus,
    VideoBeat,
)
from app.quizzes import service as quizzes_service
from app.rewards import service as rewards_service

Beat = VideoBeat | EbookBeat | DiyBeat

# A video counts as watched when this share of it was really played.
COMPLETE_SHARE = 0.9
# Players report the end a little past the duration the media probe measured.
END_TOLERANCE_MS = 1000
# Device clocks drift; a heartbeat from further in the future than this is refused.
FUTURE_SKEW = timedelta(minutes=5)
# The longest time one heartbeat may credit: a longer silence means the explorer was away.
MAX_CREDIT_MS = 60_000
MAX_ACTIVITY_DAYS = 92
# STREAK_MINUTES' default (app/core/config.py), for callers without the settings at hand.
DEFAULT_STREAK_MINUTES = 5


def _invalid(detail: str, code: str, loc: list[str | int]) -> UnprocessableEntity:
    return invalid_field(["body", *loc], detail, type=code, code=code)


async def _facts(
    conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID
) -> lookups.ItemFacts:
    facts = await lookups.item_facts(conn, kind, item_id)
    if facts is None:
        # Unknown, unpublished or not yet due: the same answer, as for any hidden item.
        raise NotFound(f"No such {kind.value}.")
    return facts


def _union_length(intervals: Sequence[tuple[int, int]]) -> int:
    total, end = 0, -1
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


@dataclass(frozen=True)
class _Plan:
    """What one heartbeat writes, in the units of its item."""

    position_ms: int | None
    page: int | None
    read_aloud: bool | None
    starts: list[int]
    ends: list[int]
    total: int
    need: int
    claim_ms: int | None


def _plan(kind: Kind, facts: lookups.ItemFacts, beat: Beat) -> _Plan:
    total = facts.units
    if kind is Kind.video:
        assert isinstance(beat, VideoBeat)
        if not total:
            # Its duration comes from its file once processed (app/catalog/admin_service.py):
            # without one there is nothing to play, so nothing to count.
            raise Conflict(
                "This video has no playable file yet; progress cannot be recorded on it.",
                code="not_playable",
            )
        limit = total + END_TOLERANCE_MS
        for index, (start, end) in enumerate(beat.watched):
            if end > limit or start > limit:
                raise _invalid(
                    f"watched[{index}] goes past the end of the video ({total} ms).",
                    "interval_out_of_range",
                    ["watched", index],
                )
        if beat.position_ms > limit:
            raise _invalid(
                f"position_ms is past the end of the video ({total} ms).",
                "position_out_of_range",
                ["position_ms"],
            )
        intervals = [(min(s, total), min(e, total)) for s, e in beat.watched]
        return _Plan(
            position_ms=min(beat.position_ms, total),
            page=None,
            read_aloud=None,
            starts=[s for s, _ in intervals],
            ends=[e for _, e in intervals],
            total=total,
            need=max(1, math.ceil(total * COMPLETE_SHARE)),
            claim_ms=_union_length(intervals),
        )
    if not total:
        raise _invalid(f"This {kind.value} has nothing in it yet.", "empty_item", [])
    if kind is Kind.ebook:
        assert isinstance(beat, EbookBeat)
        if beat.page > total:
            raise _invalid(f"This eBook has {total} pages.", "unknown_page", ["page"])
        units, field, what, unknown = beat.pages_read, "pages_read", "pages", "unknown_page"
    else:
        assert isinstance(beat, DiyBeat)
        units, field, what, unknown = beat.steps_done, "steps_done", "steps", "unknown_step"
    for index, number in enumerate(units):
        if number > total:
            raise _invalid(
                f"This {kind.value} has {total} {what}; {number} is not one of them.",
                unknown,  # a literal code, so the registry's check can find it
                [field, index],
            )
    numbers = sorted(set(units))
    return _Plan(
        position_ms=None,
        page=beat.page if isinstance(beat, EbookBeat) else None,
        read_aloud=beat.read_aloud if isinstance(beat, EbookBeat) else None,
        starts=numbers,
        ends=[n + 1 for n in numbers],
        total=total,
        need=total,
        claim_ms=None,
    )


async def record(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    kind: Kind,
    item_id: uuid.UUID,
    beat: Beat,
    now: datetime,
    streak_minutes: int = DEFAULT_STREAK_MINUTES,
) -> ProgressOut:
    """`record_and_tell` for a caller in a transaction of its own: the announcements of the
    badges earned reach the task backend by the outbox's sweep."""
    state, _ = await record_and_tell(conn, profile_id, kind, item_id, beat, now, streak_minutes)
    return state


async def record_and_tell(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    kind: Kind,
    item_id: uuid.UUID,
    beat: Beat,
    now: datetime,
    streak_minutes: int = DEFAULT_STREAK_MINUTES,
) -> tuple[ProgressOut, list[TaskRef]]:
    """Applies one heartbeat and returns the resume state, and awards the badges it earns in
    the same statement (app/rewards), with the outbox messages that announce them (to hand
    to the task backend once committed; usually none). Bad input raises before anything is
    written. `conn`: the request's (app/progress/router.py); the one statement needs no
    transaction around it. `streak_minutes`: the learning that makes a day count towards a
    streak."""
    facts = await _facts(conn, kind, item_id)
    if beat.sent_at > now + FUTURE_SKEW:
        raise _invalid(
            "sent_at is in the future; check the device clock.", "sent_at_in_future", ["sent_at"]
        )
    plan = _plan(kind, facts, beat)
    row = await queries.heartbeat(
        conn,
        profile_id,
        kind.value,
        item_id,
        beat.sent_at,
        now,
        plan.position_ms,
        plan.page,
        plan.read_aloud,
        plan.starts,
        plan.ends,
        plan.total,
        plan.need,
        plan.claim_ms,
        MAX_CREDIT_MS,
        rewards_service.completion_keys(kind, item_id, facts.theme_id, facts.series_id),
        streak_minutes * 60_000,
    )
    if row is None:  # a repeat: nothing changed, answer what is stored
        row = await queries.state(conn, profile_id, kind.value, item_id)
        assert row is not None
        return ProgressOut.model_validate(queries.state_of(row)), []
    told = [TaskRef(id=ident, name=rewards_service.BADGE_EARNED_TASK) for ident in row["told"]]
    return ProgressOut.model_validate(queries.state_of(row)), told


async def get(
    session: AsyncSession, profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID
) -> ProgressOut:
    row = await queries.state(await queries.connection(session), profile_id, kind.value, item_id)
    if row is None:
        raise NotFound(f"This {kind.value} has not been started yet.", code="not_started")
    return ProgressOut.model_validate(queries.state_of(row))


def after_of(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (time, item) of a list's cursor, or None for the first page."""
    when, ident = cursor_values(cursor, parse_datetime, uuid.UUID)
    return None if when is None else (when, ident)


async def list_progress(
    session: AsyncSession,
    profile_id: uuid.UUID,
    kind: Kind | None,
    status: ProgressStatus | None,
    limit: int,
    cursor: str | None,
) -> ProgressPage:
    rows = await queries.list_states(
        await queries.connection(session),
        profile_id,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        after=after_of(cursor),
        limit=limit + 1,
    )
    items = [ProgressOut.model_validate(queries.state_of(row)) for row in rows[:limit]]
    next_cursor = page_cursor(rows, limit, lambda row: [row["updated_at"], row["item_id"]])
    return ProgressPage(items=items, next_cursor=next_cursor)


async def states_for(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProgressOut]:
    rows = await queries.states_for(conn, profile_id, item_ids)
    return {item: ProgressOut.model_validate(queries.state_of(row)) for item, row in rows.items()}


# --- saved items ------------------------------------------------------------------------


async def save(
    session: AsyncSession, profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    await _facts(await queries.connection(session), kind, item_id)
    row = await queries.save(session, profile_id, kind.value, item_id, now)
    return {"kind": row["kind"], "item_id": row["item_id"], "saved_at": row["saved_at"]}


async def unsave(
    session: AsyncSession, profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID
) -> None:
    # No catalogue check: an item that was unpublished since can still be let go of.
    await queries.unsave(session, profile_id, kind.value, item_id)


# --- days, weeks and streaks --------------------------------------------------------------


async def time_zone_of(conn: asyncpg.Connection[Any], account_id: uuid.UUID) -> ZoneInfo:
    """The family's time zone: its days are the explorer's days."""
    zone = await queries.time_zone(conn, account_id)
    if zone is None:
        raise NotFound("No such account.")
    return ZoneInfo(zone)


def week_start(day: date) -> date:
    """Weeks run Sunday to Saturday, so a weekend away is two weeks' grace days, not one."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def streaks(active: set[date], today: date) -> tuple[int, int]:
    """(current, longest): the learning days of the longest run in which each calendar week
    misses at most one day (its grace day). Today still counts as a chance: not having
    learned yet today breaks nothing. Forgiven days keep a streak alive without adding."""
    if not active:
        return 0, 0
    first = min(active)
    left: date | None = None
    misses: dict[date, date] = {}  # week -> the forgiven day inside the current run
    count = longest = 0
    day = first
    while day <= today:
        if day in active:
            if left is None:
                left = day
            count += 1
        elif day != today and left is not None:
            week = week_start(day)
            earlier = misses.get(week)
            if earlier is not None:
                # Second miss in a week: the run now starts after the first one.
                left = min((d for d in active if earlier < d < day), default=None)
                count = sum(1 for d in active if left is not None and left <= d < day)
                misses = {w: m for w, m in misses.items() if left is not None and m > left}
            if left is not None:
                misses[week] = day
        longest = max(longest, count)
        day += timedelta(days=1)
    return count, longest


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    learned_today: bool


async def streak(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    zone: ZoneInfo,
    now: datetime,
    streak_minutes: int,
) -> Streak:
    days = await queries.active_days(conn, profile_id, zone.key, streak_minutes * 60_000)
    today = now.astimezone(zone).date()
    current, longest = streaks(days, today)
    return Streak(current, longest, today in days)


def local_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


async def minutes_since(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, zone: ZoneInfo, start: date, now: datetime
) -> Minutes:
    rows = await queries.time_by_day(
        conn,
        profile_id,
        zone.key,
        local_start(start, zone),
        now + timedelta(days=1),
    )
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["kind"]] = totals.get(row["kind"], 0) + int(row["ms"])
    return Minutes(**{kind: round(ms / 60_000, 1) for kind, ms in totals.items()})


async def completed_count(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> int:
    return await queries.completed_count(conn, profile_id)


async def activity(
    session: AsyncSession,
    profile_id: uuid.UUID,
    account_id: uuid.UUID,
    start: date | None,
    end: date | None,
    now: datetime,
) -> Activity:
    """Per day of the family's calendar: minutes by kind, items started and completed."""
    conn = await queries.connection(session)
    zone = await time_zone_of(conn, account_id)
    end = end or now.astimezone(zone).date()
    start = start or end - timedelta(days=6)
    if start > end:
        raise invalid_field(["query", "from"], "after `to`", detail="`from` is after `to`.")
    if (end - start).days >= MAX_ACTIVITY_DAYS:
        raise invalid_field(
            ["query", "to"],
            "range too long",
            detail=f"Ask for at most {MAX_ACTIVITY_DAYS} days at a time.",
        )
    since, until = local_start(start, zone), local_start(end + timedelta(days=1), zone)
    times = await queries.time_by_day(conn, profile_id, zone.key, since, until)
    marks = await queries.milestones(session, profile_id, since, until)
    cards = await lookups.cards(conn, list({row["item_id"] for row in marks}))
    days = {
        start + timedelta(days=n): ActivityDay(
            date=start + timedelta(days=n), minutes=Minutes(), started=[], completed=[]
        )
        for n in range((end - start).days + 1)
    }
    for row in times:
        if row["day"] in days:
            setattr(days[row["day"]].minutes, row["kind"], round(int(row["ms"]) / 60_000, 1))
    for mark in marks:
        at = mark["at"]
        day = at.astimezone(zone).date()
        if day not in days:
            continue
        card = cards.get(mark["item_id"])
        entry = ActivityItem(
            kind=mark["kind"], item_id=mark["item_id"], title=card.title if card else None, at=at
        )
        (days[day].started if mark["what"] == "started" else days[day].completed).append(entry)
    quizzes = await quizzes_service.counts_for(conn, profile_id, since, until)
    return Activity(
        timezone=zone.key,
        from_=start,
        to=end,
        days=list(days.values()),
        quizzes_taken=quizzes.taken,
        quizzes_passed=quizzes.passed,
    )


# --- data rights --------------------------------------------------------------------------


async def export_progress(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """Everything progress keeps about a family's explorers, JSON-ready."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    rows = await queries.export_rows(session, profile_ids)
    return {
        "items": [
            {
                "profile_id": str(row["profile_id"]),
                **ProgressOut.model_validate(queries.state_of(row)).model_dump(mode="json"),
                "covered": row["covered"],
            }
            for row in rows["progress"]
        ],
        "learning_time": [
            {
                "profile_id": str(r["profile_id"]),
                "from": r["bucket"].isoformat(),
                "kind": r["kind"],
                "seconds": int(r["active_ms"]) // 1000,
            }
            for r in rows["learning_time"]
        ],
        "saved": [
            {
                "profile_id": str(r["profile_id"]),
                "kind": r["kind"],
                "item_id": str(r["item_id"]),
                "saved_at": r["saved_at"].isoformat(),
            }
            for r in rows["saved"]
        ],
    }
