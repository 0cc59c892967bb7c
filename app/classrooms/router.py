"""`/classrooms` for teachers (and the parent's code lookup), and the explorer's classrooms and
assignments under `/profiles/{profile_id}`."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from app.accounts.models import Role
from app.auth.deps import CallerDep, CurrentPrincipal, Principal, require_roles
from app.classrooms import assignments, enrolment, explorer, reports, rooms, teachers
from app.classrooms.access import Access, teacher_access
from app.classrooms.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    AssignmentReport,
    ClassroomCard,
    ClassroomIn,
    ClassroomOut,
    ClassroomPatch,
    ClassroomReport,
    Code,
    Enrolment,
    InviteIn,
    InviteOut,
    JoinIn,
    MemberOut,
    MyAssignment,
    ReorderIn,
)
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.http_cache import SVG_RESPONSE, SvgTypeDep
from app.core.idempotency import RESPONSES as IDEMPOTENT
from app.core.idempotency import idempotent
from app.core.pagination import Page, PageParamsDep
from app.core.parts import RateLimiterDep, SettingsDep
from app.core.ratelimit import client_ip
from app.profiles.scope import ParentProfileDep, ProfileDep
from app.progress.clock import ClockDep

router = APIRouter(prefix="/classrooms", tags=["classrooms"])
profile_router = APIRouter(prefix="/profiles/{profile_id}", tags=["classrooms"])

TeacherDep = Annotated[Principal, Depends(require_roles(Role.teacher, Role.admin))]
TEACHER = problem_responses(401, 403, 422)
ROOM = problem_responses(401, 403, 404, 422)
WRITE = problem_responses(401, 403, 404, 409, 422)
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "UTF-8, a header row",
    }
}


async def _room(classroom_id: uuid.UUID, principal: TeacherDep, session: SessionDep) -> Access:
    return await teacher_access(session, principal, classroom_id)


async def _writable_room(
    classroom_id: uuid.UUID, principal: TeacherDep, session: SessionDep
) -> Access:
    return await teacher_access(session, principal, classroom_id, write=True)


RoomDep = Annotated[Access, Depends(_room)]
WritableRoomDep = Annotated[Access, Depends(_writable_room)]


def _csv(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- literal paths first: they would otherwise be taken for a classroom id ------------------


@router.get(
    "/lookup",
    response_model=ClassroomCard,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="Parents: the classroom a code belongs to (name and teacher), before joining",
)
async def get_classroom_by_code(
    code: Annotated[Code, Query()],
    principal: CurrentPrincipal,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    request: Request,
) -> ClassroomCard:
    return await enrolment.lookup(session, rate_limiter, principal, client_ip(request), code)


@router.get(
    "/invites",
    response_model=Page[InviteOut],
    responses={**TEACHER, **problem_responses(400)},
    summary="Invitations to co-teach sent to the signed-in teacher's address, oldest first",
)
async def list_my_invites(
    principal: TeacherDep, session: SessionDep, page: PageParamsDep
) -> Page[InviteOut]:
    return await teachers.my_invites(session, principal, page.limit, page.cursor)


@router.post(
    "/invites/{invite_id}/accept",
    response_model=ClassroomOut,
    responses=ROOM,
    summary="Accept an invitation to co-teach (sent to this account's address)",
)
async def accept_teacher_invite(
    invite_id: uuid.UUID, principal: TeacherDep, session: SessionDep
) -> ClassroomOut:
    return await teachers.accept_invite(session, principal, invite_id)


# --- classrooms -------------------------------------------------------------------------------


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClassroomOut,
    responses={**TEACHER, **IDEMPOTENT},
    summary="Teachers: create a classroom; answers its join code",
)
@idempotent
async def create_classroom(
    body: ClassroomIn, principal: TeacherDep, session: SessionDep
) -> ClassroomOut:
    """Creates a classroom the teacher owns, with a join code. Retrying after a lost answer:
    send an `Idempotency-Key` and a retry answers the classroom the first request created
    (the same id and code) instead of creating a second one."""
    return await rooms.create(session, principal, body)


@router.get(
    "",
    response_model=Page[ClassroomOut],
    responses={**TEACHER, **problem_responses(400)},
    summary="The classrooms the teacher owns or co-teaches, newest first",
)
async def list_classrooms(
    principal: TeacherDep,
    session: SessionDep,
    page: PageParamsDep,
    archived: Annotated[bool, Query(description="Archived ones instead")] = False,
) -> Page[ClassroomOut]:
    return await rooms.list_taught(session, principal, archived, page.limit, page.cursor)


@router.get("/{classroom_id}", response_model=ClassroomOut, responses=ROOM)
async def get_classroom(access: RoomDep, session: SessionDep) -> ClassroomOut:
    return await rooms.classroom_out(session, access)


@router.patch(
    "/{classroom_id}",
    response_model=ClassroomOut,
    responses=WRITE,
    summary="Rename, change grade, age band or time zone; switch the join code off or on",
)
async def update_classroom(
    body: ClassroomPatch, access: WritableRoomDep, session: SessionDep
) -> ClassroomOut:
    return await rooms.update(session, access, body)


@router.delete(
    "/{classroom_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ROOM,
    summary="Archive the classroom (reports stay readable; the code stops working)",
)
async def delete_classroom(access: RoomDep, session: SessionDep) -> None:
    await rooms.archive(session, access)


@router.post(
    "/{classroom_id}/code",
    response_model=ClassroomOut,
    responses=WRITE,
    summary="A new join code; the old one stops working",
)
async def rotate_classroom_code(access: WritableRoomDep, session: SessionDep) -> ClassroomOut:
    return await rooms.rotate_code(session, access)


# --- co-teachers ------------------------------------------------------------------------------


@router.post(
    "/{classroom_id}/invites",
    status_code=status.HTTP_201_CREATED,
    response_model=InviteOut,
    responses=WRITE,
    summary="Invite a co-teacher by email address",
)
async def create_teacher_invite(
    body: InviteIn, access: WritableRoomDep, principal: TeacherDep, session: SessionDep
) -> InviteOut:
    return await teachers.invite(session, access, principal, str(body.email))


@router.delete(
    "/{classroom_id}/invites/{invite_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ROOM,
)
async def delete_teacher_invite(invite_id: uuid.UUID, access: RoomDep, session: SessionDep) -> None:
    await teachers.revoke_invite(session, access, invite_id)


@router.delete(
    "/{classroom_id}/teachers/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE,
    summary="Remove a co-teacher (the owner), or leave (a co-teacher)",
)
async def delete_classroom_teacher(
    account_id: uuid.UUID, access: RoomDep, principal: TeacherDep, session: SessionDep
) -> None:
    await teachers.remove_teacher(session, access, principal, account_id)


# --- members ----------------------------------------------------------------------------------


@router.get(
    "/{classroom_id}/members",
    response_model=Page[MemberOut],
    responses={**ROOM, **problem_responses(400)},
    summary="The explorers enrolled, first to join first: nickname, avatar and age band only",
)
async def list_classroom_members(
    access: RoomDep, session: SessionDep, page: PageParamsDep
) -> Page[MemberOut]:
    return await enrolment.members(session, access, page.limit, page.cursor)


@router.get(
    "/{classroom_id}/members/{profile_id}/avatar.svg",
    response_class=Response,
    responses={
        200: SVG_RESPONSE,
        304: {"description": "Not modified"},
        **ROOM,
    },
)
async def get_member_avatar_svg(
    profile_id: uuid.UUID,
    access: RoomDep,
    session: SessionDep,
    media_type: SvgTypeDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    svg = await enrolment.member_avatar(session, access, profile_id)
    etag = '"' + hashlib.sha256(svg.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(svg, media_type=media_type, headers=headers)


@router.delete(
    "/{classroom_id}/members/{profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ROOM,
    summary="Take an explorer out of the classroom",
)
async def delete_classroom_member(
    profile_id: uuid.UUID, access: RoomDep, session: SessionDep
) -> None:
    await enrolment.remove_member(session, access, profile_id)


# --- assignments ------------------------------------------------------------------------------


@router.post(
    "/{classroom_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentOut,
    responses={**WRITE, **IDEMPOTENT},
    summary="Assign videos, eBooks, DIYs and quizzes, due by a day of the classroom's calendar",
)
@idempotent
async def create_assignment(
    body: AssignmentIn,
    access: WritableRoomDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> AssignmentOut:
    """Creates an assignment at the end of the classroom's order. Retrying after a lost
    answer: send an `Idempotency-Key` and a retry answers the assignment the first request
    created instead of assigning the same work twice."""
    return await assignments.create(session, settings, access, body, clock())


@router.get(
    "/{classroom_id}/assignments",
    response_model=Page[AssignmentOut],
    responses={**ROOM, **problem_responses(400)},
    summary="The classroom's assignments in the teacher's order",
)
async def list_assignments(
    access: RoomDep, session: SessionDep, page: PageParamsDep, clock: ClockDep
) -> Page[AssignmentOut]:
    return await assignments.list_page(session, access, page.limit, page.cursor, clock())


@router.post(
    "/{classroom_id}/assignments/reorder",
    response_model=Page[AssignmentOut],
    responses=WRITE,
    summary="Put every assignment of the classroom in a new order",
)
async def reorder_assignments(
    body: ReorderIn, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> Page[AssignmentOut]:
    # Every assignment, in the new order: one page (`next_cursor` null).
    return Page[AssignmentOut](items=await assignments.reorder(session, access, body.ids, clock()))


@router.get(
    "/{classroom_id}/assignments/{assignment_id}", response_model=AssignmentOut, responses=ROOM
)
async def get_assignment(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    return await assignments.get_out(session, access, assignment_id, clock())


@router.patch(
    "/{classroom_id}/assignments/{assignment_id}", response_model=AssignmentOut, responses=WRITE
)
async def update_assignment(
    assignment_id: uuid.UUID,
    body: AssignmentPatch,
    access: WritableRoomDep,
    session: SessionDep,
    clock: ClockDep,
) -> AssignmentOut:
    return await assignments.update(session, access, assignment_id, body, clock())


@router.post(
    "/{classroom_id}/assignments/{assignment_id}/close",
    response_model=AssignmentOut,
    responses=WRITE,
)
async def close_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    return await assignments.set_closed(session, access, assignment_id, True, clock())


@router.post(
    "/{classroom_id}/assignments/{assignment_id}/reopen",
    response_model=AssignmentOut,
    responses=WRITE,
)
async def reopen_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    return await assignments.set_closed(session, access, assignment_id, False, clock())


@router.delete(
    "/{classroom_id}/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE,
)
async def delete_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep
) -> None:
    await assignments.delete(session, access, assignment_id)


# --- reports ----------------------------------------------------------------------------------


@router.get(
    "/{classroom_id}/assignments/{assignment_id}/report",
    response_model=AssignmentReport,
    responses=ROOM,
    summary="Per explorer and item: status, late or not, quiz scores",
)
async def get_assignment_report(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentReport:
    return await reports.assignment_report(session, access, assignment_id, clock())


@router.get(
    "/{classroom_id}/assignments/{assignment_id}/report.csv",
    response_class=Response,
    responses={**CSV, **ROOM},
)
async def get_assignment_report_csv(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> Response:
    text = await reports.assignment_csv(session, access, assignment_id, clock())
    return _csv(text, f"assignment-{assignment_id}.csv")


@router.get(
    "/{classroom_id}/report",
    response_model=ClassroomReport,
    responses=ROOM,
    summary="Every assignment summarised: per assignment and per explorer",
)
async def get_classroom_report(
    access: RoomDep, session: SessionDep, clock: ClockDep
) -> ClassroomReport:
    return await reports.classroom_report(session, access, clock())


@router.get("/{classroom_id}/report.csv", response_class=Response, responses={**CSV, **ROOM})
async def get_classroom_report_csv(
    access: RoomDep, session: SessionDep, clock: ClockDep
) -> Response:
    text = await reports.classroom_csv(session, access, clock())
    return _csv(text, f"classroom-{access.room.id}.csv")


# --- the explorer's side ---------------------------------------------------------------------


@profile_router.get(
    "/classrooms",
    response_model=Page[Enrolment],
    responses=problem_responses(400, 401, 403, 404),
    summary="The classrooms this explorer is in, by when they joined",
)
async def list_my_classrooms(
    profile: ProfileDep, session: SessionDep, page: PageParamsDep
) -> Page[Enrolment]:
    return await enrolment.classrooms_of(session, profile, page.limit, page.cursor)


@profile_router.post(
    "/classrooms",
    response_model=Enrolment,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": Enrolment}, **problem_responses(401, 403, 404, 409, 422, 429)},
    summary="Parents: enrol this explorer with the teacher's code (200 if already in)",
)
async def join_classroom(
    body: JoinIn,
    profile: ParentProfileDep,
    caller: CallerDep,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
    clock: ClockDep,
) -> Enrolment:
    joined, created = await enrolment.enrol(
        session,
        rate_limiter,
        settings,
        caller,
        client_ip(request),
        profile,
        body.code,
        clock(),
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return joined


@profile_router.delete(
    "/classrooms/{classroom_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404),
    summary="Parents: take this explorer out of a classroom",
)
async def leave_classroom(
    classroom_id: uuid.UUID, profile: ParentProfileDep, session: SessionDep
) -> None:
    await enrolment.leave(session, profile, classroom_id)


@profile_router.get(
    "/assignments",
    response_model=Page[MyAssignment],
    responses=problem_responses(401, 403, 404, 400),
    summary="The explorer's assignments: open ones first, by due date",
)
async def list_my_assignments(
    profile: ProfileDep, session: SessionDep, page: PageParamsDep, clock: ClockDep
) -> Page[MyAssignment]:
    return await explorer.assignments_for(session, profile, page.limit, page.cursor, clock())
