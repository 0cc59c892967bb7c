"""`/classrooms` for teachers (and the parent's code lookup), and the explorer's classrooms and
assignments under `/profiles/{profile_id}`."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from app.accounts.models import Role
from app.auth.deps import CallerDep, CurrentPrincipal, Principal, require_roles
from app.classrooms import alerts, assignments, enrolment, explorer, reports, rooms, teachers
from app.classrooms.access import Access, teacher_access
from app.classrooms.examples import (
    ACCEPT_TEACHER_INVITE_OUT,
    ALERTS_IN,
    ASSIGNMENT_IN,
    ASSIGNMENT_PATCH,
    CLASSROOM_IN,
    CLASSROOM_PATCH,
    CLOSE_ASSIGNMENT_OUT,
    CREATE_ASSIGNMENT_OUT,
    CREATE_CLASSROOM_OUT,
    CREATE_TEACHER_INVITE_OUT,
    GET_ASSIGNMENT_OUT,
    GET_ASSIGNMENT_REPORT_CSV_CSV,
    GET_ASSIGNMENT_REPORT_OUT,
    GET_CLASSROOM_ALERTS_OUT,
    GET_CLASSROOM_BY_CODE_OUT,
    GET_CLASSROOM_OUT,
    GET_CLASSROOM_REPORT_CSV_CSV,
    GET_CLASSROOM_REPORT_OUT,
    GET_MEMBER_AVATAR_SVG_SVG,
    INVITE_IN,
    JOIN_CLASSROOM_OUT,
    JOIN_IN,
    LIST_ASSIGNMENTS_OUT,
    LIST_CLASSROOM_MEMBERS_OUT,
    LIST_CLASSROOMS_OUT,
    LIST_MY_ASSIGNMENTS_OUT,
    LIST_MY_CLASSROOMS_OUT,
    LIST_MY_INVITES_OUT,
    PUT_CLASSROOM_ALERTS_OUT,
    REOPEN_ASSIGNMENT_OUT,
    REORDER_ASSIGNMENTS_OUT,
    REORDER_IN,
    ROTATE_CLASSROOM_CODE_OUT,
    UPDATE_ASSIGNMENT_OUT,
    UPDATE_CLASSROOM_OUT,
)
from app.classrooms.schemas import (
    AlertsIn,
    AlertsOut,
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
from app.core.examples import request_example, response_example
from app.core.http_cache import SvgTypeDep, svg_answer
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


def csv_answer(example: str) -> dict[int | str, dict[str, Any]]:
    """The 200 of a CSV report: a string, with its example."""
    return {
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
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
    responses={
        **problem_responses(401, 403, 404, 422, 429),
        **response_example(200, GET_CLASSROOM_BY_CODE_OUT),
    },
    summary="Find the classroom a join code belongs to, before joining.",
)
async def get_classroom_by_code(
    code: Annotated[Code, Query()],
    principal: CurrentPrincipal,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    request: Request,
) -> ClassroomCard:
    """Answers the classroom's name and teacher for a join code, so a parent can check it before
    enrolling a child.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** an unknown, switched-off or archived code is a 404 `classroom_code_unknown`;
    lookups are rate limited (429).

    **Retries:** a read; repeating it changes nothing.
    """
    return await enrolment.lookup(session, rate_limiter, principal, client_ip(request), code)


@router.get(
    "/invites",
    response_model=Page[InviteOut],
    responses={
        **TEACHER,
        **problem_responses(400),
        **response_example(200, LIST_MY_INVITES_OUT),
    },
    summary="List invitations to co-teach sent to the signed-in teacher, oldest first.",
)
async def list_my_invites(
    principal: TeacherDep, session: SessionDep, page: PageParamsDep
) -> Page[InviteOut]:
    """Lists the open invitations to co-teach addressed to the caller's email.

    **Who may call:** teachers and admins; any other grown-up or an explorer is refused (403),
    anonymous callers 401.

    **Rules:** none beyond the caller's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await teachers.my_invites(session, principal, page.limit, page.cursor)


@router.post(
    "/invites/{invite_id}/accept",
    response_model=ClassroomOut,
    responses={
        **ROOM,
        **response_example(200, ACCEPT_TEACHER_INVITE_OUT),
    },
    summary="Accept an invitation to co-teach.",
)
async def accept_teacher_invite(
    invite_id: uuid.UUID, principal: TeacherDep, session: SessionDep
) -> ClassroomOut:
    """Makes the caller a co-teacher of the inviting classroom.

    **Who may call:** teachers and admins; any other grown-up or an explorer is refused (403),
    anonymous callers 401.

    **Rules:** the invitation must be addressed to this account's confirmed email (404
    `invite_not_found`, 403 `email_not_verified`); a teacher already in it gets 409
    `already_teacher`.

    **Retries:** a repeat after success is a 404 (the invitation is used).
    """
    return await teachers.accept_invite(session, principal, invite_id)


# --- classrooms -------------------------------------------------------------------------------


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClassroomOut,
    responses={
        **TEACHER,
        **IDEMPOTENT,
        **response_example(201, CREATE_CLASSROOM_OUT),
    },
    summary="Create a classroom; the answer holds its join code.",
    openapi_extra=request_example(CLASSROOM_IN),
)
@idempotent
async def create_classroom(
    body: ClassroomIn, principal: TeacherDep, session: SessionDep
) -> ClassroomOut:
    """Creates a classroom the teacher owns, with a join code for parents.

    **Who may call:** teachers and admins; any other grown-up or an explorer is refused (403),
    anonymous callers 401.

    **Rules:** a display name must be set on the account first (422 `display_name_required`).

    **Retries:** send an `Idempotency-Key`: a retry answers the classroom the first request
    created (the same id and code) instead of creating a second one; without it each request
    creates another.
    """
    return await rooms.create(session, principal, body)


@router.get(
    "",
    response_model=Page[ClassroomOut],
    responses={
        **TEACHER,
        **problem_responses(400),
        **response_example(200, LIST_CLASSROOMS_OUT),
    },
    summary="List the classrooms the teacher owns or co-teaches, newest first.",
)
async def list_classrooms(
    principal: TeacherDep,
    session: SessionDep,
    page: PageParamsDep,
    archived: Annotated[bool, Query(description="Archived ones instead")] = False,
) -> Page[ClassroomOut]:
    """Lists the caller's classrooms (owned or co-taught; admins: every classroom) in cursor pages.

    **Who may call:** teachers and admins; any other grown-up or an explorer is refused (403),
    anonymous callers 401.

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await rooms.list_taught(session, principal, archived, page.limit, page.cursor)


@router.get(
    "/{classroom_id}",
    response_model=ClassroomOut,
    responses={**ROOM, **response_example(200, GET_CLASSROOM_OUT)},
    summary="Read one classroom.",
)
async def get_classroom(access: RoomDep, session: SessionDep) -> ClassroomOut:
    """Answers the classroom: name, grade, age band, time zone, join code and whether it is on, its
    teachers and the number of explorers.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** none beyond the classroom's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await rooms.classroom_out(session, access)


@router.get(
    "/{classroom_id}/alerts",
    name="get_classroom_alerts",
    response_model=AlertsOut,
    responses={**ROOM, **response_example(200, GET_CLASSROOM_ALERTS_OUT)},
    summary="Read whether I am told when an explorer of this classroom may need help.",
)
async def get_alerts(access: RoomDep, principal: TeacherDep, session: SessionDep) -> AlertsOut:
    """Answers the caller's own choice for this classroom: `help_needed` is true (the default)
    unless they turned the alerts off here.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** none beyond the classroom's scope; an archived classroom is read as any other.

    **Retries:** a read; repeating it changes nothing.
    """
    on = await alerts.alerts_on(session, access.room.id, principal.account_id)
    return AlertsOut(help_needed=on)


@router.put(
    "/{classroom_id}/alerts",
    name="put_classroom_alerts",
    response_model=AlertsOut,
    responses={**ROOM, **response_example(200, PUT_CLASSROOM_ALERTS_OUT)},
    summary="Turn my help-needed alerts for this classroom off or back on.",
    openapi_extra=request_example(ALERTS_IN),
)
async def put_alerts(
    body: AlertsIn, access: RoomDep, principal: TeacherDep, session: SessionDep
) -> AlertsOut:
    """Turns off (or back on) the alerts the caller gets when an enrolled explorer's standing
    on an assigned quiz becomes `help_needed` (one notification per explorer and assignment,
    in the inbox, on the stream and pushed), for the caller in this classroom only: the other
    teachers' choices and other classrooms are untouched. Answers the choice now in force.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401. Alerts go to
    the classroom's teachers only, so an admin who does not teach it stores a choice that
    changes nothing they receive.

    **Rules:** `help_needed` must be a JSON boolean and no other field is accepted (422
    `validation_error`); the choice may be set in an archived classroom too.

    **Retries:** idempotent: the same body again leaves the same choice.
    """
    on = await alerts.set_alerts(session, access.room.id, principal.account_id, body.help_needed)
    return AlertsOut(help_needed=on)


@router.patch(
    "/{classroom_id}",
    response_model=ClassroomOut,
    responses={
        **WRITE,
        **response_example(200, UPDATE_CLASSROOM_OUT),
    },
    summary="Rename a classroom, change its grade, age band or time zone, or switch its code.",
    openapi_extra=request_example(CLASSROOM_PATCH),
)
async def update_classroom(
    body: ClassroomPatch, access: WritableRoomDep, session: SessionDep
) -> ClassroomOut:
    """Changes the fields sent; the others keep their value.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an archived classroom cannot change (409 `classroom_archived`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return await rooms.update(session, access, body)


@router.delete(
    "/{classroom_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ROOM,
    summary="Archive a classroom: reports stay readable and the code stops working.",
)
async def delete_classroom(access: RoomDep, session: SessionDep) -> None:
    """Archives the classroom: its explorers no longer see its assignments, its code stops working,
    its reports stay readable.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** only the owner (or an admin) may archive it (409 `owner_only`).

    **Retries:** idempotent: archiving it again leaves it archived.
    """
    await rooms.archive(session, access)


@router.post(
    "/{classroom_id}/code",
    response_model=ClassroomOut,
    responses={
        **WRITE,
        **response_example(200, ROTATE_CLASSROOM_CODE_OUT),
    },
    summary="Make a new join code; the old one stops working.",
)
async def rotate_classroom_code(access: WritableRoomDep, session: SessionDep) -> ClassroomOut:
    """Answers the classroom with a new join code; the old code stops working at once.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an archived classroom has no code (409 `classroom_archived`).

    **Retries:** not idempotent: each request makes another code.
    """
    return await rooms.rotate_code(session, access)


# --- co-teachers ------------------------------------------------------------------------------


@router.post(
    "/{classroom_id}/invites",
    status_code=status.HTTP_201_CREATED,
    response_model=InviteOut,
    responses={
        **WRITE,
        **response_example(201, CREATE_TEACHER_INVITE_OUT),
    },
    summary="Invite a co-teacher by email address.",
    openapi_extra=request_example(INVITE_IN),
)
async def create_teacher_invite(
    body: InviteIn, access: WritableRoomDep, principal: TeacherDep, session: SessionDep
) -> InviteOut:
    """Emails an invitation to co-teach this classroom to the address.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** only the owner invites (409 `owner_only`); an address already invited or already
    teaching is a 409 (`already_invited`, `already_teacher`).

    **Retries:** a repeat after success is a 409 `already_invited`: it counts once.
    """
    return await teachers.invite(session, access, principal, str(body.email))


@router.delete(
    "/{classroom_id}/invites/{invite_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ROOM,
    summary="Withdraw an invitation to co-teach.",
)
async def delete_teacher_invite(invite_id: uuid.UUID, access: RoomDep, session: SessionDep) -> None:
    """Deletes an open invitation of this classroom.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** only the owner withdraws (409 `owner_only`); an unknown invitation is a 404.

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await teachers.revoke_invite(session, access, invite_id)


@router.delete(
    "/{classroom_id}/teachers/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE,
    summary="Remove a co-teacher, or leave a classroom as one.",
)
async def delete_classroom_teacher(
    account_id: uuid.UUID, access: RoomDep, principal: TeacherDep, session: SessionDep
) -> None:
    """The owner removes a co-teacher; a co-teacher names themself to leave.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** the owner stays (409 `owner_stays`); a co-teacher removes only themself (403
    `owner_only`).

    **Retries:** a repeat after success is a 404 and removes nothing more.
    """
    await teachers.remove_teacher(session, access, principal, account_id)


# --- members ----------------------------------------------------------------------------------


@router.get(
    "/{classroom_id}/members",
    response_model=Page[MemberOut],
    responses={
        **ROOM,
        **problem_responses(400),
        **response_example(200, LIST_CLASSROOM_MEMBERS_OUT),
    },
    summary="List the explorers enrolled, first to join first.",
)
async def list_classroom_members(
    access: RoomDep, session: SessionDep, page: PageParamsDep
) -> Page[MemberOut]:
    """Lists the classroom's explorers with only what a teacher needs: nickname, avatar and age
    band.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await enrolment.members(session, access, page.limit, page.cursor)


@router.get(
    "/{classroom_id}/members/{profile_id}/avatar.svg",
    response_class=Response,
    responses={
        200: svg_answer(GET_MEMBER_AVATAR_SVG_SVG),
        304: {"description": "Not modified"},
        **ROOM,
    },
    summary="Draw an enrolled explorer's avatar as SVG.",
)
async def get_member_avatar_svg(
    profile_id: uuid.UUID,
    access: RoomDep,
    session: SessionDep,
    media_type: SvgTypeDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Answers the avatar of an explorer of this classroom, drawn server-side as SVG.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an explorer not in the classroom is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
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
    summary="Take an explorer out of the classroom.",
)
async def delete_classroom_member(
    profile_id: uuid.UUID, access: RoomDep, session: SessionDep
) -> None:
    """Ends the explorer's enrolment; the explorer's progress is kept by the family.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an explorer not in the classroom is a 404 `not_enrolled`.

    **Retries:** a repeat after success is a 404 and changes nothing more.
    """
    await enrolment.remove_member(session, access, profile_id)


# --- assignments ------------------------------------------------------------------------------


@router.post(
    "/{classroom_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentOut,
    responses={
        **WRITE,
        **IDEMPOTENT,
        **response_example(201, CREATE_ASSIGNMENT_OUT),
    },
    summary="Assign videos, eBooks, DIY projects and quizzes, due by a day of the class.",
    openapi_extra=request_example(ASSIGNMENT_IN),
)
@idempotent
async def create_assignment(
    body: AssignmentIn,
    access: WritableRoomDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> AssignmentOut:
    """Creates an assignment at the end of the classroom's order, for every explorer enrolled.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** every item must be published (422 `invalid_items`); the due date is today or
    later in the classroom's time zone (422 `due_date_past`); a classroom has a bounded number
    of open assignments (409 `assignment_limit`); an archived classroom takes none (409
    `classroom_archived`).

    **Retries:** send an `Idempotency-Key`: a retry answers the assignment the first request
    created instead of assigning the same work twice; without it each request creates another.
    """
    return await assignments.create(session, settings, access, body, clock())


@router.get(
    "/{classroom_id}/assignments",
    response_model=Page[AssignmentOut],
    responses={
        **ROOM,
        **problem_responses(400),
        **response_example(200, LIST_ASSIGNMENTS_OUT),
    },
    summary="List the classroom's assignments in the teacher's order.",
)
async def list_assignments(
    access: RoomDep, session: SessionDep, page: PageParamsDep, clock: ClockDep
) -> Page[AssignmentOut]:
    """Lists the classroom's assignments, open and closed, in the order the teacher set.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await assignments.list_page(session, access, page.limit, page.cursor, clock())


@router.post(
    "/{classroom_id}/assignments/reorder",
    response_model=Page[AssignmentOut],
    responses={
        **WRITE,
        **response_example(200, REORDER_ASSIGNMENTS_OUT),
    },
    summary="Put every assignment of the classroom in a new order.",
    openapi_extra=request_example(REORDER_IN),
)
async def reorder_assignments(
    body: ReorderIn, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> Page[AssignmentOut]:
    """Sets the order of the classroom's assignments to the list sent, and answers every
    assignment in the new order as one page (`next_cursor` null).

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** the list names every assignment of the classroom exactly once (409
    `incomplete_order`).

    **Retries:** idempotent: the same list again gives the same order.
    """
    return Page[AssignmentOut](items=await assignments.reorder(session, access, body.ids, clock()))


@router.get(
    "/{classroom_id}/assignments/{assignment_id}",
    response_model=AssignmentOut,
    responses={
        **ROOM,
        **response_example(200, GET_ASSIGNMENT_OUT),
    },
    summary="Read one assignment.",
)
async def get_assignment(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    """Answers the assignment: its items, instructions, due date and whether it is open.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an assignment of another classroom is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await assignments.get_out(session, access, assignment_id, clock())


@router.patch(
    "/{classroom_id}/assignments/{assignment_id}",
    response_model=AssignmentOut,
    responses={
        **WRITE,
        **response_example(200, UPDATE_ASSIGNMENT_OUT),
    },
    summary="Change an assignment's title, instructions, items or due date.",
    openapi_extra=request_example(ASSIGNMENT_PATCH),
)
async def update_assignment(
    assignment_id: uuid.UUID,
    body: AssignmentPatch,
    access: WritableRoomDep,
    session: SessionDep,
    clock: ClockDep,
) -> AssignmentOut:
    """Changes the fields sent; the others keep their value.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** the same rules as creating it (422 `invalid_items`, `due_date_past`); an archived
    classroom cannot change (409 `classroom_archived`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return await assignments.update(session, access, assignment_id, body, clock())


@router.post(
    "/{classroom_id}/assignments/{assignment_id}/close",
    response_model=AssignmentOut,
    responses={
        **WRITE,
        **response_example(200, CLOSE_ASSIGNMENT_OUT),
    },
    summary="Close an assignment: explorers can no longer hand it in.",
)
async def close_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    """Closes the assignment; its report stays readable.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an assignment of another classroom is a 404.

    **Retries:** idempotent: closing it again leaves it closed.
    """
    return await assignments.set_closed(session, access, assignment_id, True, clock())


@router.post(
    "/{classroom_id}/assignments/{assignment_id}/reopen",
    response_model=AssignmentOut,
    responses={
        **WRITE,
        **response_example(200, REOPEN_ASSIGNMENT_OUT),
    },
    summary="Reopen a closed assignment.",
)
async def reopen_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentOut:
    """Opens the assignment again for its explorers.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an archived classroom cannot change (409 `classroom_archived`); an assignment of
    another classroom is a 404.

    **Retries:** idempotent: reopening it again leaves it open.
    """
    return await assignments.set_closed(session, access, assignment_id, False, clock())


@router.delete(
    "/{classroom_id}/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE,
    summary="Delete an assignment and its report.",
)
async def delete_assignment(
    assignment_id: uuid.UUID, access: WritableRoomDep, session: SessionDep
) -> None:
    """Deletes the assignment; explorers' progress on its items is kept.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an assignment of another classroom is a 404.

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await assignments.delete(session, access, assignment_id)


# --- reports ----------------------------------------------------------------------------------


@router.get(
    "/{classroom_id}/assignments/{assignment_id}/report",
    response_model=AssignmentReport,
    responses={
        **ROOM,
        **response_example(200, GET_ASSIGNMENT_REPORT_OUT),
    },
    summary="Report an assignment per explorer and item: status, late or not, quiz scores.",
)
async def get_assignment_report(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> AssignmentReport:
    """Answers, for each explorer enrolled and each item, whether it is done, when, whether late,
    and quiz scores.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an assignment of another classroom is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await reports.assignment_report(session, access, assignment_id, clock())


@router.get(
    "/{classroom_id}/assignments/{assignment_id}/report.csv",
    response_class=Response,
    responses={
        **csv_answer(GET_ASSIGNMENT_REPORT_CSV_CSV),
        **ROOM,
    },
    summary="Download an assignment's report as CSV.",
)
async def get_assignment_report_csv(
    assignment_id: uuid.UUID, access: RoomDep, session: SessionDep, clock: ClockDep
) -> Response:
    """The assignment's report as a CSV file for a spreadsheet, one row per explorer and item.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** an assignment of another classroom is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    text = await reports.assignment_csv(session, access, assignment_id, clock())
    return _csv(text, f"assignment-{assignment_id}.csv")


@router.get(
    "/{classroom_id}/report",
    response_model=ClassroomReport,
    responses={
        **ROOM,
        **response_example(200, GET_CLASSROOM_REPORT_OUT),
    },
    summary="Summarise every assignment of the classroom, per assignment and per explorer.",
)
async def get_classroom_report(
    access: RoomDep, session: SessionDep, clock: ClockDep
) -> ClassroomReport:
    """Answers the classroom's report: per assignment how many explorers finished it, per explorer
    how many assignments they finished.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** none beyond the classroom's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await reports.classroom_report(session, access, clock())


@router.get(
    "/{classroom_id}/report.csv",
    response_class=Response,
    responses={
        **csv_answer(GET_CLASSROOM_REPORT_CSV_CSV),
        **ROOM,
    },
    summary="Download the classroom's report as CSV.",
)
async def get_classroom_report_csv(
    access: RoomDep, session: SessionDep, clock: ClockDep
) -> Response:
    """The classroom's report as a CSV file for a spreadsheet.

    **Who may call:** that classroom's teachers (owner and co-teachers) and admins; another
    teacher gets 404, other grown-ups and explorers 403, anonymous callers 401.

    **Rules:** none beyond the classroom's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    text = await reports.classroom_csv(session, access, clock())
    return _csv(text, f"classroom-{access.room.id}.csv")


# --- the explorer's side ---------------------------------------------------------------------


@profile_router.get(
    "/classrooms",
    response_model=Page[Enrolment],
    responses={
        **problem_responses(400, 401, 403, 404),
        **response_example(200, LIST_MY_CLASSROOMS_OUT),
    },
    summary="List the classrooms this explorer is in, by when they joined.",
)
async def list_my_classrooms(
    profile: ProfileDep, session: SessionDep, page: PageParamsDep
) -> Page[Enrolment]:
    """Lists the explorer's classrooms with their names and teachers.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await enrolment.classrooms_of(session, profile, page.limit, page.cursor)


@profile_router.post(
    "/classrooms",
    response_model=Enrolment,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": Enrolment,
            "content": {"application/json": {"example": JOIN_CLASSROOM_OUT}},
        },
        **problem_responses(401, 403, 404, 409, 422, 429),
        **response_example(201, JOIN_CLASSROOM_OUT),
    },
    summary="Enrol this explorer in a classroom with the teacher's code.",
    openapi_extra=request_example(JOIN_IN),
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
    """Enrols the explorer with the classroom's join code (201; 200 when already enrolled).

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** an unknown, switched-off or archived code is a 404 `classroom_code_unknown`; a
    full classroom 409 `classroom_full`.

    **Retries:** idempotent: joining again answers the enrolment (200) and changes nothing.
    """
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
    summary="Take this explorer out of a classroom.",
)
async def leave_classroom(
    classroom_id: uuid.UUID, profile: ParentProfileDep, session: SessionDep
) -> None:
    """Ends the explorer's enrolment in the classroom.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** a classroom the explorer is not in is a 404 `not_enrolled`.

    **Retries:** a repeat after success is a 404 and changes nothing more.
    """
    await enrolment.leave(session, profile, classroom_id)


@profile_router.get(
    "/assignments",
    response_model=Page[MyAssignment],
    responses={
        **problem_responses(401, 403, 404, 400),
        **response_example(200, LIST_MY_ASSIGNMENTS_OUT),
    },
    summary="List the explorer's assignments: open ones first, by due date.",
)
async def list_my_assignments(
    profile: ProfileDep, session: SessionDep, page: PageParamsDep, clock: ClockDep
) -> Page[MyAssignment]:
    """Lists the assignments of every classroom the explorer is in, with what is done.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await explorer.assignments_for(session, profile, page.limit, page.cursor, clock())
