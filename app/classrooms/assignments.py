"""Assignments: videos, eBooks, DIYs and quizzes a classroom's teachers set, due by a day of
the classroom's calendar; creating, editing, reordering, closing and reopening them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import lookups
from app.catalog.schemas import Kind
from app.classrooms import queries
from app.classrooms.access import Access
from app.classrooms.dates import due_at, local_today, start_of, state
from app.classrooms.models import Assignment, Classroom
from app.classrooms.people import profiles
from app.classrooms.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    ItemIn,
    ItemKind,
    ItemOut,
)
from app.core.config import Settings
from app.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    UnprocessableEntity,
    invalid_field,
)
from app.core.pagination import Page, decode_cursor, encode_cursor
from app.outbox.service import enqueue
from app.profiles.models import Profile
from app.progress import queries as progress_queries
from app.quizzes import reports as quiz_reports

ASSIGNMENT_CREATED = "classrooms.assignment_created"


async def titles(
    session: AsyncSession, items: Iterable[tuple[str, uuid.UUID]]
) -> dict[uuid.UUID, str]:
    items = list(items)
    conn = await progress_queries.connection(session)
    cards = await lookups.cards(conn, [i for k, i in items if k != ItemKind.quiz.value])
    found = {ident: card.title for ident, card in cards.items()}
    found.update(await quiz_reports.visible_titles(session, [i for k, i in items if k == "quiz"]))
    return found


def _assignment_out(
    a: Any,
    zone: str,
    items: list[tuple[str, uuid.UUID]],
    titles: dict[uuid.UUID, str],
    now: datetime,
) -> AssignmentOut:
    return AssignmentOut(
        id=a.id,
        classroom_id=a.classroom_id,
        title=a.title,
        note=a.note,
        start_date=a.start_date,
        due_date=a.due_date,
        timezone=zone,
        starts_at=start_of(a.start_date, zone) if a.start_date else None,
        due_at=due_at(a.due_date, zone),
        state=state(a, zone, now),
        position=a.position,
        closed_at=a.closed_at,
        items=[ItemOut(kind=ItemKind(k), item_id=i, title=titles.get(i)) for k, i in items],
        created_at=a.created_at,
    )


async def outs(
    session: AsyncSession, room: Classroom, rows: Sequence[Assignment], now: datetime
) -> list[AssignmentOut]:
    items = await queries.items_of(session, [a.id for a in rows])
    found = await titles(session, (pair for pairs in items.values() for pair in pairs))
    return [_assignment_out(a, room.time_zone, items[a.id], found, now) for a in rows]


async def _checked_items(session: AsyncSession, items: list[ItemIn]) -> list[tuple[str, uuid.UUID]]:
    errors: list[FieldError] = []
    seen: set[tuple[str, uuid.UUID]] = set()
    conn = await progress_queries.connection(session)
    quiz_titles = await quiz_reports.visible_titles(
        session, [i.item_id for i in items if i.kind is ItemKind.quiz]
    )
    for n, entry in enumerate(items):
        key = (entry.kind.value, entry.item_id)
        loc: list[str | int] = ["body", "items", n, "item_id"]
        if key in seen:
            errors.append(FieldError(loc=loc, msg="This item is listed twice.", type="duplicate"))
        seen.add(key)
        if entry.kind is ItemKind.quiz:
            found = entry.item_id in quiz_titles
        else:
            found = (
                await lookups.item_facts(conn, Kind(entry.kind.value), entry.item_id) is not None
            )
        if not found:
            errors.append(
                FieldError(
                    loc=loc,
                    msg=f"No published {entry.kind.value} has this id.",
                    type="unknown_item",
                )
            )
    if errors:
        raise UnprocessableEntity(errors[0].msg, code="invalid_items", errors=errors)
    return [(i.kind.value, i.item_id) for i in items]


def _check_dates(start: date | None, due: date, today: date, due_changed: bool) -> None:
    if start is not None and start > due:
        raise invalid_field(["body", "start_date"], "The start date is after the due date.")
    if due_changed and due < today:
        raise invalid_field(
            ["body", "due_date"], "The due date has passed already.", code="due_date_past"
        )


async def get(session: AsyncSession, access: Access, assignment_id: uuid.UUID) -> Assignment:
    """The classroom's assignment; one of another classroom is a 404 like a missing one."""
    a = await session.get(Assignment, assignment_id)
    if a is None or a.classroom_id != access.room.id:
        raise NotFound("No such assignment.")
    return a


async def create(
    session: AsyncSession, settings: Settings, access: Access, body: AssignmentIn, now: datetime
) -> AssignmentOut:
    room = access.room
    _check_dates(body.start_date, body.due_date, local_today(room.time_zone, now), True)
    items = await _checked_items(session, body.items)
    await queries.lock_classroom(session, room.id)
    if await queries.count_assignments(session, room.id) >= settings.classroom_max_assignments:
        raise Conflict(
            f"A classroom can have at most {settings.classroom_max_assignments} assignments: "
            "delete old ones first.",
            code="assignment_limit",
        )
    a = Assignment(
        classroom_id=room.id,
        title=body.title,
        note=body.note,
        start_date=body.start_date,
        due_date=body.due_date,
        position=await queries.next_position(session, room.id),
    )
    session.add(a)
    await session.flush()
    await queries.replace_items(session, a.id, items)
    await session.refresh(a)
    # Each enrolled explorer is told, once, after this commits.
    await enqueue(
        session,
        ASSIGNMENT_CREATED,
        {"assignment_id": str(a.id), "classroom_id": str(room.id)},
        dedup_key=str(a.id),
    )
    return (await outs(session, room, [a], now))[0]


async def list_page(
    session: AsyncSession, access: Access, limit: int, cursor: str | None, now: datetime
) -> Page[AssignmentOut]:
    after = decode_cursor(cursor, int)[0] if cursor else None
    rows = await queries.assignments_of(session, access.room.id, after, limit + 1)
    items = await outs(session, access.room, rows[:limit], now)
    next_cursor = encode_cursor([rows[limit - 1].position]) if len(rows) > limit else None
    return Page[AssignmentOut](items=items, next_cursor=next_cursor)


async def get_out(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> AssignmentOut:
    a = await get(session, access, assignment_id)
    return (await outs(session, access.room, [a], now))[0]


async def update(
    session: AsyncSession,
    access: Access,
    assignment_id: uuid.UUID,
    body: AssignmentPatch,
    now: datetime,
) -> AssignmentOut:
    a = await get(session, access, assignment_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("due_date") is None and "due_date" in changes:
        raise invalid_field(["body", "due_date"], "An assignment always has a due date.")
    start = body.start_date if "start_date" in changes else a.start_date
    due = body.due_date or a.due_date
    _check_dates(start, due, local_today(access.room.time_zone, now), "due_date" in changes)
    if body.items is not None:
        await queries.replace_items(session, a.id, await _checked_items(session, body.items))
    if body.title is not None:
        a.title = body.title
    if body.note is not None:
        a.note = body.note
    a.start_date, a.due_date = start, due
    a.updated_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(a)
    return (await outs(session, access.room, [a], now))[0]


async def set_closed(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, closed: bool, now: datetime
) -> AssignmentOut:
    a = await get(session, access, assignment_id)
    if closed and a.closed_at is None:
        a.closed_at = now
    elif not closed:
        a.closed_at = None
    await session.flush()
    await session.refresh(a)
    return (await outs(session, access.room, [a], now))[0]


async def delete(session: AsyncSession, access: Access, assignment_id: uuid.UUID) -> None:
    await session.delete(await get(session, access, assignment_id))
    await session.flush()


async def reorder(
    session: AsyncSession, access: Access, ids: list[uuid.UUID], now: datetime
) -> list[AssignmentOut]:
    """`ids` is every assignment of the classroom, in the new order."""
    rows = await queries.all_assignments(session, access.room.id)
    if len(set(ids)) != len(ids) or set(ids) != {a.id for a in rows}:
        raise invalid_field(
            ["body", "ids"],
            "List every assignment of this classroom exactly once.",
            code="incomplete_order",
        )
    await queries.set_positions(session, {ident: n for n, ident in enumerate(ids)})
    for a in rows:
        await session.refresh(a)
    ordered = sorted(rows, key=lambda a: a.position)
    return await outs(session, access.room, ordered, now)


async def recipients(
    session: AsyncSession, assignment_id: uuid.UUID
) -> tuple[Assignment, Classroom, list[Profile]] | None:
    """The assignment, its classroom and the explorers enrolled now (None once gone)."""
    a = await session.get(Assignment, assignment_id)
    room = await session.get(Classroom, a.classroom_id) if a else None
    if a is None or room is None or room.archived_at is not None:
        return None
    rows = await queries.members(session, room.id)
    found = await profiles(session, [r.profile_id for r in rows])
    return a, room, list(found.values())
