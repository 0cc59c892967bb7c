"""`/admin/uploads` and `/admin/assets`: editors upload straight to storage."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from app.auth.deps import EditorPrincipal
from app.core.db import SessionDep
from app.core.errors import NotFound, problem_responses
from app.core.examples import path_example, request_example, response_example
from app.core.idempotency import RESPONSES as IDEMPOTENT
from app.core.idempotency import idempotent
from app.core.parts import SettingsDep
from app.integrations.parts import StorageDep
from app.media import service as media_service
from app.media.examples import ASSET_OUT, DEMO_ASSET, DEMO_UPLOAD, UPLOAD_IN, UPLOAD_TICKET
from app.media.links import MediaLinksDep
from app.media.schemas import AssetOut, UploadCreate, UploadTicketOut
from app.media.service import PublicAssets

router = APIRouter(prefix="/admin", tags=["media"])


@router.post(
    "/uploads",
    name="admin_create_upload",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadTicketOut,
    responses={
        **problem_responses(401, 403, 422),
        **IDEMPOTENT,
        **response_example(201, UPLOAD_TICKET),
    },
    summary="Sign an upload: PUT (or POST the form) the file to the returned URL.",
    openapi_extra=request_example(UPLOAD_IN),
)
@idempotent
async def create_upload(
    body: UploadCreate,
    principal: EditorPrincipal,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> UploadTicketOut:
    """Records an upload of a declared type and size for a purpose (video, image, audio, captions)
    and answers a signed URL to send the file to, valid for a short time.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the content type must suit the purpose and the size stay under its limit (422).

    **Retries:** send an `Idempotency-Key`: a retry answers the same ticket (the same upload id
    and URL, while it is valid) instead of a second upload; without it each request is another
    upload.
    """
    upload, ticket = await media_service.create_upload(
        session, storage, principal.account_id, body, settings.upload_url_minutes
    )
    return UploadTicketOut.model_validate({"upload_id": upload.id, **ticket})


@router.post(
    "/uploads/{upload_id}/complete",
    name="admin_complete_upload",
    response_model=AssetOut,
    responses={
        **problem_responses(401, 403, 404, 409, 422),
        **response_example(200, ASSET_OUT),
    },
    summary="Check the uploaded file and make it an asset; processing follows.",
)
async def complete_upload(
    upload_id: Annotated[uuid.UUID, path_example(DEMO_UPLOAD)],
    principal: EditorPrincipal,
    session: SessionDep,
    storage: StorageDep,
    links: MediaLinksDep,
) -> AssetOut:
    """Checks the file arrived with the declared type and size, makes it an asset and schedules its
    processing (probe, re-encode, thumbnail).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** a file not sent yet is a 409 `not_uploaded`; one that differs from what was
    declared 409 `upload_mismatch`.

    **Retries:** idempotent: completing it again answers the same asset.
    """
    asset = await media_service.complete_upload(session, storage, upload_id)
    return await links.asset_out(asset)


@router.get(
    "/assets/{asset_id}",
    name="admin_get_asset",
    response_model=AssetOut,
    responses={
        **problem_responses(401, 403, 404),
        **response_example(200, ASSET_OUT),
    },
    summary="Read an asset and its processing state.",
)
async def get_asset(
    asset_id: Annotated[uuid.UUID, path_example(DEMO_ASSET)],
    principal: EditorPrincipal,
    session: SessionDep,
    links: MediaLinksDep,
) -> AssetOut:
    """Answers the asset: type, size, status (processing, ready, failed and why), duration and
    dimensions when known.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await links.asset_out(await media_service.get_asset(session, asset_id))


@router.delete(
    "/assets/{asset_id}",
    name="admin_delete_asset",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete an asset no content uses; its file goes once the deletion commits.",
)
async def delete_asset(
    asset_id: Annotated[uuid.UUID, path_example(DEMO_ASSET)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> Response:
    """Deletes the asset; its stored file is removed after the deletion commits.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an asset that content still uses is refused (409 `asset_in_use`): detach it first
    (every demo file is used, so the example answers this 409).

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await media_service.delete_asset(session, asset_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


public_router = APIRouter(tags=["media"])


async def servable_assets(request: Request) -> tuple[PublicAssets, ...]:
    """What each module says anyone may fetch by id (collected from the list of modules)."""
    assets: tuple[PublicAssets, ...] = request.app.state.runtime.registries.public_assets
    return assets


@public_router.get(
    "/assets/{asset_id}",
    name="get_asset_file",
    status_code=307,
    response_class=Response,
    responses={
        307: {"description": "Redirect to a short-lived URL of the file"},
        **problem_responses(404),
    },
    summary="Open a catalogue picture: redirects to a short-lived download URL.",
)
async def asset_file(
    asset_id: Annotated[uuid.UUID, path_example(DEMO_ASSET)],
    session: SessionDep,
    links: MediaLinksDep,
    servable: Annotated[tuple[PublicAssets, ...], Depends(servable_assets)],
) -> Response:
    """Redirects (307) to a short-lived signed URL of the image of a catalogue card (a cover,
    thumbnail or illustration).

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** only assets shown publicly (covers of visible content, theme covers) are served,
    404 otherwise; editors reach drafts' files through `/admin/assets/{asset_id}`.

    **Retries:** a read; repeating it changes nothing.
    """
    asset = await media_service.public_asset(session, asset_id, servable)
    if asset is None:
        raise NotFound("This file is not available.")
    url = await links.url_of(asset)
    if url is None:
        raise NotFound("This file is not available.")
    # Browsers may reuse the redirect for a while; the target URL outlives it.
    return Response(
        status_code=307, headers={"Location": url, "Cache-Control": "private, max-age=300"}
    )
