"""Who may act on a classroom: its owner and the co-teachers who accepted an invitation; any
other teacher gets the same 404 as for an id that does not exist, and admins reach every
classroom, for support."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Role
from app.auth.deps import Principal
from app.classrooms import queries
from app.classrooms.models import Classroom
from app.classrooms.schemas import TeacherRole
from app.core.errors import Conflict, NotFound

ARCHIVED = "This classroom is archived; nothing in it can change."
NO_CLASSROOM = "No such classroom."


@dataclass(frozen=True)
class Access:
    room: Classroom
    role: TeacherRole | None  # None: an admin who does not teach here


async def role_in(
    session: AsyncSession, room: Classroom, account_id: uuid.UUID
) -> TeacherRole | None:
    if room.owner_id == account_id:
        return TeacherRole.owner
    if await queries.is_co_teacher(session, room.id, account_id):
        return TeacherRole.co_teacher
    return None


async def teacher_access(
    session: AsyncSession, principal: Principal, classroom_id: uuid.UUID, *, write: bool = False
) -> Access:
    """The classroom, if the caller teaches it (or is an admin)."""
    room = await session.get(Classroom, classroom_id)
    if room is None:
        raise NotFound(NO_CLASSROOM)
    role = await role_in(session, room, principal.account_id)
    if role is None and principal.role != Role.admin:
        raise NotFound(NO_CLASSROOM)
    if write and room.archived_at is not None:
        raise Conflict(ARCHIVED, code="classroom_archived")
    return Access(room, role)
