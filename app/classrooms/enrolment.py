"""Enrolment: a parent finds a classroom by its code and enrols their child, and may take
them out at any time; teachers see the members and may remove one.

A wrong code and a switched-off one are the same 404, and codes are throttled per account
and per client address: each one typed is counted before it is checked."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import Caller, Principal
from app.avatars import service as avatars_service
from app.avatars.schemas import AvatarSelection
from app.classrooms import queries
from app.classrooms.access import Access
from app.classrooms.models import Classroom
from app.classrooms.people import avatar_url, card, profiles
from app.classrooms.schemas import ClassroomCard, Enrolment, MemberOut
from app.core.config import Settings
from app.core.errors import Conflict, NotFound
from app.core.pagination import Page, build_page, cursor_values, page_cursor, parse_datetime
from app.core.ratelimit import Limit, RateLimiter
from app.profiles.models import Profile

# Codes typed per window, right or wrong: per account, and per client address (a school's
# network shares one address, so it gets more).
CODE_LIMIT_ACCOUNT = Limit(times=10, seconds=15 * 60)
CODE_LIMIT_IP = Limit(times=30, seconds=15 * 60)
WRONG_CODE = "No classroom has that code, or it is switched off. Check it with the teacher."


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


async def _by_code(
    session: AsyncSession, limiter: RateLimiter, account_id: uuid.UUID, ip: str, code: str
) -> Classroom:
    # Counted before the code is looked at, in one atomic step per budget: however many
    # guesses arrive at once, only the budget's worth get an answer. Right codes count too:
    # the limiter cannot give a counted attempt back.
    await limiter.hit("classroom-code-account", str(account_id), CODE_LIMIT_ACCOUNT)
    await limiter.hit("classroom-code-ip", ip, CODE_LIMIT_IP)
    room = await queries.by_code(session, normalise_code(code))
    if room is None:
        raise NotFound(WRONG_CODE, code="classroom_code_unknown")
    return room


async def lookup(
    session: AsyncSession, limiter: RateLimiter, principal: Principal, ip: str, code: str
) -> ClassroomCard:
    return await card(session, await _by_code(session, limiter, principal.account_id, ip, code))


async def enrol(
    session: AsyncSession,
    limiter: RateLimiter,
    settings: Settings,
    caller: Caller,
    ip: str,
    profile: Profile,
    code: str,
    now: datetime,
) -> tuple[Enrolment, bool]:
    room = await _by_code(session, limiter, caller.account_id, ip, code)
    # The code is shared with a whole class: the cap holds however many join at once.
    await queries.lock_classroom(session, room.id)
    row = await queries.membership(session, room.id, profile.id)
    created = False
    if row is None:
        if await queries.member_count(session, room.id) >= settings.classroom_max_members:
            raise Conflict(
                f"This classroom already has {settings.classroom_max_members} explorers, "
                "the most it can have. Ask the teacher.",
                code="classroom_full",
            )
        created = await queries.enrol(session, room.id, profile.id, now)
        row = await queries.membership(session, room.id, profile.id)
    assert row is not None
    return (
        Enrolment(
            classroom=await card(session, room), profile_id=profile.id, joined_at=row.joined_at
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
                classroom=await card(session, row),
                profile_id=row.profile_id,
                joined_at=row.joined_at,
            )
            for row in page.items
        ],
        next_cursor=page.next_cursor,
    )


# --- members, as teachers see them -------------------------------------------------------------


async def members(
    session: AsyncSession, access: Access, limit: int, cursor: str | None
) -> Page[MemberOut]:
    """Oldest member first: an order a keyset can walk (nicknames change)."""
    after = cursor_values(cursor, parse_datetime, uuid.UUID)
    rows = await queries.members_page(session, access.room.id, after, limit + 1)
    found = await profiles(session, [r.profile_id for r in rows[:limit]])
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
            if (p := found.get(r.profile_id)) is not None
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
