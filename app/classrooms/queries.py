"""Every classroom statement, built once at import (Core with bound parameters), run on the
request's session. None is a hot path (a teacher's screens and a child's assignment list, read
a few times a day), except `in_a_classroom`, which the library asks on every read (asyncpg).

A first page and a later one share one statement: the cursor's values are NULL on the first
(`:after_0 IS NULL OR (a, b) > (:after_0, :after_1)`)."""

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
    HelpAlertsOff,
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

_TIME = sa.DateTime(timezone=True)


def _param(name: str, type_: Any) -> sa.BindParameter[Any]:
    return sa.bindparam(name, type_=type_)


def _after(
    columns: Sequence[sa.ColumnElement[Any]], types: Sequence[Any], *, descending: bool = False
) -> sa.ColumnElement[bool]:
    """After the cursor's row (parameters `after_0`, `after_1`...), or every row when the
    first is NULL: the first page."""
    values = [_param(f"after_{n}", t) for n, t in enumerate(types)]
    return sa.or_(values[0].is_(None), keyset(columns, values, descending=descending))


def _cursor(after: Sequence[Any] | None, size: int = 2) -> dict[str, Any]:
    values = after if after is not None else (None,) * size
    return {f"after_{n}": value for n, value in enumerate(values)}


def _any(name: str) -> Any:
    """`= ANY(:name)`: one statement for any number of ids."""
    return sa.any_(_param(name, ARRAY(sa.Uuid)))


def _count(column: sa.ColumnElement[Any]) -> sa.Select[Any]:
    return sa.select(sa.func.count()).where(column == sa.bindparam("classroom_id"))


# --- classrooms and teachers ---------------------------------------------------------------

_IS_CO_TEACHER = sa.select(sa.literal(True)).where(
    co_teacher.c.classroom_id == sa.bindparam("classroom_id"),
    co_teacher.c.account_id == sa.bindparam("account_id"),
)
# Newest first, archived ones or active ones.
_TAUGHT_BY = {
    archived: sa.select(Classroom)
    .where(
        sa.or_(
            classroom.c.owner_id == sa.bindparam("account_id"),
            classroom.c.id.in_(
                sa.select(co_teacher.c.classroom_id).where(
                    co_teacher.c.account_id == sa.bindparam("account_id")
                )
            ),
        ),
        classroom.c.archived_at.is_not(None) if archived else classroom.c.archived_at.is_(None),
        _after([classroom.c.created_at, classroom.c.id], [_TIME, sa.Uuid], descending=True),
    )
    .order_by(classroom.c.created_at.desc(), classroom.c.id.desc())
    .limit(sa.bindparam("limit"))
    for archived in (False, True)
}
_BY_CODE = sa.select(Classroom).where(
    classroom.c.join_code == sa.bindparam("code"),
    classroom.c.archived_at.is_(None),
    classroom.c.code_enabled.is_(True),
)
_TEACHERS = (
    sa.select(co_teacher.c.account_id)
    .where(co_teacher.c.classroom_id == sa.bindparam("classroom_id"))
    .order_by(co_teacher.c.added_at)
)
_PENDING_INVITES = (
    sa.select(invite.c.id, invite.c.classroom_id, invite.c.email, invite.c.created_at)
    .where(invite.c.classroom_id == sa.bindparam("classroom_id"), invite.c.accepted_at.is_(None))
    .order_by(invite.c.created_at)
)
_INVITES_FOR = (
    sa.select(
        invite.c.id, invite.c.classroom_id, invite.c.email, invite.c.created_at, classroom.c.name
    )
    .join(classroom, classroom.c.id == invite.c.classroom_id)
    .where(
        invite.c.email == sa.bindparam("email"),
        invite.c.accepted_at.is_(None),
        classroom.c.archived_at.is_(None),
        _after([invite.c.created_at, invite.c.id], [_TIME, sa.Uuid]),
    )
    .order_by(invite.c.created_at, invite.c.id)
    .limit(sa.bindparam("limit"))
)
# NO KEY UPDATE: rows that only reference the classroom (progress reads, items) are not held
# up.
_LOCK_CLASSROOM = (
    sa.select(classroom.c.id)
    .where(classroom.c.id == sa.bindparam("classroom_id"))
    .with_for_update(key_share=True)
)


async def is_co_teacher(
    session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID
) -> bool:
    params = {"classroom_id": classroom_id, "account_id": account_id}
    return bool(await session.scalar(_IS_CO_TEACHER, params))


async def taught_by(
    session: AsyncSession,
    account_id: uuid.UUID,
    archived: bool,
    after: Sequence[Any] | None,
    limit: int,
) -> Sequence[Classroom]:
    """Classrooms the account owns or co-teaches, newest first, after the cursor's
    (created_at, id)."""
    params = {"account_id": account_id, "limit": limit, **_cursor(after)}
    return (await session.execute(_TAUGHT_BY[archived], params)).scalars().all()


async def by_code(session: AsyncSession, code: str) -> Classroom | None:
    """The active classroom whose code is switched on and is this one."""
    return (await session.execute(_BY_CODE, {"code": code})).scalar_one_or_none()


async def teachers(session: AsyncSession, classroom_id: uuid.UUID) -> list[uuid.UUID]:
    """The co-teachers, by when they joined."""
    return list((await session.execute(_TEACHERS, {"classroom_id": classroom_id})).scalars())


async def pending_invites(session: AsyncSession, classroom_id: uuid.UUID) -> list[Any]:
    """(id, classroom_id, email, created_at), oldest first."""
    return list(await session.execute(_PENDING_INVITES, {"classroom_id": classroom_id}))


async def invites_for(
    session: AsyncSession, email: str, after: Sequence[Any], limit: int
) -> list[Any]:
    """Pending invitations to the address, with the classroom's name, oldest first, after the
    cursor's (created_at, id)."""
    params = {"email": email.lower(), "limit": limit, **_cursor(after)}
    return list(await session.execute(_INVITES_FOR, params))


async def lock_classroom(session: AsyncSession, classroom_id: uuid.UUID) -> None:
    """Until the transaction ends: enrolments and new assignments of the classroom wait for
    each other, so a count checked under the lock stays true."""
    await session.execute(_LOCK_CLASSROOM, {"classroom_id": classroom_id})


# --- members ---------------------------------------------------------------------------------

_MEMBER_COUNT = _count(member.c.classroom_id)
_MEMBERS = (
    sa.select(member.c.profile_id, member.c.joined_at)
    .where(member.c.classroom_id == sa.bindparam("classroom_id"))
    .order_by(member.c.joined_at, member.c.profile_id)
)
_MEMBERS_PAGE = _MEMBERS.where(
    _after([member.c.joined_at, member.c.profile_id], [_TIME, sa.Uuid])
).limit(sa.bindparam("limit"))
_MEMBERSHIP = sa.select(member.c.classroom_id, member.c.profile_id, member.c.joined_at).where(
    member.c.classroom_id == sa.bindparam("classroom_id"),
    member.c.profile_id == sa.bindparam("profile_id"),
)
_PROFILES = sa.select(Profile).where(profile.c.id == _any("ids"))
_ENROL = (
    insert(member)
    .values(
        classroom_id=sa.bindparam("classroom_id"),
        profile_id=sa.bindparam("profile_id"),
        joined_at=_param("joined_at", _TIME),
    )
    .on_conflict_do_nothing()
    .returning(member.c.profile_id)
)
_UNENROL = (
    sa.delete(member)
    .where(
        member.c.classroom_id == sa.bindparam("classroom_id"),
        member.c.profile_id == sa.bindparam("profile_id"),
    )
    .returning(member.c.profile_id)
)
_WITH_CLASSROOM = sa.select(member.c.profile_id, member.c.joined_at, classroom).join(
    classroom, classroom.c.id == member.c.classroom_id
)
_CLASSROOMS_OF = (
    _WITH_CLASSROOM.where(
        member.c.profile_id == sa.bindparam("profile_id"),
        classroom.c.archived_at.is_(None),
        _after([member.c.joined_at, classroom.c.id], [_TIME, sa.Uuid]),
    )
    .order_by(member.c.joined_at, classroom.c.id)
    .limit(sa.bindparam("limit"))
)
_ALL_MEMBERSHIPS = _WITH_CLASSROOM.where(member.c.profile_id == _any("profile_ids")).order_by(
    member.c.joined_at, classroom.c.id
)


async def member_count(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    return int(await session.scalar(_MEMBER_COUNT, {"classroom_id": classroom_id}) or 0)


async def members(session: AsyncSession, classroom_id: uuid.UUID) -> list[Any]:
    """(profile_id, joined_at), oldest first."""
    return list(await session.execute(_MEMBERS, {"classroom_id": classroom_id}))


async def members_page(
    session: AsyncSession, classroom_id: uuid.UUID, after: Sequence[Any], limit: int
) -> list[Any]:
    """(profile_id, joined_at), oldest first, after the cursor's (joined_at, profile_id)."""
    params = {"classroom_id": classroom_id, "limit": limit, **_cursor(after)}
    return list(await session.execute(_MEMBERS_PAGE, params))


async def membership(
    session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID
) -> Any | None:
    """(classroom_id, profile_id, joined_at), or None when not a member."""
    params = {"classroom_id": classroom_id, "profile_id": profile_id}
    return (await session.execute(_MEMBERSHIP, params)).first()


async def profiles(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Profile]:
    """The explorers with these ids (members a teacher sees, or an assignment notifies)."""
    return (await session.execute(_PROFILES, {"ids": list(ids)})).scalars().all()


async def enrol(
    session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID, joined_at: datetime
) -> bool:
    """True when newly enrolled (a repeat changes nothing, its join time included). The join
    time is the service's clock, the one progress is stamped with: reports compare them."""
    params = {"classroom_id": classroom_id, "profile_id": profile_id, "joined_at": joined_at}
    return (await session.execute(_ENROL, params)).first() is not None


async def unenrol(session: AsyncSession, classroom_id: uuid.UUID, profile_id: uuid.UUID) -> bool:
    params = {"classroom_id": classroom_id, "profile_id": profile_id}
    return (await session.execute(_UNENROL, params)).first() is not None


async def classrooms_of(
    session: AsyncSession, profile_id: uuid.UUID, after: Sequence[Any], limit: int
) -> list[Any]:
    """Active classrooms the profile is in, by the time it joined: (profile_id, joined_at,
    Classroom columns), after the cursor's (joined_at, classroom id)."""
    params = {"profile_id": profile_id, "limit": limit, **_cursor(after)}
    return list(await session.execute(_CLASSROOMS_OF, params))


async def all_memberships(session: AsyncSession, profile_ids: Sequence[uuid.UUID]) -> list[Any]:
    """Every classroom the profiles are in, archived ones too (the family's export)."""
    return list(await session.execute(_ALL_MEMBERSHIPS, {"profile_ids": list(profile_ids)}))


# --- progress, for reports -------------------------------------------------------------------

_PROGRESS_OF = sa.select(
    progress.c.profile_id,
    progress.c.item_id,
    progress.c.percent,
    progress.c.completed_at,
    progress.c.updated_at,
).where(progress.c.profile_id == _any("profile_ids"), progress.c.item_id == _any("item_ids"))


async def progress_of(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID], item_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """(profile_id, item_id, percent, completed_at, updated_at: the last activity) of every
    explorer on every item, in one statement (a report's members times its items)."""
    if not profile_ids or not item_ids:
        return []
    params = {"profile_ids": list(profile_ids), "item_ids": list(item_ids)}
    return list(await session.execute(_PROGRESS_OF, params))


# --- assignments ---------------------------------------------------------------------------

_COUNT_ASSIGNMENTS = _count(assignment.c.classroom_id)
_NEXT_POSITION = sa.select(sa.func.max(assignment.c.position)).where(
    assignment.c.classroom_id == sa.bindparam("classroom_id")
)
_ALL_ASSIGNMENTS = (
    sa.select(Assignment)
    .where(assignment.c.classroom_id == sa.bindparam("classroom_id"))
    .order_by(assignment.c.position)
)
_ASSIGNMENTS_PAGE = _ALL_ASSIGNMENTS.where(_after([assignment.c.position], [sa.Integer])).limit(
    sa.bindparam("limit")
)
_ITEMS_OF = (
    sa.select(item.c.assignment_id, item.c.kind, item.c.item_id)
    .where(item.c.assignment_id == _any("assignment_ids"))
    .order_by(item.c.assignment_id, item.c.position)
)
_DELETE_ITEMS = sa.delete(item).where(item.c.assignment_id == sa.bindparam("assignment_id"))
_INSERT_ITEM = sa.insert(item)
_SET_POSITION = (
    sa.update(assignment)
    .where(assignment.c.id == sa.bindparam("ident"))
    .values(position=sa.bindparam("pos"))
)

_CLOSED = assignment.c.closed_at.is_not(None)
_NOW = _param("now", _TIME)
_DUE_BY = _param("due_by", sa.Date)
# Assignments of the profile's active classrooms that have started: open ones first, then by
# due date; with `due_by`, only the open ones due by then.
_FOR_PROFILE = (
    sa.select(
        assignment,
        classroom.c.name.label("classroom_name"),
        classroom.c.time_zone,
        classroom.c.grade,
        classroom.c.age_band,
        classroom.c.owner_id,
        member.c.joined_at,
        _CLOSED.label("is_closed"),
    )
    .join(classroom, classroom.c.id == assignment.c.classroom_id)
    .join(member, member.c.classroom_id == classroom.c.id)
    .where(
        member.c.profile_id == sa.bindparam("profile_id"),
        classroom.c.archived_at.is_(None),
        sa.or_(
            assignment.c.start_date.is_(None),
            # The day it is now in each classroom's own calendar.
            assignment.c.start_date
            <= sa.cast(sa.func.timezone(classroom.c.time_zone, _NOW), sa.Date),
        ),
        sa.or_(_DUE_BY.is_(None), sa.and_(sa.not_(_CLOSED), assignment.c.due_date <= _DUE_BY)),
        _after([_CLOSED, assignment.c.due_date, assignment.c.id], [sa.Boolean, sa.Date, sa.Uuid]),
    )
    .order_by(_CLOSED, assignment.c.due_date, assignment.c.id)
    .limit(sa.bindparam("limit"))
)


async def count_assignments(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    return int(await session.scalar(_COUNT_ASSIGNMENTS, {"classroom_id": classroom_id}) or 0)


async def next_position(session: AsyncSession, classroom_id: uuid.UUID) -> int:
    top = await session.scalar(_NEXT_POSITION, {"classroom_id": classroom_id})
    return 0 if top is None else int(top) + 1


async def assignments_of(
    session: AsyncSession, classroom_id: uuid.UUID, after: int | None, limit: int
) -> Sequence[Assignment]:
    """In the teacher's order, after the cursor's position."""
    params = {"classroom_id": classroom_id, "limit": limit, "after_0": after}
    return (await session.execute(_ASSIGNMENTS_PAGE, params)).scalars().all()


async def all_assignments(session: AsyncSession, classroom_id: uuid.UUID) -> Sequence[Assignment]:
    return (await session.execute(_ALL_ASSIGNMENTS, {"classroom_id": classroom_id})).scalars().all()


async def items_of(
    session: AsyncSession, assignment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, uuid.UUID]]]:
    """(kind, item_id) per assignment, in the teacher's order."""
    found: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = {a: [] for a in assignment_ids}
    if not found:
        return found
    rows = await session.execute(_ITEMS_OF, {"assignment_ids": list(assignment_ids)})
    for row in rows:
        found[row.assignment_id].append((row.kind, row.item_id))
    return found


async def replace_items(
    session: AsyncSession, assignment_id: uuid.UUID, items: Sequence[tuple[str, uuid.UUID]]
) -> None:
    await session.execute(_DELETE_ITEMS, {"assignment_id": assignment_id})
    await session.execute(
        _INSERT_ITEM,
        [
            {"assignment_id": assignment_id, "position": n, "kind": kind, "item_id": ident}
            for n, (kind, ident) in enumerate(items)
        ],
    )


async def set_positions(session: AsyncSession, positions: dict[uuid.UUID, int]) -> None:
    await session.execute(
        _SET_POSITION,
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
    then by due date. (Assignment columns, classroom columns, joined_at, is_closed)."""
    params = {
        "profile_id": profile_id,
        "now": now,
        "due_by": due_by,
        "limit": limit,
        **_cursor(after, 3),
    }
    return list(await session.execute(_FOR_PROFILE, params))


_IN_CLASSROOM_SQL = (
    "SELECT EXISTS (SELECT 1 FROM classroom_member m JOIN classroom c ON c.id = m.classroom_id "
    "WHERE m.profile_id = $1 AND c.archived_at IS NULL)"
)


async def in_a_classroom(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> bool:
    """Whether the explorer belongs to a classroom that is not archived: without one, nothing
    can be due (most explorers: the library skips the assignment reads). Raw asyncpg on the
    library's own connection: it is asked on every library read, a hot path (bench/README.md,
    library 0.77 of the floor once answered on asyncpg)."""
    found: bool = await conn.fetchval(_IN_CLASSROOM_SQL, profile_id)
    return found


# --- help-needed alerts -----------------------------------------------------------------

_alerts_off = table_of(HelpAlertsOff)

# Failed quiz attempts closed in a window by explorers enrolled (since before the attempt)
# in an active classroom that assigned that quiz: the pairs whose standing may have become
# help_needed (the ticker reads each one's standing exactly).
_HELP_CANDIDATES = sa.text("""
SELECT DISTINCT m.classroom_id, c.name AS classroom_name, c.owner_id, m.profile_id,
       m.joined_at, a.id AS assignment_id, a.title AS assignment_title, ai.item_id AS quiz_id
FROM quiz_attempt qa
JOIN classroom_member m ON m.profile_id = qa.profile_id AND m.joined_at <= qa.closed_at
JOIN classroom c ON c.id = m.classroom_id AND c.archived_at IS NULL
JOIN assignment a ON a.classroom_id = m.classroom_id
JOIN assignment_item ai
  ON ai.assignment_id = a.id AND ai.kind = 'quiz' AND ai.item_id = qa.quiz_id
WHERE qa.closed_at >= :since AND qa.closed_at <= :until AND NOT qa.passed
ORDER BY m.classroom_id, a.id, m.profile_id
""")
_ALERTS_OFF_FOR = sa.select(_alerts_off.c.account_id).where(
    _alerts_off.c.classroom_id == sa.bindparam("classroom_id")
)
_ALERTS_OFF = sa.select(
    sa.exists().where(
        _alerts_off.c.classroom_id == sa.bindparam("classroom_id"),
        _alerts_off.c.account_id == sa.bindparam("account_id"),
    )
)
_TURN_OFF = (
    insert(_alerts_off)
    .values(classroom_id=sa.bindparam("classroom_id"), account_id=sa.bindparam("account_id"))
    .on_conflict_do_nothing()
)
_TURN_ON = sa.delete(_alerts_off).where(
    _alerts_off.c.classroom_id == sa.bindparam("classroom_id"),
    _alerts_off.c.account_id == sa.bindparam("account_id"),
)


async def help_candidates(session: AsyncSession, since: datetime, until: datetime) -> Sequence[Any]:
    return (await session.execute(_HELP_CANDIDATES, {"since": since, "until": until})).all()


async def alerts_off_for(session: AsyncSession, classroom_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.execute(_ALERTS_OFF_FOR, {"classroom_id": classroom_id})
    return set(rows.scalars())


async def alerts_off(session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    params = {"classroom_id": classroom_id, "account_id": account_id}
    return bool(await session.scalar(_ALERTS_OFF, params))


async def set_alerts(
    session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID, on: bool
) -> None:
    params = {"classroom_id": classroom_id, "account_id": account_id}
    await session.execute(_TURN_ON if on else _TURN_OFF, params)
