"""Classroom statements (Core, on the request's session). None of these is a hot path: a
teacher's screens and a child's assignment list, read a few times a day."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms.models import (
    Assignment,
    AssignmentItem,
    Classroom,
    CoTeacher,
    Membership,
    TeacherInvite,
)
from app.core.pagination import keyset
from app.core.schema import table_of
from app.profiles.models import Profile
from app.progress.models import Progress

classroom = table_of(Classroom)
co_teacher = table_of(CoTeacher)
invite = table_of(TeacherInvite)
member = table_of(Membership)
assignment = table_of(Assignment)
item = table_of(AssignmentItem)
progress = table_of(Progress)
profile = table_of(Profile)


async def is_co_teacher(
    session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        sa.select(sa.literal(True)).where(
            co_teacher.c.classroom_id == classroom_id, co_teacher.c.account_id == account_id
        )
    )
    return bool(found)


async def taught_by(
    session: AsyncSession, account_id: uuid.UUID, archived: bool, after: Any, limit: int
) -> Sequence[Classroom]:
    """Classrooms the account owns or co-teaches, newest first."""
    statement = sa.select(Classroom).where(
        sa.or_(
            classroom.c.owner_id == account_id,
            classroom.c.id.in_(
                sa.select(co_teacher.c.classroom_id).where(co_teacher.c.account_id == account_id)
            ),
        ),
        classroom.c.archived_at.is_not(None) if archived else classroom.c.archived_at.is_(None),
    )
    if after is not None:
        statement = statement.where(
            sa.tuple_(classroom.c.created_at, classroom.c.id) < sa.tuple_(*after)
        )
    statement = statement.order_by(classroom.c.created_at.desc(), classroom.c.id.desc()).limit(
        limit
    )
    return (await session.execute(statement)).scalars().all()


async def by_code(session: AsyncSession, code: str) -> Classroom | None:
    result = await session.execute(
        sa.select(Classroom).where(
            classroom.c.join_code == code,
            classroom.c.archived_at.is_(None),
            classroom.c.code_enabled.is_(True),
        )
    )
    return result.scalar_one_or_none()


async def teachers(session: AsyncSession, classroom_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        sa.select(co_teacher.c.account_id)
        .where(co_teacher.c.classroom_id == classroom_id)
        .order_by(co_teacher.c.added_at)
    )
    return list(rows.scalars())


async def pending_invites(session: AsyncSession, classroom_id: uuid.UUID) -> list[Any]:
    rows = await session.execute(
        sa.select(invite)
        .where(invite.c.classroom_id == classroom_id, invite.c.accepted_at.is_(None))
        .order_by(invite.c.created_at)
    )
    return list(rows)


async def invites_for(
    session: AsyncSession, email: str, after: Sequence[Any], limit: int
) -> list[Any]:
    """Pending invitations to the address, oldest first, after the cursor's
    (created_at, id) when it has one."""
    rows = await session.execute(
        sa.select(invite, classroom.c.name)
        .join(classroom, classroom.c.id == invite.c.classroom_id)
        .where(
            invite.c.email == email.lower(),
            invite.c.accepted_at.is_(None),
            classroom.c.archived_at.is_(None),
            _after((invite.c.created_at, invite.c.id), after),
        )
        .order_by(invite.c.created_at, invite.c.id)
        .limit(limit)
    )
    return list(rows)


async def member_count(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    count = await session.scalar(
        sa.select(sa.func.count()).where(member.c.classroom_id == classroom_id)
    )
    return int(count or 0)


def _after(columns: Sequence[sa.ColumnElement[Any]], values: Sequence[Any]) -> Any:
    """The keyset condition, or no condition on the first page (a cursor of NULLs)."""
    if values[0] is None:
        return sa.true()
    return keyset(columns, values)


async def members(session: AsyncSession, classroom_id: uuid.UUID) -> list[Any]:
    """(profile_id, joined_at), oldest first."""
    rows = await session.execute(
        sa.select(member.c.profile_id, member.c.joined_at)
        .where(member.c.classroom_id == classroom_id)
        .order_by(member.c.joined_at, member.c.profile_id)
    )
    return list(rows)


async def members_page(
    session: AsyncSession, classroom_id: uuid.UUID, after: Sequence[Any], limit: int
) -> list[Any]:
    """(profile_id, joined_at), oldest first, after the cursor's (joined_at, profile_id)."""
    rows = await session.execute(
        sa.select(member.c.profile_id, member.c.joined_at)
        .where(
            member.c.classroom_id == classroom_id,
            _after((member.c.joined_at, member.c.profile_id), after),
        )
        .order_by(member.c.joined_at, member.c.profile_id)
        .limit(limit)
    )
    return list(rows)


async def membership(
    session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID
) -> Any | None:
    rows = await session.execute(
        sa.select(member).where(
            member.c.classroom_id == classroom_id, member.c.profile_id == profile_id
        )
    )
    return rows.first()


async def lock_classroom(session: AsyncSession, classroom_id: uuid.UUID) -> None:
    """Until the transaction ends: enrolments and new assignments of the classroom wait for
    each other, so a count checked under the lock stays true. NO KEY UPDATE: rows that only
    reference the classroom (progress reads, items) are not held up."""
    await session.execute(
        sa.select(classroom.c.id)
        .where(classroom.c.id == classroom_id)
        .with_for_update(key_share=True)
    )


async def count_members(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    count = await session.scalar(
        sa.select(sa.func.count()).where(member.c.classroom_id == classroom_id)
    )
    return int(count or 0)


async def count_assignments(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    count = await session.scalar(
        sa.select(sa.func.count()).where(assignment.c.classroom_id == classroom_id)
    )
    return int(count or 0)


async def progress_of(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID], item_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """(profile_id, item_id, percent, completed_at) of every explorer on every item, in one
    statement (a report's members times its items)."""
    if not profile_ids or not item_ids:
        return []
    rows = await session.execute(
        sa.select(
            progress.c.profile_id, progress.c.item_id, progress.c.percent, progress.c.completed_at
        ).where(
            progress.c.profile_id
            == sa.any_(sa.bindparam("profile_ids", list(profile_ids), type_=ARRAY(sa.Uuid))),
            progress.c.item_id
            == sa.any_(sa.bindparam("item_ids", list(item_ids), type_=ARRAY(sa.Uuid))),
        )
    )
    return list(rows)


async def profiles(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Profile]:
    """The explorers with these ids (members a teacher sees, or an assignment notifies)."""
    rows = await session.execute(sa.select(Profile).where(profile.c.id.in_(list(ids))))
    return rows.scalars().all()


async def enrol(session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID) -> bool:
    """True when newly enrolled (a repeat changes nothing)."""
    result = await session.execute(
        insert(member)
        .values(classroom_id=classroom_id, profile_id=profile_id)
        .on_conflict_do_nothing()
        .returning(member.c.profile_id)
    )
    return result.first() is not None


async def unenrol(session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID) -> bool:
    result = await session.execute(
        sa.delete(member)
        .where(member.c.classroom_id == classroom_id, member.c.profile_id == profile_id)
        .returning(member.c.profile_id)
    )
    return result.first() is not None


async def classrooms_of(
    session: AsyncSession, profile_id: uuid.UUID, after: Sequence[Any], limit: int
) -> list[Any]:
    """Active classrooms the profile is in, by the time it joined: (profile_id, joined_at,
    Classroom columns), after the cursor's (joined_at, classroom id)."""
    rows = await session.execute(
        sa.select(member.c.profile_id, member.c.joined_at, classroom)
        .join(classroom, classroom.c.id == member.c.classroom_id)
        .where(
            member.c.profile_id == profile_id,
            classroom.c.archived_at.is_(None),
            _after((member.c.joined_at, classroom.c.id), after),
        )
        .order_by(member.c.joined_at, classroom.c.id)
        .limit(limit)
    )
    return list(rows)


async def all_memberships(session: AsyncSession, profile_ids: Sequence[uuid.UUID]) -> list[Any]:
    """Every classroom the profiles are in, archived ones too (the family's export)."""
    rows = await session.execute(
        sa.select(member.c.profile_id, member.c.joined_at, classroom)
        .join(classroom, classroom.c.id == member.c.classroom_id)
        .where(member.c.profile_id.in_(list(profile_ids)))
        .order_by(member.c.joined_at, classroom.c.id)
    )
    return list(rows)


# --- assignments ---------------------------------------------------------------------------


async def next_position(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    top = await session.scalar(
        sa.select(sa.func.max(assignment.c.position)).where(
            assignment.c.classroom_id == classroom_id
        )
    )
    return 0 if top is None else int(top) + 1


async def assignments_of(
    session: AsyncSession, classroom_id: uuid.UUID, after: int | None, limit: int
) -> Sequence[Assignment]:
    statement = sa.select(Assignment).where(assignment.c.classroom_id == classroom_id)
    if after is not None:
        statement = statement.where(assignment.c.position > after)
    statement = statement.order_by(assignment.c.position).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def all_assignments(session: AsyncSession, classroom_id: uuid.UUID) -> Sequence[Assignment]:
    statement = (
        sa.select(Assignment)
        .where(assignment.c.classroom_id == classroom_id)
        .order_by(assignment.c.position)
    )
    return (await session.execute(statement)).scalars().all()


async def items_of(
    session: AsyncSession, assignment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, uuid.UUID]]]:
    """(kind, item_id) per assignment, in the teacher's order."""
    rows = await session.execute(
        sa.select(item.c.assignment_id, item.c.kind, item.c.item_id)
        .where(item.c.assignment_id.in_(list(assignment_ids)))
        .order_by(item.c.assignment_id, item.c.position)
    )
    found: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = {a: [] for a in assignment_ids}
    for assignment_id, kind, item_id in rows:
        found[assignment_id].append((kind, item_id))
    return found


async def replace_items(
    session: AsyncSession, assignment_id: uuid.UUID, items: Sequence[tuple[str, uuid.UUID]]
) -> None:
    await session.execute(sa.delete(item).where(item.c.assignment_id == assignment_id))
    await session.execute(
        sa.insert(item),
        [
            {"assignment_id": assignment_id, "position": n, "kind": kind, "item_id": ident}
            for n, (kind, ident) in enumerate(items)
        ],
    )


async def set_positions(session: AsyncSession, positions: dict[uuid.UUID, int]) -> None:
    await session.execute(
        sa.update(assignment)
        .where(assignment.c.id == sa.bindparam("ident"))
        .values(position=sa.bindparam("pos")),
        [{"ident": ident, "pos": pos} for ident, pos in positions.items()],
        execution_options={"synchronize_session": False},
    )


async def for_profile(
    session: AsyncSession,
    profile_id: uuid.UUID,
    now: datetime,
    after: tuple[bool, date, uuid.UUID] | None,
    limit: int,
    *,
    due_by: date | None = None,
) -> list[Any]:
    """Assignments of the profile's active classrooms that have started: open ones first,
    then by due date. (Assignment columns, classroom columns)."""
    closed = assignment.c.closed_at.is_not(None)
    statement = (
        sa.select(
            assignment,
            classroom.c.name.label("classroom_name"),
            classroom.c.time_zone,
            classroom.c.grade,
            classroom.c.age_band,
            classroom.c.owner_id,
            closed.label("is_closed"),
        )
        .join(classroom, classroom.c.id == assignment.c.classroom_id)
        .join(member, member.c.classroom_id == classroom.c.id)
        .where(
            member.c.profile_id == profile_id,
            classroom.c.archived_at.is_(None),
            sa.or_(
                assignment.c.start_date.is_(None),
                # The day it is now in each classroom's own calendar.
                assignment.c.start_date
                <= sa.cast(
                    sa.func.timezone(
                        classroom.c.time_zone, sa.literal(now, sa.DateTime(timezone=True))
                    ),
                    sa.Date,
                ),
            ),
        )
    )
    if due_by is not None:
        statement = statement.where(sa.not_(closed), assignment.c.due_date <= due_by)
    if after is not None:
        statement = statement.where(
            sa.tuple_(closed, assignment.c.due_date, assignment.c.id) > sa.tuple_(*after)
        )
    statement = statement.order_by(closed, assignment.c.due_date, assignment.c.id).limit(limit)
    return list(await session.execute(statement))


_IN_CLASSROOM_SQL = (
    "SELECT EXISTS (SELECT 1 FROM classroom_member m JOIN classroom c ON c.id = m.classroom_id "
    "WHERE m.profile_id = $1 AND c.archived_at IS NULL)"
)


async def in_a_classroom(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> bool:
    """Whether the explorer belongs to a classroom that is not archived: without one, nothing
    can be due (most explorers: the library skips the assignment reads)."""
    found: bool = await conn.fetchval(_IN_CLASSROOM_SQL, profile_id)
    return found
