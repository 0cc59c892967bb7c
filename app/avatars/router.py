"""`/avatars/parts` for everyone, `/admin/avatar-parts` for editors and admins."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.auth.deps import EditorPrincipal, OptionalCaller
from app.avatars import service as avatars_service
from app.avatars.deps import PartLocksDep
from app.avatars.schemas import AvatarCatalogue, AvatarPartIn, AvatarPartOut, AvatarPartUpdate
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.profiles import service as profiles_service

router = APIRouter(tags=["avatars"])


@router.get(
    "/avatars/parts",
    name="list_avatar_parts",
    response_model=AvatarCatalogue,
    responses=problem_responses(401, 404),
    summary="Every avatar part, grouped by slot in drawing order, each marked locked or not",
)
async def parts(
    session: SessionDep,
    locks: PartLocksDep,
    caller: OptionalCaller,
    profile_id: uuid.UUID | None = None,
) -> AvatarCatalogue:
    """Anyone may list the parts. A part is `locked` while a badge that unlocks it is not
    earned: with `profile_id` (the explorer of that profile or its parent, anyone else 404),
    by that explorer (none while a parent turned their rewards off); without it, by anyone
    (it needs a badge at all). A read: nothing changes."""
    if profile_id is not None:
        if caller is None:
            raise Unauthorized("Sign in to see an explorer's parts.", code="not_authenticated")
        await profiles_service.get_for(session, caller, profile_id)
    locked = await avatars_service.locked_parts(session, locks, profile_id)
    return await avatars_service.catalogue(session, locked)


@router.post(
    "/admin/avatar-parts",
    name="admin_create_avatar_part",
    status_code=status.HTTP_201_CREATED,
    response_model=AvatarPartOut,
    responses=problem_responses(401, 403, 409, 422),
    tags=["admin"],
)
async def create_part(
    body: AvatarPartIn, principal: EditorPrincipal, session: SessionDep
) -> AvatarPartOut:
    return AvatarPartOut.of(await avatars_service.create_part(session, body))


@router.patch(
    "/admin/avatar-parts/{part_id}",
    name="admin_update_avatar_part",
    response_model=AvatarPartOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    tags=["admin"],
)
async def update_part(
    part_id: uuid.UUID, body: AvatarPartUpdate, principal: EditorPrincipal, session: SessionDep
) -> AvatarPartOut:
    return AvatarPartOut.of(await avatars_service.update_part(session, part_id, body))


@router.delete(
    "/admin/avatar-parts/{part_id}",
    name="admin_delete_avatar_part",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    tags=["admin"],
)
async def delete_part(part_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep) -> None:
    await avatars_service.delete_part(session, part_id)
