"""`/profiles`: a parent's explorers, their avatars, and kid mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status

from app.auth.deps import EXPLORER, CallerDep, CurrentPrincipal, TokensDep
from app.avatars.deps import PartLocksDep
from app.avatars.schemas import AvatarSelection
from app.core.db import SessionDep
from app.core.errors import invalid_field, problem_responses
from app.core.examples import request_example, response_example
from app.core.http_cache import SvgTypeDep, conditional_response, svg_answer
from app.core.idempotency import RESPONSES as IDEMPOTENT
from app.core.idempotency import idempotent
from app.core.pagination import Page, PageParamsDep
from app.core.parts import RateLimiterDep, SettingsDep
from app.data_rights import DataRightsDep
from app.profiles import service as profiles_service
from app.profiles.examples import (
    AVATAR_SELECTION,
    CREATE_PROFILE_OUT,
    GET_AVATAR_OUT,
    GET_AVATAR_SVG_SVG,
    GET_PROFILE_OUT,
    KID_SESSION,
    LIST_PROFILES_OUT,
    PROFILE_IN,
    PROFILE_UPDATE,
    SET_AVATAR_OUT,
    START_KID_MODE_OUT,
    UPDATE_PROFILE_OUT,
)
from app.profiles.schemas import KidSession, KidSessionIn, ProfileCreate, ProfileOut, ProfileUpdate
from app.profiles.scope import ParentProfileDep, ProfileDep

router = APIRouter(prefix="/profiles", tags=["profiles"])


SCOPED = problem_responses(401, 403, 404)


@router.get(
    "",
    response_model=Page[ProfileOut],
    responses={
        **problem_responses(400, 401, 403, 422),
        **response_example(200, LIST_PROFILES_OUT),
    },
    summary="List the family's explorers, oldest first.",
)
async def list_profiles(
    principal: CurrentPrincipal, session: SessionDep, page: PageParamsDep
) -> Page[ProfileOut]:
    """The family's explorers, oldest first, a page at a time like every list (a family has at
    most a handful: with the default `limit` they come on one page).

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** `limit` and `cursor` as in every list (400 for a cursor that is not one).

    **Retries:** a read; repeating it changes nothing.
    """
    return await profiles_service.page_for(session, principal.account_id, page.limit, page.cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProfileOut,
    responses={
        **problem_responses(401, 403, 409, 422),
        **IDEMPOTENT,
        **response_example(201, CREATE_PROFILE_OUT),
    },
    summary="Create an explorer; the current privacy notice must be accepted.",
    openapi_extra=request_example(PROFILE_IN),
)
@idempotent
async def create_profile(
    body: ProfileCreate, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> ProfileOut:
    """Creates an explorer of the signed-in family: nickname, age band, avatar and preferences only
    (never a child's name, email or birth date).

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** the current privacy notice must be accepted (403 `consent_required`); a nickname
    is unique in the family (409 `nickname_taken`); a family has a bounded number of explorers
    (409 `profile_limit`).

    **Retries:** send an `Idempotency-Key`: a retry answers the explorer the first request
    created, instead of a second explorer or 409 `nickname_taken`.
    """
    profile = await profiles_service.create(session, settings, principal.account_id, body)
    return ProfileOut.of(profile)


@router.get(
    "/{profile_id}",
    response_model=ProfileOut,
    responses={**SCOPED, **response_example(200, GET_PROFILE_OUT)},
    summary="Read one explorer.",
)
async def get_profile(profile: ProfileDep) -> ProfileOut:
    """Answers the explorer: nickname, age band, language, avatar and preferences.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return ProfileOut.of(profile)


@router.patch(
    "/{profile_id}",
    response_model=ProfileOut,
    responses={
        **problem_responses(401, 403, 404, 409, 422),
        **response_example(200, UPDATE_PROFILE_OUT),
    },
    summary="Change an explorer's nickname, age band, language or preferences.",
    openapi_extra=request_example(PROFILE_UPDATE),
)
async def update_profile(
    body: ProfileUpdate, profile: ParentProfileDep, session: SessionDep
) -> ProfileOut:
    """Changes the fields sent; the others keep their value.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** a nickname stays unique in the family (409 `nickname_taken`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return ProfileOut.of(await profiles_service.update(session, profile, body))


@router.delete(
    "/{profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SCOPED,
    summary="Delete an explorer and everything stored about them.",
)
async def delete_profile(
    profile: ParentProfileDep, session: SessionDep, rights: DataRightsDep
) -> None:
    """Deletes the explorer with their progress, quiz attempts, saves, notifications and classroom
    enrolments; every kid-mode token of that explorer ends at once.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await profiles_service.delete(session, rights, profile)


@router.post(
    "/{profile_id}/session",
    response_model=KidSession,
    responses={
        **problem_responses(401, 403, 404, 422, 429),
        **response_example(200, START_KID_MODE_OUT),
    },
    summary="Start kid mode: an explorer token for this profile only.",
    openapi_extra=request_example(KID_SESSION),
)
async def start_kid_mode(
    profile: ParentProfileDep,
    caller: CallerDep,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    settings: SettingsDep,
    tokens: TokensDep,
    request: Request,
    body: KidSessionIn | None = None,
) -> KidSession:
    """Answers an explorer token that can read and write only this profile's things and cannot
    reach the parent zone.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** when the family has a parent PIN it must be sent (403 `pin_required`,
    `wrong_pin`); a disabled account is refused (403 `account_disabled`).

    **Retries:** not idempotent: each request issues another explorer token.
    """
    if body is None and (await request.body()).strip() == b"null":
        # The body is optional (left out), never `null`: the document says an object.
        raise invalid_field(["body"], "Send no body, or an object.")
    pin = body.pin if body else None
    await profiles_service.start_kid_mode(session, rate_limiter, caller, pin)
    ttl = settings.explorer_token_hours * 3600
    token = tokens.issue(str(caller.account_id), EXPLORER, ttl_seconds=ttl, profile=str(profile.id))
    return KidSession(explorer_token=token, expires_in=ttl, profile=ProfileOut.of(profile))


@router.get(
    "/{profile_id}/avatar",
    response_model=AvatarSelection,
    responses={
        **SCOPED,
        **response_example(200, GET_AVATAR_OUT),
    },
    summary="Read an explorer's avatar: the part in each slot and its colours.",
)
async def get_avatar(profile: ProfileDep) -> AvatarSelection:
    """Answers the avatar as the builder edits it: one part per slot and the colours.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return AvatarSelection.model_validate(profile.avatar or {})


@router.put(
    "/{profile_id}/avatar",
    response_model=ProfileOut,
    responses={
        **problem_responses(401, 403, 404, 409, 422),
        **response_example(200, SET_AVATAR_OUT),
    },
    summary="Choose one part per slot and their colours.",
    openapi_extra=request_example(AVATAR_SELECTION),
)
async def set_avatar(
    body: AvatarSelection, profile: ProfileDep, session: SessionDep, locks: PartLocksDep
) -> ProfileOut:
    """Replaces the explorer's avatar with the parts and colours sent.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** every part must exist and sit in its slot (422); a part a badge unlocks can be
    chosen once the explorer earned that badge (409 `part_locked` before); a part already worn
    stays. The explorer may do this too.

    **Retries:** idempotent: the same avatar again changes nothing.
    """
    return ProfileOut.of(await profiles_service.set_avatar(session, profile, body, locks))


@router.get(
    "/{profile_id}/avatar.svg",
    name="get_avatar_svg",
    response_class=Response,
    responses={
        200: svg_answer(GET_AVATAR_SVG_SVG),
        304: {"description": "Not modified"},
        **SCOPED,
    },
    summary="Draw an explorer's avatar as SVG.",
)
async def avatar_svg(
    profile: ProfileDep,
    session: SessionDep,
    media_type: SvgTypeDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Answers the composed avatar, drawn server-side as SVG, with an ETag.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    svg = await profiles_service.avatar_svg(session, profile)
    return conditional_response(
        svg, if_none_match, media_type=media_type, cache_control="private, max-age=300"
    )
