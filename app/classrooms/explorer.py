"""What an explorer sees of their classrooms' assignments: their own list, and what is due
soon on the library and explore screens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms import queries
from app.classrooms.assignments import titles
from app.classrooms.dates import due_at, local_today, state
from app.classrooms.people import display_name
from app.classrooms.schemas import ClassroomCard, DueSoon, ItemStatus, MyAssignment
from app.classrooms.standing import facts, item_progress
from app.core.pagination import Page, decode_cursor, encode_cursor
from app.profiles.models import Profile

DUE_SOON_DAYS = 7


def _after(cursor: str | None) -> tuple[bool, date, uuid.UUID] | None:
    if not cursor:
        return None
    closed, due, ident = decode_cursor(cursor, bool, date.fromisoformat, uuid.UUID)
    return closed, due, ident


async def _mine(
    session: AsyncSession, profile: Profile, rows: Sequence[Any], now: datetime
) -> list[MyAssignment]:
    items = await queries.items_of(session, [r.id for r in rows])
    found = await titles(session, (pair for pairs in items.values() for pair in pairs))
    # The explorer sees what their teachers see: each classroom counts from its own join.
    by_join: dict[datetime, list[tuple[str, uuid.UUID]]] = {}
    for r in rows:
        by_join.setdefault(r.joined_at, []).extend(items[r.id])
    known = {
        joined: await facts(session, {profile.id: joined}, pairs)
        for joined, pairs in by_join.items()
    }
    owners = {r.owner_id: await display_name(session, r.owner_id) for r in rows}
    result = []
    for r in rows:
        due = due_at(r.due_date, r.time_zone)
        entries = [
            item_progress(known[r.joined_at], profile.id, k, i, found.get(i), due, now)
            for k, i in items[r.id]
        ]
        result.append(
            MyAssignment(
                id=r.id,
                classroom=ClassroomCard(
                    id=r.classroom_id,
                    name=r.classroom_name,
                    grade=r.grade,
                    age_band=r.age_band,
                    teacher_display_name=owners[r.owner_id],
                ),
                title=r.title,
                note=r.note,
                start_date=r.start_date,
                due_date=r.due_date,
                due_at=due,
                timezone=r.time_zone,
                state=state(r, r.time_zone, now),
                items=entries,
                done=all(e.status is ItemStatus.completed for e in entries),
            )
        )
    return result


async def assignments_for(
    session: AsyncSession, profile: Profile, limit: int, cursor: str | None, now: datetime
) -> Page[MyAssignment]:
    rows = await queries.for_profile(session, profile.id, now, _after(cursor), limit + 1)
    items = await _mine(session, profile, rows[:limit], now)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor([last.is_closed, last.due_date.isoformat(), last.id])
    return Page[MyAssignment](items=items, next_cursor=next_cursor)


async def due_soon(
    session: AsyncSession, profile: Profile, now: datetime, days: int = DUE_SOON_DAYS
) -> list[DueSoon]:
    """Open assignments due within `days` (or overdue) that the explorer has not finished,
    soonest first: for the library and explore screens."""
    horizon = now.date() + timedelta(days=days + 1)  # every zone's "in `days` days" fits
    rows = await queries.for_profile(session, profile.id, now, None, 50, due_by=horizon)
    soon = []
    for mine in await _mine(session, profile, rows, now):
        if mine.done or mine.due_date > local_today(mine.timezone, now) + timedelta(days=days):
            continue
        soon.append(
            DueSoon(
                assignment_id=mine.id,
                classroom_id=mine.classroom.id,
                classroom_name=mine.classroom.name,
                title=mine.title,
                due_date=mine.due_date,
                due_at=mine.due_at,
                items_total=len(mine.items),
                items_done=sum(e.status is ItemStatus.completed for e in mine.items),
                late=now >= mine.due_at,
            )
        )
    return soon
