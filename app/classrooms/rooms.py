"""Classrooms themselves: creating, listing, editing and archiving them, and their join codes.

A join code is 8 characters without look-alikes, unique among active classrooms; rotating it
or switching it off stops the old one at once."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.auth.deps import Principal
from app.classrooms import queries
from app.classrooms.access import Access, role_in
from app.classrooms.models import CODE_ALPHABET, CODE_LENGTH, Classroom
from app.classrooms.people import display_name
from app.classrooms.schemas import (
    ClassroomIn,
    ClassroomOut,
    ClassroomPatch,
    InviteOut,
    TeacherOut,
    TeacherRole,
)
from app.core.errors import Conflict, invalid_field
from app.core.pagination import Page, decode_cursor, encode_cursor, parse_datetime


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def _save_with_fresh_code(session: AsyncSession, room: Classroom) -> None:
    """Flushes with a new code, drawing again on the rare clash with an active classroom."""
    for _ in range(5):
        room.join_code = new_code()
        try:
            async with session.begin_nested():
                await session.flush()
            return
        except IntegrityError as exc:
            if "uq_classroom_join_code_active" not in str(exc.orig):
                raise
    raise Conflict("Could not find a free join code; try again.", code="code_unavailable")


def invite_out(row: Any, classroom_name: str) -> InviteOut:
    return InviteOut(
        id=row.id,
        classroom_id=row.classroom_id,
        classroom_name=classroom_name,
        email=row.email,
        created_at=row.created_at,
    )


async def classroom_out(session: AsyncSession, access: Access) -> ClassroomOut:
    room = access.room
    teachers = []
    if room.owner_id is not None:
        teachers.append(
            TeacherOut(
                account_id=room.owner_id,
                display_name=await display_name(session, room.owner_id),
                role=TeacherRole.owner,
            )
        )
    for account_id in await queries.teachers(session, room.id):
        teachers.append(
            TeacherOut(
                account_id=account_id,
                display_name=await display_name(session, account_id),
                role=TeacherRole.co_teacher,
            )
        )
    return ClassroomOut(
        id=room.id,
        name=room.name,
        grade=room.grade,
        age_band=room.age_band,
        timezone=room.time_zone,
        join_code=room.join_code,
        code_enabled=room.code_enabled,
        archived=room.archived_at is not None,
        archived_at=room.archived_at,
        teacher_display_name=teachers[0].display_name if room.owner_id else None,
        my_role=access.role,
        teachers=teachers,
        pending_invites=[
            invite_out(row, room.name) for row in await queries.pending_invites(session, room.id)
        ],
        member_count=await queries.member_count(session, room.id),
        created_at=room.created_at,
    )


async def create(session: AsyncSession, principal: Principal, body: ClassroomIn) -> ClassroomOut:
    account = await accounts_service.get_or_404(session, principal.account_id)
    if not account.display_name:
        # Parents decide by the name they see; a classroom without one cannot be joined wisely.
        raise invalid_field(
            ["body"],
            "Set your display name first (PATCH /api/v1/accounts/me): parents see it "
            "before they let their child join.",
            code="display_name_required",
        )
    room = Classroom(
        owner_id=account.id,
        name=body.name,
        grade=body.grade,
        age_band=body.age_band.value if body.age_band else None,
        time_zone=body.timezone or account.timezone,
        join_code="",
    )
    session.add(room)
    await _save_with_fresh_code(session, room)
    await session.refresh(room)
    return await classroom_out(session, Access(room, TeacherRole.owner))


async def list_taught(
    session: AsyncSession, principal: Principal, archived: bool, limit: int, cursor: str | None
) -> Page[ClassroomOut]:
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rooms = await queries.taught_by(session, principal.account_id, archived, after, limit + 1)
    items = [
        await classroom_out(
            session, Access(room, await role_in(session, room, principal.account_id))
        )
        for room in rooms[:limit]
    ]
    next_cursor = None
    if len(rooms) > limit:
        next_cursor = encode_cursor([rooms[limit - 1].created_at, rooms[limit - 1].id])
    return Page[ClassroomOut](items=items, next_cursor=next_cursor)


async def update(session: AsyncSession, access: Access, body: ClassroomPatch) -> ClassroomOut:
    room = access.room
    changes = body.model_dump(exclude_unset=True)
    for field, column in (
        ("name", "name"),
        ("timezone", "time_zone"),
        ("code_enabled", "code_enabled"),
    ):
        if changes.get(field) is not None:
            setattr(room, column, changes[field])
    if "grade" in changes:
        room.grade = body.grade
    if "age_band" in changes:
        room.age_band = body.age_band.value if body.age_band else None
    if room.grade is None and room.age_band is None:
        raise invalid_field(["body", "grade"], "Give the classroom a grade or an age band.")
    await session.flush()
    await session.refresh(room)
    return await classroom_out(session, access)


async def rotate_code(session: AsyncSession, access: Access) -> ClassroomOut:
    """A new code; the old one stops working at once. Switches the code on."""
    access.room.code_enabled = True
    await _save_with_fresh_code(session, access.room)
    await session.refresh(access.room)
    return await classroom_out(session, access)


async def archive(session: AsyncSession, access: Access) -> None:
    """Archived, not deleted: reports stay readable, the code stops working, children no
    longer see its assignments. Their own progress is theirs and stays."""
    room = access.room
    if room.archived_at is None:
        room.archived_at = datetime.now(UTC)
        room.code_enabled = False
        await session.flush()
