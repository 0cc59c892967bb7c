"""Classrooms: teachers and their join codes, co-teachers, enrolment by parents, assignments
and what teachers see of them.

Rules (README, "Classrooms"): a classroom belongs to its owner and is shared with the
co-teachers who accepted an invitation; any other teacher gets a 404 for it, any grown-up who
is not a teacher a 403, admins may act on every classroom. A join code is 8 characters
without look-alikes, unique among active classrooms; a wrong code and a switched-off one are
the same 404, and failed codes are throttled per account and per address. Only a parent
enrols a child, and may take them out at any time. A teacher sees a child's nickname, avatar
and age band, and their progress and quiz results on what the classroom assigned, nothing
else.
"""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.auth.deps import Caller, Principal
from app.avatars import service as avatars_service
from app.avatars.schemas import AvatarSelection
from app.catalog import lookups
from app.catalog.schemas import Kind
from app.classrooms import queries
from app.classrooms.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Assignment,
    Classroom,
    CoTeacher,
    TeacherInvite,
)
from app.classrooms.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    AssignmentReport,
    AssignmentState,
    AssignmentSummary,
    ClassroomCard,
    ClassroomIn,
    ClassroomOut,
    ClassroomPatch,
    ClassroomReport,
    DueSoon,
    Enrolment,
    ExplorerReport,
    ExplorerSummary,
    InviteOut,
    ItemIn,
    ItemKind,
    ItemOut,
    ItemProgress,
    ItemStatus,
    MemberOut,
    MyAssignment,
    QuizScore,
    StatusCounts,
    TeacherOut,
    TeacherRole,
)
from app.core.config import Settings
from app.core.db import flush_unique
from app.core.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    UnprocessableEntity,
    invalid_field,
)
from app.core.pagination import (
    Page,
    build_page,
    cursor_values,
    decode_cursor,
    encode_cursor,
    page_cursor,
    parse_datetime,
)
from app.core.ratelimit import Limit, RateLimiter
from app.emails import service as email_service
from app.outbox.service import enqueue
from app.profiles import service as profiles_service
from app.profiles.models import Profile
from app.progress import queries as progress_queries
from app.quizzes import reports as quiz_reports

ASSIGNMENT_CREATED = "classrooms.assignment_created"
# Failed codes allowed per window: per account, and per client address (a school's network
# shares one address, so it gets more).
CODE_LIMIT_ACCOUNT = Limit(times=10, seconds=15 * 60)
CODE_LIMIT_IP = Limit(times=30, seconds=15 * 60)
# A quiz attempt failed with this many hints, or failed twice, means the child needs help.
HELP_FAILS = 2
HELP_HINTS = 3
DUE_SOON_DAYS = 7
CONTENT_KINDS = {ItemKind.video, ItemKind.ebook, ItemKind.diy}

ARCHIVED = "This classroom is archived; nothing in it can change."
NO_CLASSROOM = "No such classroom."
WRONG_CODE = "No classroom has that code, or it is switched off. Check it with the teacher."


# --- codes ---------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


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


# --- who may do what -------------------------------------------------------------------------


async def _role_in(
    session: AsyncSession, room: Classroom, account_id: uuid.UUID
) -> TeacherRole | None:
    if room.owner_id == account_id:
        return TeacherRole.owner
    if await queries.is_co_teacher(session, room.id, account_id):
        return TeacherRole.co_teacher
    return None


@dataclass(frozen=True)
class Access:
    room: Classroom
    role: TeacherRole | None  # None: an admin who does not teach here


async def teacher_access(
    session: AsyncSession, principal: Principal, classroom_id: uuid.UUID, *, write: bool = False
) -> Access:
    """The classroom, if the caller teaches it (or is an admin); any other teacher gets the
    same 404 as for an id that does not exist."""
    room = await session.get(Classroom, classroom_id)
    if room is None:
        raise NotFound(NO_CLASSROOM)
    role = await _role_in(session, room, principal.account_id)
    if role is None and principal.role != Role.admin:
        raise NotFound(NO_CLASSROOM)
    if write and room.archived_at is not None:
        raise Conflict(ARCHIVED, code="classroom_archived")
    return Access(room, role)


# --- classrooms ------------------------------------------------------------------------------


async def _display_name(session: AsyncSession, account_id: uuid.UUID | None) -> str | None:
    if account_id is None:
        return None
    account = await accounts_service.get(session, account_id)
    return account.display_name if account else None


def _invite_out(row: Any, classroom_name: str) -> InviteOut:
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
                display_name=await _display_name(session, room.owner_id),
                role=TeacherRole.owner,
            )
        )
    for account_id in await queries.teachers(session, room.id):
        teachers.append(
            TeacherOut(
                account_id=account_id,
                display_name=await _display_name(session, account_id),
                role=TeacherRole.co_teacher,
            )
        )
    return ClassroomOut(
        id=room.id,
        name=room.name,
        grade=room.grade,
        age_band=room.age_band,
        time_zone=room.time_zone,
        join_code=room.join_code,
        code_enabled=room.code_enabled,
        archived=room.archived_at is not None,
        archived_at=room.archived_at,
        teacher_display_name=teachers[0].display_name if room.owner_id else None,
        my_role=access.role,
        teachers=teachers,
        pending_invites=[
            _invite_out(row, room.name) for row in await queries.pending_invites(session, room.id)
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
        time_zone=body.time_zone or account.timezone,
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
            session, Access(room, await _role_in(session, room, principal.account_id))
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
    for field in ("name", "time_zone", "code_enabled"):
        if changes.get(field) is not None:
            setattr(room, field, changes[field])
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


# --- co-teachers ---------------------------------------------------------------------------


async def invite(
    session: AsyncSession, access: Access, inviter: Principal, email: str
) -> InviteOut:
    email = email.lower()
    room = access.room
    invitee = await accounts_service.get_by_email(session, email)
    if invitee is not None and await _role_in(session, room, invitee.id) is not None:
        raise Conflict("That teacher already teaches this classroom.", code="already_teacher")
    row = TeacherInvite(classroom_id=room.id, email=email, invited_by=inviter.account_id)
    session.add(row)
    await flush_unique(
        session,
        "uq_classroom_invite_pending",
        "That address has been invited already.",
        "already_invited",
    )
    await session.refresh(row)
    inviter_name = await _display_name(session, inviter.account_id) or "A teacher"
    await email_service.send_email(
        session,
        to=email,
        subject=f"Join {room.name} on Wonderspaced",
        text=(
            f"{inviter_name} invited you to teach {room.name} with them on Wonderspaced.\n\n"
            "Sign in with this address and accept the invitation under Classrooms."
        ),
        dedup_key=f"classroom-invite:{row.id}",
    )
    return _invite_out(row, room.name)


async def my_invites(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> Page[InviteOut]:
    account = await accounts_service.get_or_404(session, principal.account_id)
    after = cursor_values(cursor, parse_datetime, uuid.UUID)
    rows = await queries.invites_for(session, account.email, after, limit + 1)
    return build_page(rows, limit, lambda r: (r.created_at, r.id), lambda r: _invite_out(r, r.name))


async def accept_invite(
    session: AsyncSession, principal: Principal, invite_id: uuid.UUID
) -> ClassroomOut:
    account = await accounts_service.get_or_404(session, principal.account_id)
    row = await session.get(TeacherInvite, invite_id, with_for_update=True)
    room = await session.get(Classroom, row.classroom_id) if row else None
    if (
        row is None
        or room is None
        or row.email != account.email.lower()
        or row.accepted_at is not None
        or room.archived_at is not None
    ):
        raise NotFound("No such invitation.", code="invite_not_found")
    if account.email_verified_at is None:
        # The invitation is to an address: only its proven owner may take it.
        raise Forbidden(
            "Confirm your email address first, then accept the invitation.",
            code="email_not_verified",
        )
    row.accepted_at = datetime.now(UTC)
    if await _role_in(session, room, account.id) is None:
        session.add(CoTeacher(classroom_id=room.id, account_id=account.id))
    await session.flush()
    return await classroom_out(session, Access(room, await _role_in(session, room, account.id)))


async def revoke_invite(session: AsyncSession, access: Access, invite_id: uuid.UUID) -> None:
    row = await session.get(TeacherInvite, invite_id)
    if row is None or row.classroom_id != access.room.id or row.accepted_at is not None:
        raise NotFound("No such invitation.", code="invite_not_found")
    await session.delete(row)
    await session.flush()


async def remove_teacher(
    session: AsyncSession, access: Access, principal: Principal, account_id: uuid.UUID
) -> None:
    """The owner (or an admin) removes a co-teacher; a co-teacher may leave."""
    if account_id == access.room.owner_id:
        raise Conflict(
            "The owner cannot leave their classroom; archive it instead.", code="owner_stays"
        )
    may = access.role is TeacherRole.owner or principal.role == Role.admin
    if not may and account_id != principal.account_id:
        raise Conflict("Only the owner removes other teachers.", code="owner_only")
    teacher = await session.get(CoTeacher, (access.room.id, account_id))
    if teacher is None:
        raise NotFound("That account does not teach this classroom.", code="not_a_teacher")
    await session.delete(teacher)
    await session.flush()


# --- parents and explorers ------------------------------------------------------------------


async def _card(session: AsyncSession, room: Any) -> ClassroomCard:
    return ClassroomCard(
        id=room.id,
        name=room.name,
        grade=room.grade,
        age_band=room.age_band,
        teacher_display_name=await _display_name(session, room.owner_id),
    )


async def _by_code(
    session: AsyncSession, limiter: RateLimiter, account_id: uuid.UUID, ip: str, code: str
) -> Classroom:
    # Only failures use the budget up; once it is used up, even a right code waits.
    await limiter.ensure_allowed("classroom-code-account", str(account_id), CODE_LIMIT_ACCOUNT)
    await limiter.ensure_allowed("classroom-code-ip", ip, CODE_LIMIT_IP)
    room = await queries.by_code(session, normalise_code(code))
    if room is None:
        await limiter.record_failure("classroom-code-account", str(account_id), CODE_LIMIT_ACCOUNT)
        await limiter.record_failure("classroom-code-ip", ip, CODE_LIMIT_IP)
        raise NotFound(WRONG_CODE, code="classroom_code_unknown")
    return room


async def lookup(
    session: AsyncSession, limiter: RateLimiter, principal: Principal, ip: str, code: str
) -> ClassroomCard:
    return await _card(session, await _by_code(session, limiter, principal.account_id, ip, code))


async def enrol(
    session: AsyncSession,
    limiter: RateLimiter,
    settings: Settings,
    caller: Caller,
    ip: str,
    profile: Profile,
    code: str,
) -> tuple[Enrolment, bool]:
    room = await _by_code(session, limiter, caller.account_id, ip, code)
    # The code is shared with a whole class: the cap holds however many join at once.
    await queries.lock_classroom(session, room.id)
    row = await queries.membership(session, room.id, profile.id)
    created = False
    if row is None:
        if await queries.count_members(session, room.id) >= settings.classroom_max_members:
            raise Conflict(
                f"This classroom already has {settings.classroom_max_members} explorers, "
                "the most it can have. Ask the teacher.",
                code="classroom_full",
            )
        created = await queries.enrol(session, room.id, profile.id)
        row = await queries.membership(session, room.id, profile.id)
    assert row is not None
    return (
        Enrolment(
            classroom=await _card(session, room), profile_id=profile.id, joined_at=row.joined_at
        ),
        created,
    )


async def leave(session: AsyncSession, profile: Profile, classroom_id: uuid.UUID) -> None:
    if not await queries.unenrol(session, classroom_id, profile.id):
        raise NotFound("This explorer is not in that classroom.", code="not_enrolled")


async def classrooms_of(
    session: AsyncSession, profile: Profile, limit: int, cursor: str | None
) -> Page[Enrolment]:
    after = cursor_values(cursor, parse_datetime, uuid.UUID)
    rows = await queries.classrooms_of(session, profile.id, after, limit + 1)
    page = build_page(rows, limit, lambda r: (r.joined_at, r.id), lambda r: r)
    return Page[Enrolment](
        items=[
            Enrolment(
                classroom=await _card(session, row),
                profile_id=row.profile_id,
                joined_at=row.joined_at,
            )
            for row in page.items
        ],
        next_cursor=page.next_cursor,
    )


# --- members, as teachers see them -------------------------------------------------------------


def avatar_url(classroom_id: uuid.UUID, profile_id: uuid.UUID) -> str:
    return f"/api/v1/classrooms/{classroom_id}/members/{profile_id}/avatar.svg"


async def _profiles(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Profile]:
    if not ids:
        return {}
    rows = await session.execute(sa.select(Profile).where(Profile.id.in_(list(ids))))  # type: ignore[attr-defined]
    return {p.id: p for p in rows.scalars()}


async def members(
    session: AsyncSession, access: Access, limit: int, cursor: str | None
) -> Page[MemberOut]:
    """Oldest member first: an order a keyset can walk (nicknames change)."""
    after = cursor_values(cursor, parse_datetime, uuid.UUID)
    rows = await queries.members_page(session, access.room.id, after, limit + 1)
    profiles = await _profiles(session, [r.profile_id for r in rows[:limit]])
    return Page[MemberOut](
        items=[
            MemberOut(
                profile_id=p.id,
                nickname=p.nickname,
                age_band=p.age_band,
                avatar=AvatarSelection.model_validate(p.avatar or {}),
                avatar_url=avatar_url(access.room.id, p.id),
                joined_at=r.joined_at,
            )
            for r in rows[:limit]
            if (p := profiles.get(r.profile_id)) is not None
        ],
        next_cursor=page_cursor(rows, limit, lambda r: (r.joined_at, r.profile_id)),
    )


async def _member(session: AsyncSession, access: Access, profile_id: uuid.UUID) -> Profile:
    profile = None
    if await queries.membership(session, access.room.id, profile_id) is not None:
        profile = await session.get(Profile, profile_id)
    if profile is None:
        raise NotFound("That explorer is not in this classroom.", code="not_enrolled")
    return profile


async def member_avatar(session: AsyncSession, access: Access, profile_id: uuid.UUID) -> str:
    profile = await _member(session, access, profile_id)
    return await avatars_service.render(
        session, AvatarSelection.model_validate(profile.avatar or {})
    )


async def remove_member(session: AsyncSession, access: Access, profile_id: uuid.UUID) -> None:
    if not await queries.unenrol(session, access.room.id, profile_id):
        raise NotFound("That explorer is not in this classroom.", code="not_enrolled")


# --- assignments ------------------------------------------------------------------------------


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def start_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def due_at(day: date, zone: str) -> datetime:
    """The end of the due day in the classroom's calendar: the next day's first instant."""
    return start_of(day + timedelta(days=1), zone)


def _state(a: Any, zone: str, now: datetime) -> AssignmentState:
    if a.closed_at is not None:
        return AssignmentState.closed
    if a.start_date is not None and a.start_date > local_today(zone, now):
        return AssignmentState.scheduled
    return AssignmentState.open


async def _titles(
    session: AsyncSession, items: Iterable[tuple[str, uuid.UUID]]
) -> dict[uuid.UUID, str]:
    items = list(items)
    conn = await progress_queries.connection(session)
    cards = await lookups.cards(conn, [i for k, i in items if k != ItemKind.quiz.value])
    titles = {ident: card.title for ident, card in cards.items()}
    titles.update(await quiz_reports.visible_titles(session, [i for k, i in items if k == "quiz"]))
    return titles


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
        time_zone=zone,
        starts_at=start_of(a.start_date, zone) if a.start_date else None,
        due_at=due_at(a.due_date, zone),
        state=_state(a, zone, now),
        position=a.position,
        closed_at=a.closed_at,
        items=[ItemOut(kind=ItemKind(k), item_id=i, title=titles.get(i)) for k, i in items],
        created_at=a.created_at,
    )


async def _outs(
    session: AsyncSession, room: Classroom, rows: Sequence[Assignment], now: datetime
) -> list[AssignmentOut]:
    items = await queries.items_of(session, [a.id for a in rows])
    titles = await _titles(session, (pair for pairs in items.values() for pair in pairs))
    return [_assignment_out(a, room.time_zone, items[a.id], titles, now) for a in rows]


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


async def _assignment(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID
) -> Assignment:
    a = await session.get(Assignment, assignment_id)
    if a is None or a.classroom_id != access.room.id:
        raise NotFound("No such assignment.")
    return a


async def create_assignment(
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
    return (await _outs(session, room, [a], now))[0]


async def list_assignments(
    session: AsyncSession, access: Access, limit: int, cursor: str | None, now: datetime
) -> Page[AssignmentOut]:
    after = decode_cursor(cursor, int)[0] if cursor else None
    rows = await queries.assignments_of(session, access.room.id, after, limit + 1)
    items = await _outs(session, access.room, rows[:limit], now)
    next_cursor = encode_cursor([rows[limit - 1].position]) if len(rows) > limit else None
    return Page[AssignmentOut](items=items, next_cursor=next_cursor)


async def get_assignment(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> AssignmentOut:
    a = await _assignment(session, access, assignment_id)
    return (await _outs(session, access.room, [a], now))[0]


async def update_assignment(
    session: AsyncSession,
    access: Access,
    assignment_id: uuid.UUID,
    body: AssignmentPatch,
    now: datetime,
) -> AssignmentOut:
    a = await _assignment(session, access, assignment_id)
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
    return (await _outs(session, access.room, [a], now))[0]


async def set_closed(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, closed: bool, now: datetime
) -> AssignmentOut:
    a = await _assignment(session, access, assignment_id)
    if closed and a.closed_at is None:
        a.closed_at = now
    elif not closed:
        a.closed_at = None
    await session.flush()
    await session.refresh(a)
    return (await _outs(session, access.room, [a], now))[0]


async def delete_assignment(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID
) -> None:
    await session.delete(await _assignment(session, access, assignment_id))
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
    return await _outs(session, access.room, ordered, now)


# --- status of an explorer on an assignment ------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """Progress and quiz standings of some explorers on some items."""

    progress: dict[tuple[uuid.UUID, uuid.UUID], Any]
    quizzes: dict[tuple[uuid.UUID, uuid.UUID], quiz_reports.Standing]


async def _facts(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID], items: Iterable[tuple[str, uuid.UUID]]
) -> _Facts:
    items = list(items)
    content = list({i for k, i in items if k != "quiz"})
    quizzes = list({i for k, i in items if k == "quiz"})
    progress = {
        (row.profile_id, row.item_id): row
        for row in await queries.progress_of(session, profile_ids, content)
    }
    return _Facts(progress, await quiz_reports.standings(session, profile_ids, quizzes))


def item_progress(
    facts: _Facts,
    profile_id: uuid.UUID,
    kind: str,
    item_id: uuid.UUID,
    title: str | None,
    due: datetime,
    now: datetime,
) -> ItemProgress:
    score = None
    percent = 0
    completed_at: datetime | None = None
    if kind == "quiz":
        standing = facts.quizzes.get((profile_id, item_id))
        if standing is None:
            status = ItemStatus.not_started
        else:
            score = QuizScore(
                attempts=standing.attempts,
                failed_attempts=standing.failed,
                best_percent=standing.best_percent,
                passed=standing.passed,
                hints_used=standing.hints,
            )
            percent = standing.best_percent or 0
            if standing.passed:
                status, completed_at = ItemStatus.completed, standing.passed_at
            elif standing.failed >= HELP_FAILS or standing.most_hints_in_a_fail >= HELP_HINTS:
                status = ItemStatus.help_needed
            else:
                status = ItemStatus.in_progress
    else:
        state = facts.progress.get((profile_id, item_id))
        if state is None:
            status = ItemStatus.not_started
        else:
            percent = state.percent
            completed_at = state.completed_at
            status = ItemStatus.completed if completed_at else ItemStatus.in_progress
    late = completed_at > due if completed_at is not None else now >= due
    return ItemProgress(
        kind=ItemKind(kind),
        item_id=item_id,
        title=title,
        status=status,
        percent=percent,
        completed_at=completed_at,
        late=late,
        quiz=score,
    )


def _count(counts: StatusCounts, entries: Iterable[ItemProgress]) -> None:
    for entry in entries:
        setattr(counts, entry.status.value, getattr(counts, entry.status.value) + 1)
        counts.late += entry.late


@dataclass(frozen=True)
class _Grid:
    assignments: list[AssignmentOut]
    profiles: list[Profile]
    rows: dict[tuple[uuid.UUID, uuid.UUID], list[ItemProgress]]  # (assignment, profile)


async def _grid(
    session: AsyncSession, access: Access, rows: Sequence[Assignment], now: datetime
) -> _Grid:
    outs = await _outs(session, access.room, rows, now)
    members_ = await queries.members(session, access.room.id)
    found = await _profiles(session, [m.profile_id for m in members_])
    # A class list, as a teacher reads it: by nickname.
    profiles = sorted(
        (found[m.profile_id] for m in members_ if m.profile_id in found),
        key=lambda p: (p.nickname.casefold(), p.id),
    )
    facts = await _facts(
        session,
        [p.id for p in profiles],
        ((i.kind.value, i.item_id) for a in outs for i in a.items),
    )
    grid = {
        (a.id, p.id): [
            item_progress(facts, p.id, i.kind.value, i.item_id, i.title, a.due_at, now)
            for i in a.items
        ]
        for a in outs
        for p in profiles
    }
    return _Grid(outs, profiles, grid)


async def assignment_report(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> AssignmentReport:
    a = await _assignment(session, access, assignment_id)
    grid = await _grid(session, access, [a], now)
    counts = StatusCounts()
    explorers = []
    for p in grid.profiles:
        entries = grid.rows[(a.id, p.id)]
        _count(counts, entries)
        explorers.append(
            ExplorerReport(
                profile_id=p.id,
                nickname=p.nickname,
                age_band=p.age_band,
                avatar_url=avatar_url(access.room.id, p.id),
                items=entries,
            )
        )
    return AssignmentReport(assignment=grid.assignments[0], counts=counts, explorers=explorers)


async def classroom_report(session: AsyncSession, access: Access, now: datetime) -> ClassroomReport:
    grid = await _grid(session, access, await queries.all_assignments(session, access.room.id), now)
    total = StatusCounts()
    summaries = []
    for a in grid.assignments:
        counts = StatusCounts()
        for p in grid.profiles:
            _count(counts, grid.rows[(a.id, p.id)])
        summaries.append(
            AssignmentSummary(
                assignment_id=a.id, title=a.title, due_date=a.due_date, state=a.state, counts=counts
            )
        )
    explorers = []
    for p in grid.profiles:
        counts = StatusCounts()
        for a in grid.assignments:
            _count(counts, grid.rows[(a.id, p.id)])
            _count(total, grid.rows[(a.id, p.id)])
        explorers.append(
            ExplorerSummary(
                profile_id=p.id,
                nickname=p.nickname,
                age_band=p.age_band,
                avatar_url=avatar_url(access.room.id, p.id),
                counts=counts,
            )
        )
    return ClassroomReport(
        classroom_id=access.room.id,
        name=access.room.name,
        assignments=summaries,
        explorers=explorers,
        counts=total,
    )


# --- CSV -------------------------------------------------------------------------------------

CSV_HEADER = (
    "assignment",
    "due_date",
    "explorer",
    "age_band",
    "item_kind",
    "item",
    "status",
    "late",
    "completed_at",
    "percent",
    "quiz_attempts",
    "quiz_best_percent",
    "quiz_hints_used",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(grid: _Grid) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for a in grid.assignments:
        for p in grid.profiles:
            for entry in grid.rows[(a.id, p.id)]:
                quiz = entry.quiz
                writer.writerow(
                    [
                        safe_cell(a.title),
                        a.due_date.isoformat(),
                        safe_cell(p.nickname),
                        p.age_band,
                        entry.kind.value,
                        safe_cell(entry.title),
                        entry.status.value,
                        "yes" if entry.late else "no",
                        entry.completed_at.astimezone(UTC).isoformat()
                        if entry.completed_at
                        else "",
                        entry.percent,
                        quiz.attempts if quiz else "",
                        quiz.best_percent if quiz and quiz.best_percent is not None else "",
                        quiz.hints_used if quiz else "",
                    ]
                )
    # With a byte order mark, spreadsheets read the file as UTF-8 (nicknames like Ɛsi).
    return "\ufeff" + out.getvalue()


async def assignment_csv(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> str:
    a = await _assignment(session, access, assignment_id)
    return _csv(await _grid(session, access, [a], now))


async def classroom_csv(session: AsyncSession, access: Access, now: datetime) -> str:
    rows = await queries.all_assignments(session, access.room.id)
    return _csv(await _grid(session, access, rows, now))


# --- what an explorer sees -------------------------------------------------------------------


def _after(cursor: str | None) -> tuple[bool, date, uuid.UUID] | None:
    if not cursor:
        return None
    closed, due, ident = decode_cursor(cursor, bool, date.fromisoformat, uuid.UUID)
    return closed, due, ident


async def _mine(
    session: AsyncSession, profile: Profile, rows: Sequence[Any], now: datetime
) -> list[MyAssignment]:
    items = await queries.items_of(session, [r.id for r in rows])
    titles = await _titles(session, (pair for pairs in items.values() for pair in pairs))
    facts = await _facts(session, [profile.id], (p for pairs in items.values() for p in pairs))
    owners = {r.owner_id: await _display_name(session, r.owner_id) for r in rows}
    result = []
    for r in rows:
        due = due_at(r.due_date, r.time_zone)
        entries = [
            item_progress(facts, profile.id, k, i, titles.get(i), due, now) for k, i in items[r.id]
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
                time_zone=r.time_zone,
                state=_state(r, r.time_zone, now),
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
        if mine.done or mine.due_date > local_today(mine.time_zone, now) + timedelta(days=days):
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


# --- data rights ------------------------------------------------------------------------------


async def export_classrooms(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """The family's children's memberships, and the classrooms this account teaches."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    memberships = [
        {
            "profile_id": str(row.profile_id),
            "classroom_id": str(row.id),
            "classroom_name": row.name,
            "teacher_display_name": await _display_name(session, row.owner_id),
            "joined_at": row.joined_at.isoformat(),
            "archived": row.archived_at is not None,
        }
        for row in (await queries.all_memberships(session, profile_ids) if profile_ids else [])
    ]
    teaching = []
    for room in await queries.taught_by(session, account_id, False, None, 1000):
        teaching.append(await _teaching_export(session, room))
    for room in await queries.taught_by(session, account_id, True, None, 1000):
        teaching.append(await _teaching_export(session, room))
    return {"memberships": memberships, "teaching": teaching}


async def _teaching_export(session: AsyncSession, room: Classroom) -> dict[str, Any]:
    rows = await queries.all_assignments(session, room.id)
    items = await queries.items_of(session, [a.id for a in rows])
    return {
        "classroom_id": str(room.id),
        "name": room.name,
        "grade": room.grade,
        "age_band": room.age_band,
        "time_zone": room.time_zone,
        "archived": room.archived_at is not None,
        "created_at": room.created_at.isoformat(),
        "assignments": [
            {
                "id": str(a.id),
                "title": a.title,
                "note": a.note,
                "start_date": a.start_date.isoformat() if a.start_date else None,
                "due_date": a.due_date.isoformat(),
                "closed": a.closed_at is not None,
                "items": [{"kind": k, "item_id": str(i)} for k, i in items[a.id]],
            }
            for a in rows
        ],
    }


# --- notifying explorers ------------------------------------------------------------------


async def assignment_recipients(
    session: AsyncSession, assignment_id: uuid.UUID
) -> tuple[Assignment, Classroom, list[Profile]] | None:
    """The assignment, its classroom and the explorers enrolled now (None once gone)."""
    a = await session.get(Assignment, assignment_id)
    room = await session.get(Classroom, a.classroom_id) if a else None
    if a is None or room is None or room.archived_at is not None:
        return None
    rows = await queries.members(session, room.id)
    found = await _profiles(session, [r.profile_id for r in rows])
    return a, room, list(found.values())
