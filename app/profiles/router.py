"""`/profiles`: a parent's explorers, their avatars, and kid mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from app.auth.deps import EXPLORER, CallerDep, CurrentPrincipal, TokensDep
from app.avatars.deps import PartLocksDep
from app.avatars.schemas import AvatarSelection
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.http_cache import conditional_response
from app.core.idempotency import RESPONSES as IDEMPOTENT
from app.core.idempotency import idempotent
from app.core.pagination import Page
from app.core.parts import RateLimiterDep, SettingsDep
from app.data_rights import DataRightsDep
from app.profiles import service as profiles_service
from app.profiles.schemas import KidSession, KidSessionIn, ProfileCreate, ProfileOut, ProfileUpdate
from app.profiles.scope import ParentProfileDep, ProfileDep

router = APIRouter(prefix="/profiles", tags=["profiles"])


SCOPED = problem_responses(401, 403, 404)


@router.get("", response_model=Page[ProfileOut], responses=problem_responses(401, 403))
async def list_profiles(principal: CurrentPrincipal, session: SessionDep) -> Page[ProfileOut]:
    """The family's explorers, oldest first, in the envelope of every list. A family has at
    most a handful, so they come on one page (`next_cursor` is always null)."""
    profiles = await profiles_service.list_for(session, principal.account_id)
    return Page[ProfileOut](items=[ProfileOut.of(p) for p in profiles])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProfileOut,
    responses={**problem_responses(401, 403, 409, 422), **IDEMPOTENT},
    summary="Create an explorer (needs the current privacy notice accepted)",
)
@idempotent
async def create_profile(
    body: ProfileCreate, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> ProfileOut:
    """Creates an explorer of the signed-in family. Retrying after a lost answer: send an
    `Idempotency-Key` and a retry answers the explorer the first request created, instead of
    a second explorer or 409 `nickname_taken`."""
    profile = await profiles_service.create(session, settings, principal.account_id, body)
    return ProfileOut.of(profile)


@router.get("/{profile_id}", response_model=ProfileOut, responses=SCOPED)
async def get_profile(profile: ProfileDep) -> ProfileOut:
    return ProfileOut.of(profile)


@router.patch(
    "/{profile_id}", response_model=ProfileOut, responses=problem_responses(401, 403, 404, 409, 422)
)
async def update_profile(
    body: ProfileUpdate, profile: ParentProfileDep, session: SessionDep
) -> ProfileOut:
    return ProfileOut.of(await profiles_service.update(session, profile, body))


@router.delete(
    "/{profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SCOPED,
    summary="Delete an explorer and everything stored about them",
)
async def delete_profile(
    profile: ParentProfileDep, session: SessionDep, rights: DataRightsDep
) -> None:
    await profiles_service.delete(session, rights, profile)


@router.post(
    "/{profile_id}/session",
    response_model=KidSession,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="Start kid mode: an explorer token for this profile only",
)
async def start_kid_mode(
    profile: ParentProfileDep,
    caller: CallerDep,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    settings: SettingsDep,
    tokens: TokensDep,
    body: KidSessionIn | None = None,
) -> KidSession:
    pin = body.pin if body else None
    await profiles_service.start_kid_mode(session, rate_limiter, caller, pin)
    ttl = settings.explorer_token_hours * 3600
    token = tokens.issue(str(caller.account_id), EXPLORER, ttl_seconds=ttl, profile=str(profile.id))
    return KidSession(explorer_token=token, expires_in=ttl, profile=ProfileOut.of(profile))


@router.get("/{profile_id}/avatar", response_model=AvatarSelection, responses=SCOPED)
async def get_avatar(profile: ProfileDep) -> AvatarSelection:
    return AvatarSelection.model_validate(profile.avatar or {})


@router.put(
    "/{profile_id}/avatar",
    response_model=ProfileOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Choose one part per slot and their colours (the explorer may do this too)",
)
async def set_avatar(
    body: AvatarSelection, profile: ProfileDep, session: SessionDep, locks: PartLocksDep
) -> ProfileOut:
    """A part a badge unlocks can be chosen once the explorer earned that badge (409
    `part_locked` before); a part already worn stays. Sending the same choice again changes
    nothing."""
    return ProfileOut.of(await profiles_service.set_avatar(session, profile, body, locks))


@router.get(
    "/{profile_id}/avatar.svg",
    name="get_avatar_svg",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}},
        304: {"description": "Not modified"},
        **SCOPED,
    },
    summary="The composed avatar, drawn server-side",
)
async def avatar_svg(
    profile: ProfileDep,
    session: SessionDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    svg = await profiles_service.avatar_svg(session, profile)
    return conditional_response(
        svg, if_none_match, media_type="image/svg+xml", cache_control="private, max-age=300"
    )
