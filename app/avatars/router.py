"""`/avatars/parts` for everyone, `/admin/avatar-parts` for editors and admins."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.auth.deps import EditorPrincipal
from app.avatars import service as avatars_service
from app.avatars.schemas import AvatarCatalogue, AvatarPartIn, AvatarPartOut, AvatarPartUpdate
from app.core.db import SessionDep
from app.core.errors import problem_responses

router = APIRouter(tags=["avatars"])


@router.get(
    "/avatars/parts",
    name="list_avatar_parts",
    response_model=AvatarCatalogue,
    summary="Every avatar part, grouped by slot in drawing order",
)
async def parts(session: SessionDep) -> AvatarCatalogue:
    return await avatars_service.catalogue(session)


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
