"""An assignment's dates are days of its classroom's calendar (its time zone): it shows from
the start of `start_date` and is due by the end of `due_date`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.classrooms.schemas import AssignmentState


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def start_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def due_at(day: date, zone: str) -> datetime:
    """The end of the due day in the classroom's calendar: the next day's first instant."""
    return start_of(day + timedelta(days=1), zone)


def state(a: Any, zone: str, now: datetime) -> AssignmentState:
    """Of an assignment (or a row with its `closed_at` and `start_date`)."""
    if a.closed_at is not None:
        return AssignmentState.closed
    if a.start_date is not None and a.start_date > local_today(zone, now):
        return AssignmentState.scheduled
    return AssignmentState.open
