"""Co-teachers: invited by email address, they accept once signed in with it (and after
confirming it); they see and manage everything but cannot remove the owner."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.auth.deps import Principal
from app.classrooms import queries
from app.classrooms.access import Access, role_in
from app.classrooms.models import Classroom, CoTeacher, TeacherInvite
from app.classrooms.people import display_name
from app.classrooms.rooms import classroom_out, invite_out
from app.classrooms.schemas import ClassroomOut, InviteOut, TeacherRole
from app.core.db import flush_unique
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.pagination import Page, build_page, cursor_values, parse_datetime
from app.emails import service as email_service


async def invite(
    session: AsyncSession, access: Access, inviter: Principal, email: str
) -> InviteOut:
    email = email.lower()
    room = access.room
    invitee = await accounts_service.get_by_email(session, email)
    if invitee is not None and await role_in(session, room, invitee.id) is not None:
        raise Conflict("That teacher already teaches this classroom.", code="already_teacher")
    row = TeacherInvite(classroom_id=room.id, email=email, invited_by=inviter.account_id)
    session.add(row)
    await flush_unique(
        session,
        "uq_classroom_invite_pending",
        "That address has been invited already.",
        code="already_invited",
    )
    await session.refresh(row)
    inviter_name = await display_name(session, inviter.account_id) or "A teacher"
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
    return invite_out(row, room.name)


async def my_invites(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> Page[InviteOut]:
    account = await accounts_service.get_or_404(session, principal.account_id)
    after = cursor_values(cursor, parse_datetime, uuid.UUID)
    rows = await queries.invites_for(session, account.email, after, limit + 1)
    return build_page(rows, limit, lambda r: (r.created_at, r.id), lambda r: invite_out(r, r.name))


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
    if await role_in(session, room, account.id) is None:
        session.add(CoTeacher(classroom_id=room.id, account_id=account.id))
    await session.flush()
    return await classroom_out(session, Access(room, await role_in(session, room, account.id)))


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
