"""Explorer profiles: one per child, owned by a parent account."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.auth import revocation
from app.auth.deps import Caller
from app.avatars import service as avatars_service
from app.avatars.schemas import AvatarSelection
from app.core.config import Settings
from app.core.db import flush_unique
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.pagination import Page, build_page, decode_cursor, parse_datetime
from app.core.ratelimit import RateLimiter
from app.data_rights import DataRights, Scope
from app.profiles import queries
from app.profiles.models import Profile
from app.profiles.schemas import ProfileCreate, ProfileOut, ProfileUpdate

NICKNAME_TAKEN = "Another explorer in this family has that nickname."


async def list_for(session: AsyncSession, account_id: uuid.UUID) -> Sequence[Profile]:
    return await queries.of_account(session, account_id)


async def get(session: AsyncSession, profile_id: uuid.UUID) -> Profile | None:
    """A profile by id, for work no caller asked for (a scheduled report)."""
    return await session.get(Profile, profile_id)


async def page_for(
    session: AsyncSession, account_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[ProfileOut]:
    """A page of the family's explorers, oldest first (a family has a handful: one page,
    unless `limit` asks for fewer)."""
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.page_of_account(session, account_id, after, limit + 1)
    return build_page(rows, limit, lambda p: (p.created_at, p.id), ProfileOut.of)


async def get_for(session: AsyncSession, caller: Caller, profile_id: uuid.UUID) -> Profile:
    """The profile if the caller may see it: a parent its own family's, an explorer only its
    own. Anything else is 404, exactly like an id that does not exist."""
    if caller.is_explorer and caller.profile_id != profile_id:
        raise NotFound("No such explorer.")
    profile = await session.get(Profile, profile_id)
    if profile is None or profile.account_id != caller.account_id:
        raise NotFound("No such explorer.")
    return profile


async def _lock_account(session: AsyncSession, account_id: uuid.UUID) -> None:
    # Serialises profile creation per family, so the limit holds under concurrent requests.
    await queries.lock_account(session, account_id)


async def create(
    session: AsyncSession, settings: Settings, account_id: uuid.UUID, body: ProfileCreate
) -> Profile:
    await accounts_service.require_consent(session, account_id)
    await _lock_account(session, account_id)
    count = await queries.count_of_account(session, account_id)
    if count >= settings.max_profiles_per_account:
        raise Conflict(
            f"A family can have at most {settings.max_profiles_per_account} explorers.",
            code="profile_limit",
        )
    profile = Profile(
        account_id=account_id,
        nickname=body.nickname,
        age_band=body.age_band.value,
        language=body.language,
        read_aloud=body.read_aloud,
        narration_speed=body.narration_speed,
    )
    session.add(profile)
    await flush_unique(session, "uq_profile_account_nickname", NICKNAME_TAKEN, "nickname_taken")
    await session.refresh(profile)
    return profile


async def update(session: AsyncSession, profile: Profile, body: ProfileUpdate) -> Profile:
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is None:
            continue  # null leaves a field as it is: every field of a profile has a value
        setattr(profile, field, value.value if field == "age_band" else value)
    await flush_unique(session, "uq_profile_account_nickname", NICKNAME_TAKEN, "nickname_taken")
    await session.refresh(profile)
    return profile


async def set_avatar(
    session: AsyncSession,
    profile: Profile,
    selection: AvatarSelection,
    locks: Sequence[avatars_service.PartLocks] = (),
) -> Profile:
    await avatars_service.validate_selection(session, selection)
    locked = await avatars_service.locked_parts(session, locks, profile.id)
    current = AvatarSelection.model_validate(profile.avatar or {})
    avatars_service.check_unlocked(selection, current, locked)
    profile.avatar = selection.model_dump(mode="json")
    await session.flush()
    await session.refresh(profile)
    return profile


async def avatar_svg(session: AsyncSession, profile: Profile) -> str:
    return await avatars_service.render(
        session, AvatarSelection.model_validate(profile.avatar or {})
    )


async def delete(session: AsyncSession, rights: DataRights, profile: Profile) -> None:
    await rights.schedule_file_removal(session, Scope(profile.account_id, profile.id))
    await session.delete(profile)  # the database cascades to everything of this profile
    await session.flush()
    # Its explorer tokens stop working everywhere once this commits.
    revocation.profile_deleted(session, profile.id)


async def start_kid_mode(
    session: AsyncSession, limiter: RateLimiter, caller: Caller, pin: str | None
) -> None:
    """Checks consent and the parent PIN before an explorer token is issued."""
    await accounts_service.require_consent(session, caller.account_id)
    account = await accounts_service.get_or_404(session, caller.account_id)
    if account.disabled_at is not None:
        raise Forbidden("This account is disabled.", code="account_disabled")
    await accounts_service.check_pin(limiter, account, pin)


async def export_profiles(session: AsyncSession, account_id: uuid.UUID) -> list[dict[str, Any]]:
    return [ProfileOut.of(p).model_dump(mode="json") for p in await list_for(session, account_id)]
