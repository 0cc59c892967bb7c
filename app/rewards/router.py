"""`/admin/badges` for editors and admins; `/profiles/{profile_id}/badges` for the explorer and
its parent; `/profiles/{profile_id}/rewards`, the parent's choices."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from app.auth.deps import EditorPrincipal
from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import path_example, request_example, response_example
from app.core.pagination import Page, PageParamsDep
from app.profiles.scope import ParentProfileDep, ProfileDep
from app.rewards import service as rewards_service
from app.rewards.examples import (
    BADGE_IN,
    BADGE_PATCH,
    CREATE_BADGE_OUT,
    DEMO_BADGE,
    GET_BADGE_OUT,
    GET_REWARDS_OUT,
    LIST_BADGES_OUT,
    PROFILE_BADGES_OUT,
    PUT_REWARDS_OUT,
    REWARD_SETTINGS,
    UNEARNED_BADGE,
    UPDATE_BADGE_OUT,
)
from app.rewards.schemas import (
    BadgeIn,
    BadgeOut,
    BadgePatch,
    ProfileBadges,
    RewardSettings,
)

admin_router = APIRouter(prefix="/admin/badges", tags=["rewards"])
router = APIRouter(prefix="/profiles/{profile_id}", tags=["rewards"])

DemoBadgeId = Annotated[uuid.UUID, path_example(DEMO_BADGE, "A demo badge")]
UnearnedBadgeId = Annotated[
    uuid.UUID, path_example(UNEARNED_BADGE, "A demo badge nobody has earned in the demo")
]


@admin_router.get(
    "",
    name="admin_list_badges",
    response_model=Page[BadgeOut],
    responses={**problem_responses(400, 401, 403), **response_example(200, LIST_BADGES_OUT)},
    summary="List every badge, in the order explorers see them.",
)
async def list_badges(
    principal: EditorPrincipal, session: SessionDep, page: PageParamsDep
) -> Page[BadgeOut]:
    """Answers a page of every badge (`sort_order`, then id: the order explorers see them in),
    each with its criterion, picture and the avatar parts it unlocks.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `limit` and `cursor` as every list (400 `invalid_cursor` for a cursor this list
    did not give).

    **Retries:** a read; repeating it changes nothing.
    """
    return await rewards_service.list_badges(session, page.limit, page.cursor)


@admin_router.post(
    "",
    name="admin_create_badge",
    status_code=status.HTTP_201_CREATED,
    response_model=BadgeOut,
    responses={
        **problem_responses(401, 403, 409, 422),
        **response_example(201, CREATE_BADGE_OUT),
    },
    summary="Define a badge: what earns it and the avatar parts it unlocks.",
    openapi_extra=request_example(BADGE_IN),
)
async def create_badge(body: BadgeIn, principal: EditorPrincipal, session: SessionDep) -> BadgeOut:
    """Makes a badge and answers it. Its criterion is one of a fixed set of kinds, each with
    its parameters (items completed, quizzes passed or mastered, a streak of days, DIYs
    finished, eBooks read aloud); the avatar parts it `unlocks` are then locked for every
    explorer (with rewards on) until they earn it. Explorers whose counters already passed the
    threshold earn it with their next step that counts.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the slug is unique (409 `name_taken`); a theme, series or item the criterion
    names must be in the catalogue, the picture an existing asset and each of `unlocks` a part
    of the avatar catalogue (422 `validation_error`, as is an unknown field or a count out of
    range).

    **Retries:** not repeatable: sending the same badge again is a 409 `name_taken` and
    changes nothing.
    """
    return await rewards_service.create_badge(session, body)


@admin_router.get(
    "/{badge_id}",
    name="admin_get_badge",
    response_model=BadgeOut,
    responses={**problem_responses(401, 403, 404), **response_example(200, GET_BADGE_OUT)},
    summary="Read one badge.",
)
async def get_badge(
    badge_id: DemoBadgeId, principal: EditorPrincipal, session: SessionDep
) -> BadgeOut:
    """Answers the badge: its criterion, picture and the avatar parts it unlocks.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404 `not_found`.

    **Retries:** a read; repeating it changes nothing.
    """
    return await rewards_service.get_badge(session, badge_id)


@admin_router.patch(
    "/{badge_id}",
    name="admin_update_badge",
    response_model=BadgeOut,
    responses={**problem_responses(401, 403, 404, 422), **response_example(200, UPDATE_BADGE_OUT)},
    summary="Change a badge; explorers who earned it keep it.",
    openapi_extra=request_example(BADGE_PATCH),
)
async def update_badge(
    badge_id: DemoBadgeId, body: BadgePatch, principal: EditorPrincipal, session: SessionDep
) -> BadgeOut:
    """Changes the fields sent and answers the badge (null leaves a field as it is, but
    `picture_asset_id`, which null removes). A new criterion applies from now on: it never
    takes the badge back from anyone who earned it, and an explorer already past the new
    threshold earns it with their next step that counts.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404 `not_found`; a theme, series or item the criterion names
    must be in the catalogue, the picture an existing asset and each of `unlocks` a part of the
    avatar catalogue (422 `validation_error`, as is an unknown field). The slug does not
    change.

    **Retries:** idempotent: sending the same change again changes nothing.
    """
    return await rewards_service.update_badge(session, badge_id, body)


@admin_router.delete(
    "/{badge_id}",
    name="admin_delete_badge",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete a badge nobody has earned.",
)
async def delete_badge(
    badge_id: UnearnedBadgeId, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Deletes a badge no explorer has earned.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404 `not_found`; a badge an explorer earned stays theirs and
    is never deleted (409 `badge_earned`): change its criterion instead.

    **Retries:** deleting again answers 404 `not_found` and changes nothing.
    """
    await rewards_service.delete_badge(session, badge_id)


@router.get(
    "/badges",
    name="get_profile_badges",
    response_model=ProfileBadges,
    responses={**problem_responses(401, 404), **response_example(200, PROFILE_BADGES_OUT)},
    summary="Read an explorer's badges: those earned, and the next ones within reach.",
)
async def profile_badges(
    profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> ProfileBadges:
    """Answers the badges this explorer earned, newest first with when, and at most three
    badges within reach, closest first, with how far the explorer is (`progress` 2 of `goal`
    3). Only this explorer's own: never another child's, never a rank.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets
    404 `not_found` (anonymous callers 401).

    **Rules:** while a parent has turned rewards off the answer is empty, with `enabled`
    false.

    **Retries:** a read; repeating it changes nothing.
    """
    return await rewards_service.profile_badges(session, profile.id, clock())


@router.get(
    "/rewards",
    name="get_reward_settings",
    response_model=RewardSettings,
    responses={**problem_responses(401, 403, 404), **response_example(200, GET_REWARDS_OUT)},
    summary="Read whether this explorer earns and sees badges, and whether the parent hears.",
)
async def get_settings(profile: ParentProfileDep, session: SessionDep) -> RewardSettings:
    """Answers the parent's choices for this explorer: `enabled` (badges earned and shown,
    avatar parts locked until earned) and `tell_parent`; rewards are on, without telling the
    parent, until a parent sets them.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await rewards_service.settings_of(session, profile.id)


@router.put(
    "/rewards",
    name="put_reward_settings",
    response_model=RewardSettings,
    responses={**problem_responses(401, 403, 404, 422), **response_example(200, PUT_REWARDS_OUT)},
    summary="Turn badges on or off for this explorer, and choose to hear of each one.",
    openapi_extra=request_example(REWARD_SETTINGS),
)
async def put_settings(
    body: RewardSettings, profile: ParentProfileDep, session: SessionDep
) -> RewardSettings:
    """Replaces the parent's choices for this explorer and answers them. Off: no badge is
    earned, announced or shown, and every avatar part is free; what the explorer learns
    meanwhile still counts, so turning rewards on again loses nothing. `tell_parent`: the
    parent's inbox hears of each badge too.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** `enabled` is a true or false (not a string or number), `tell_parent` too and
    false when left out (422 `validation_error`, as is an unknown field).

    **Retries:** idempotent: the same settings again change nothing.
    """
    return await rewards_service.put_settings(session, profile.id, body)
