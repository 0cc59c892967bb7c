"""Local time rules: quiet hours and how long a push may wait, in the family's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A push that could only arrive this close to quiet hours waits for them to end instead.
MIN_TTL_SECONDS = 60


def _at(day: date, when: time, zone: ZoneInfo) -> datetime:
    # A wall time skipped by a DST change resolves to just after the gap (fold 0).
    return datetime.combine(day, when, tzinfo=zone).astimezone(UTC).astimezone(zone)


def quiet_until(
    now: datetime, start: time | None, end: time | None, zone: ZoneInfo
) -> datetime | None:
    """When the quiet hours around `now` end, or None when `now` is not in quiet hours.
    Quiet hours from 19:30 to 07:00 run over midnight."""
    if start is None or end is None:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return _at(end_day, end, zone).astimezone(UTC)


def seconds_until_quiet(now: datetime, start: time | None, zone: ZoneInfo) -> float | None:
    """Seconds until the next quiet hours begin (None: no quiet hours)."""
    if start is None:
        return None
    local = now.astimezone(zone)
    begins = _at(local.date(), start, zone)
    if begins <= local:
        begins = _at(local.date() + timedelta(days=1), start, zone)
    return (begins - local).total_seconds()


def push_window(
    now: datetime, start: time | None, end: time | None, zone: ZoneInfo, ttl_seconds: int
) -> tuple[datetime | None, int]:
    """(wait until, ttl): a push now in quiet hours waits for their end; its TTL never
    reaches into the next quiet hours, so a phone that was offline cannot get it there."""
    waiting = quiet_until(now, start, end, zone)
    if waiting is not None:
        return waiting, 0
    left = seconds_until_quiet(now, start, zone)
    if left is not None and left < MIN_TTL_SECONDS:
        after = quiet_until(now + timedelta(seconds=left + 1), start, end, zone)
        return after, 0
    ttl = ttl_seconds if left is None else min(ttl_seconds, int(left))
    return None, ttl
