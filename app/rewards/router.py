"""`/admin/badges` for editors and admins; `/profiles/{profile_id}/badges` for the explorer and
its parent; `/profiles/{profile_id}/rewards`, the parent's choices."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.auth.deps import EditorPrincipal
from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageParamsDep
from app.profiles.scope import ParentProfileDep, ProfileDep
from app.rewards import service as rewards_service
from app.rewards.schemas import (
    BadgeIn,
    BadgeOut,
    BadgePatch,
    ProfileBadges,
    RewardSettings,
)

admin_router = APIRouter(prefix="/admin/badges", tags=["rewards"])
router = APIRouter(prefix="/profiles/{profile_id}", tags=["rewards"])


@admin_router.get(
    "",
    name="admin_list_badges",
    response_model=Page[BadgeOut],
    responses=problem_responses(400, 401, 403),
    summary="Every badge, in the order explorers see them",
)
async def list_badges(
    principal: EditorPrincipal, session: SessionDep, page: PageParamsDep
) -> Page[BadgeOut]:
    """Editors and admins. By `sort_order`, then id. A read."""
    return await rewards_service.list_badges(session, page.limit, page.cursor)


@admin_router.post(
    "",
    name="admin_create_badge",
    status_code=status.HTTP_201_CREATED,
    response_model=BadgeOut,
    responses=problem_responses(401, 403, 409, 422),
    summary="Define a badge: what earns it and the avatar parts it unlocks",
)
async def create_badge(body: BadgeIn, principal: EditorPrincipal, session: SessionDep) -> BadgeOut:
    """Editors and admins. The criterion is one of a fixed set of kinds, each with its
    parameters; the picture must be an uploaded asset and `unlocks` parts of the avatar
    catalogue (each then locked for every explorer until they earn the badge). Explorers
    whose counters already passed the threshold earn it with their next step that counts.
    The slug is unique: sending the same badge again is a 409 `name_taken` and changes
    nothing."""
    return await rewards_service.create_badge(session, body)


@admin_router.get(
    "/{badge_id}",
    name="admin_get_badge",
    response_model=BadgeOut,
    responses=problem_responses(401, 403, 404),
    summary="One badge",
)
async def get_badge(
    badge_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> BadgeOut:
    """Editors and admins. A read."""
    return await rewards_service.get_badge(session, badge_id)


@admin_router.patch(
    "/{badge_id}",
    name="admin_update_badge",
    response_model=BadgeOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Change a badge; explorers who earned it keep it",
)
async def update_badge(
    badge_id: uuid.UUID, body: BadgePatch, principal: EditorPrincipal, session: SessionDep
) -> BadgeOut:
    """Editors and admins. Only the fields sent change. A new criterion never takes the
    badge back from anyone who earned it. Sending the same change again changes nothing."""
    return await rewards_service.update_badge(session, badge_id, body)


@admin_router.delete(
    "/{badge_id}",
    name="admin_delete_badge",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete a badge nobody has earned",
)
async def delete_badge(
    badge_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Editors and admins. A badge an explorer earned stays theirs: 409 `badge_earned`.
    Deleting again answers 404."""
    await rewards_service.delete_badge(session, badge_id)


@router.get(
    "/badges",
    name="get_profile_badges",
    response_model=ProfileBadges,
    responses=problem_responses(401, 404),
    summary="An explorer's badges: earned, and the next ones within reach",
)
async def profile_badges(
    profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> ProfileBadges:
    """The explorer of this profile or its parent (anyone else 404). Earned badges newest
    first, with when; the badges within reach with how far the explorer is (2 of 3). Only
    this explorer's own: never another child's, never a rank. Empty while a parent turned
    rewards off. A read."""
    return await rewards_service.profile_badges(session, profile.id, clock())


@router.get(
    "/rewards",
    name="get_reward_settings",
    response_model=RewardSettings,
    responses=problem_responses(401, 403, 404),
    summary="Parents: whether this explorer earns and sees badges",
)
async def get_settings(profile: ParentProfileDep, session: SessionDep) -> RewardSettings:
    """The parent of this profile (its explorer 403, anyone else 404). A read."""
    return await rewards_service.settings_of(session, profile.id)


@router.put(
    "/rewards",
    name="put_reward_settings",
    response_model=RewardSettings,
    responses=problem_responses(401, 403, 404, 422),
    summary="Parents: turn badges on or off for this explorer, and hear of each one",
)
async def put_settings(
    body: RewardSettings, profile: ParentProfileDep, session: SessionDep
) -> RewardSettings:
    """The parent of this profile (its explorer 403, anyone else 404). Off: no badge is
    earned, announced or shown, and every avatar part is free; what the explorer learns
    meanwhile still counts, so turning rewards on again loses nothing. `tell_parent`: the
    parent's inbox hears of each badge too. Sending the same settings again changes
    nothing."""
    return await rewards_service.put_settings(session, profile.id, body)
