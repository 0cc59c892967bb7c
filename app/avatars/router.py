"""`/avatars/parts` for everyone, `/admin/avatar-parts` for editors and admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from app.auth.deps import EditorPrincipal, OptionalCaller
from app.avatars import service as avatars_service
from app.avatars.deps import PartLocksDep
from app.avatars.examples import (
    LIST_AVATAR_PARTS_OUT,
    PART_IN,
    PART_OUT,
    PART_UPDATE,
    STAR_BADGE,
    SUNNY_SKY,
)
from app.avatars.schemas import AvatarCatalogue, AvatarPartIn, AvatarPartOut, AvatarPartUpdate
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.examples import path_example, request_example, response_example
from app.profiles import service as profiles_service

router = APIRouter(tags=["avatars"])


@router.get(
    "/avatars/parts",
    name="list_avatar_parts",
    response_model=AvatarCatalogue,
    responses={**problem_responses(401, 404), **response_example(200, LIST_AVATAR_PARTS_OUT)},
    summary="List every avatar part, grouped by slot in drawing order, each marked locked or not.",
)
async def parts(
    session: SessionDep,
    locks: PartLocksDep,
    caller: OptionalCaller,
    profile_id: uuid.UUID | None = None,
) -> AvatarCatalogue:
    """Answers the parts an avatar is made of (bodies, eyes, hair, clothes...), per slot in drawing
    order, with their colours, each marked `locked` while a badge that unlocks it is not earned.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the list; a token, when sent, must be valid (401 otherwise). With
    `profile_id`, only the explorer of that profile and its family's parent (anyone else 404,
    anonymous callers 401).

    **Rules:** with `profile_id`, a part is locked until that explorer earned a badge that unlocks
    it (none is locked while a parent turned the explorer's rewards off); without it, a part is
    locked when any badge unlocks it.

    **Retries:** a read; repeating it changes nothing.
    """
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
    responses={**problem_responses(401, 403, 409, 422), **response_example(201, PART_OUT)},
    summary="Add an avatar part.",
    openapi_extra=request_example(PART_IN),
)
async def create_part(
    body: AvatarPartIn, principal: EditorPrincipal, session: SessionDep
) -> AvatarPartOut:
    """Adds a part to a slot of the avatar builder; it shows in the builder at once.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the name is unique in its slot (409 `name_taken`).

    **Retries:** a repeat after success is a 409 `name_taken`: the name makes it count once.
    """
    return AvatarPartOut.of(await avatars_service.create_part(session, body))


@router.patch(
    "/admin/avatar-parts/{part_id}",
    name="admin_update_avatar_part",
    response_model=AvatarPartOut,
    responses={**problem_responses(401, 403, 404, 409, 422), **response_example(200, PART_OUT)},
    summary="Change an avatar part.",
    openapi_extra=request_example(PART_UPDATE),
)
async def update_part(
    part_id: Annotated[uuid.UUID, path_example(SUNNY_SKY)],
    body: AvatarPartUpdate,
    principal: EditorPrincipal,
    session: SessionDep,
) -> AvatarPartOut:
    """Changes the fields sent of the part; the others keep their value.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the name stays unique in its slot (409 `name_taken`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return AvatarPartOut.of(await avatars_service.update_part(session, part_id, body))


@router.delete(
    "/admin/avatar-parts/{part_id}",
    name="admin_delete_avatar_part",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete an avatar part no explorer uses.",
)
async def delete_part(
    part_id: Annotated[uuid.UUID, path_example(STAR_BADGE)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes the part from the builder.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** a part an explorer's avatar uses is refused with 409 `part_in_use`.

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await avatars_service.delete_part(session, part_id)
