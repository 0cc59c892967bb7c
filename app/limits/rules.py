"""The rules of a day, computed without the database: from what a parent set, the time
learned today, the minutes granted and the clock, the explorer's state and until when.

Days are the family's calendar days in its current time zone: a day of 23 or 25 hours (a
daylight-saving change) is one day, and after a family moves, "today" and its learning
time are read in the new zone (learning time is kept in UTC quarter hours, which every
zone's midnight falls on). A bedtime window may cross midnight (19:30 to 06:30); a local
time that a spring-forward change skips starts the window just after the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# The last minutes before a lock: the app winds down, the stream says `limit_warning`.
WIND_DOWN = timedelta(minutes=5)
# How far ahead an unlock is looked for (a week of zero allowances ends the search).
_HORIZON_STEPS = 20


class State(StrEnum):
    ok = "ok"
    wind_down = "wind_down"
    locked = "locked"


class Reason(StrEnum):
    allowance = "allowance"
    bedtime = "bedtime"


@dataclass(frozen=True)
class Rules:
    daily_minutes: int | None = None
    weekday_minutes: tuple[int, ...] | None = None  # Monday first
    bedtime_start: time | None = None
    bedtime_end: time | None = None

    def allowance(self, day: date) -> int | None:
        if self.weekday_minutes is not None:
            return self.weekday_minutes[day.weekday()]
        return self.daily_minutes

    @property
    def has_bedtime(self) -> bool:
        return self.bedtime_start is not None and self.bedtime_end is not None


@dataclass(frozen=True)
class Granted:
    """What a parent granted: extra minutes per family day, and a bedtime pause."""

    extra: dict[date, int]
    pass_until: datetime | None = None


@dataclass(frozen=True)
class Today:
    day: date
    state: State
    reason: Reason | None
    used_ms: int
    allowed_minutes: int | None  # today's allowance plus what was granted
    extra_minutes: int
    left_ms: int | None
    # Locked: when play is allowed again. Otherwise: the earliest moment a lock can come
    # (bedtime, or the allowance spent by playing on without a break); None without limits.
    until: datetime | None
    # What the lock or the warning is about, for its event's key (a bedtime's start, an
    # allowance's minutes).
    key: str | None = None


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def day_bounds(now: datetime, zone: ZoneInfo) -> tuple[date, datetime, datetime]:
    """The family's date at `now` and its start and end, in UTC."""
    day = now.astimezone(zone).date()
    return day, local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # A time inside a spring-forward gap is read with the offset before the change, which
    # lands just after the gap.
    return datetime.combine(day, moment, zone).astimezone(UTC)


def bedtimes(rules: Rules, now: datetime, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The bedtime windows (UTC) that start on the local days around `now`, in order."""
    if rules.bedtime_start is None or rules.bedtime_end is None:
        return []
    today = now.astimezone(zone).date()
    crosses = rules.bedtime_end <= rules.bedtime_start
    windows = []
    for offset in (-1, 0, 1, 2):
        day = today + timedelta(days=offset)
        begin = _at(day, rules.bedtime_start, zone)
        end = _at(day + timedelta(days=1) if crosses else day, rules.bedtime_end, zone)
        if end > begin:
            windows.append((begin, end))
    return windows


def _bedtime_at(rules: Rules, when: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    for begin, end in bedtimes(rules, when, zone):
        if begin <= when < end:
            return begin, end
    return None


def _next_bedtime(rules: Rules, now: datetime, zone: ZoneInfo) -> datetime | None:
    starts = [begin for begin, _ in bedtimes(rules, now, zone) if begin > now]
    return min(starts, default=None)


def reopens(rules: Rules, when: datetime, zone: ZoneInfo, granted: Granted) -> datetime | None:
    """The first moment from `when` (a lock) at which play is allowed: after bedtime, and
    on a day whose allowance is not zero (a new day starts with nothing used)."""
    for _ in range(_HORIZON_STEPS):
        window = _bedtime_at(rules, when, zone)
        if window is not None:
            when = window[1]
            continue
        day = when.astimezone(zone).date()
        allowance = rules.allowance(day)
        if allowance is not None and allowance + granted.extra.get(day, 0) <= 0:
            when = local_midnight(day + timedelta(days=1), zone)
            continue
        return when
    return None


def today(rules: Rules, used_ms: int, granted: Granted, now: datetime, zone: ZoneInfo) -> Today:
    day, _, tomorrow = day_bounds(now, zone)
    extra = granted.extra.get(day, 0)
    allowance = rules.allowance(day)
    allowed = None if allowance is None else allowance + extra
    left_ms = None if allowed is None else max(0, allowed * 60_000 - used_ms)
    paused = granted.pass_until is not None and now < granted.pass_until
    window = None if paused else _bedtime_at(rules, now, zone)

    def result(
        state: State, reason: Reason | None, until: datetime | None, key: str | None
    ) -> Today:
        return Today(day, state, reason, used_ms, allowed, extra, left_ms, until, key)

    if window is not None:
        return result(
            State.locked,
            Reason.bedtime,
            reopens(rules, window[1], zone, granted),
            f"bedtime:{window[0].isoformat()}",
        )
    if left_ms is not None and left_ms <= 0:
        return result(
            State.locked,
            Reason.allowance,
            reopens(rules, tomorrow, zone, granted),
            f"allowance:{day.isoformat()}:{allowed}",
        )
    # Not locked: the first lock ahead, if any.
    ahead: list[tuple[datetime, Reason, str]] = []
    if paused and granted.pass_until is not None and _bedtime_at(rules, granted.pass_until, zone):
        ahead.append((granted.pass_until, Reason.bedtime, f"pass:{granted.pass_until.isoformat()}"))
    upcoming = _next_bedtime(rules, now, zone)
    if upcoming is not None:
        ahead.append((upcoming, Reason.bedtime, f"bedtime:{upcoming.isoformat()}"))
    if left_ms is not None:
        ahead.append(
            (
                now + timedelta(milliseconds=left_ms),
                Reason.allowance,
                f"allowance:{day.isoformat()}:{allowed}",
            )
        )
    if not ahead:
        return result(State.ok, None, None, None)
    lock_at, reason, key = min(ahead, key=lambda a: a[0])
    if lock_at - now <= WIND_DOWN:
        return result(State.wind_down, reason, lock_at, key)
    return result(State.ok, None, lock_at, None)
