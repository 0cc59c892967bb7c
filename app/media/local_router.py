"""`/media/...`: the local storage backend's signed upload and download URLs, served by the
app itself. Downloads honour Range (206, 416), If-None-Match and HEAD, so a browser's video
element can scrub."""

from __future__ import annotations

import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

from app.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    problem_responses,
)
from app.core.http_cache import OCTET_STREAM, not_modified
from app.integrations.parts import StorageDep
from app.integrations.storage import Storage
from app.integrations.storage.local import LocalStorage

router = APIRouter(prefix="/media", tags=["media"])


class UnsupportedType(AppError):
    status, code = 415, "unsupported_media_type"


def _local(storage: Storage) -> LocalStorage:
    if not isinstance(storage, LocalStorage):
        raise NotFound("Media is not served from here.")
    return storage


def _refuse(reason: str) -> Forbidden:
    if reason == "expired":
        return Forbidden("This link has expired; ask for a new one.", code="url_expired")
    return Forbidden("This link is not valid.", code="invalid_signature")


# The upload URL of an upload ticket (POST /admin/uploads) when the files are stored by the
# app itself (STORAGE_BACKEND=local); with S3 or GCS the ticket's URL is theirs. Its query is
# signed: every parameter is the ticket's, sent as it is. The body is the file's bytes.
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "description": "The file's bytes, sent with the ticket's Content-Type (or as "
    "application/octet-stream: the object keeps the ticket's type)",
    "content": {
        OCTET_STREAM: {
            "schema": {"type": "string", "format": "binary"},
            "example": "(the file's bytes: exactly `len` of them)",
        }
    },
}


@router.put(
    "/upload/{key:path}",
    name="upload_file",
    summary="Send the file of an upload ticket (local storage only).",
    response_class=Response,
    responses={
        200: {"description": "Stored; complete the upload (POST /admin/uploads/{id}/complete)"},
        **problem_responses(400, 403, 404, 409, 413, 415, 422),
    },
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload(
    key: Annotated[str, Path(json_schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"})],
    request: Request,
    storage_part: StorageDep,
    exp: Annotated[int, Query(ge=0, le=2**62, description="Expiry, seconds since 1970")],
    ct: Annotated[str, Query(max_length=100, pattern=r"^[a-z]+/[a-z0-9.+-]+$")],
    len_: Annotated[int, Query(alias="len", ge=1, le=2**40)],
    sig: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")],
) -> Response:
    """Stores the file's bytes for an upload ticket; complete the upload afterwards (`POST
    /admin/uploads/{id}/complete`). This is the `url` of a ticket (`POST /admin/uploads`)
    when files are stored by the app itself (`STORAGE_BACKEND=local`); with S3 or GCS the
    ticket points to them instead.

    **Who may call:** anyone holding the ticket's signed URL (editors, through the admin
    pages), without a token, until `exp`.

    **Rules:** the query is signed, so every parameter is sent as the ticket gave it (403
    `invalid_signature` otherwise, 403 `url_expired` after `exp`); the body is sent as the
    ticket's type or as application/octet-stream (415 `unsupported_media_type`) and is exactly
    `len` bytes (413 `payload_too_large` for more, 400 `size_mismatch` for fewer); an object is
    never overwritten (409 `already_uploaded`); with files stored elsewhere (S3, GCS) the route
    answers 404 `not_found`.

    **Retries:** not repeatable: a retry after a success is refused (409
    `already_uploaded`), never stored twice; a retry after a failure sends the file again.
    """
    content_type = request.headers.get("content-type")
    storage = _local(storage_part)
    reason = storage.check("PUT", key, exp, sig, ct, len_)
    if reason:
        raise _refuse(reason)
    sent = (content_type or "").split(";")[0].strip()
    if sent not in (ct, OCTET_STREAM):
        raise UnsupportedType(f"This upload must be sent as {ct}.")
    if storage.upload_path(key).exists() or storage.object_path(key).exists():
        raise Conflict(
            "This object exists already; uploads never overwrite.", code="already_uploaded"
        )
    received = 0
    with tempfile.NamedTemporaryFile(dir=storage.root, delete=False) as partial:
        try:
            async for chunk in request.stream():
                received += len(chunk)
                if received > len_:
                    raise PayloadTooLarge(f"This upload is limited to {len_} bytes.")
                partial.write(chunk)
        except AppError:
            partial.close()
            storage.root.joinpath(partial.name).unlink(missing_ok=True)
            raise
    if received != len_:
        storage.root.joinpath(partial.name).unlink(missing_ok=True)
        raise BadRequest(f"Expected {len_} bytes, received {received}.", code="size_mismatch")
    storage.record_upload(key, storage.root.joinpath(partial.name), ct)
    return Response(status_code=status.HTTP_200_OK)


# Downloads are the URLs the API's answers hand out, followed by players and image views.
@router.api_route("/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def download(
    key: str,
    storage_part: StorageDep,
    exp: Annotated[int, Query()],
    sig: Annotated[str, Query()],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    if key.startswith("upload/"):
        # The upload URL (no stored object has this prefix): only PUT is served there.
        raise HTTPException(status.HTTP_405_METHOD_NOT_ALLOWED)
    storage = _local(storage_part)
    reason = storage.check("GET", key, exp, sig)
    if reason:
        raise _refuse(reason)
    path = storage.object_path(key)
    if not path.is_file():
        raise NotFound("No such object.")
    # With the stat given, FileResponse sets its ETag now, so If-None-Match can be answered.
    response = FileResponse(
        path, stat_result=path.stat(), headers={"Cache-Control": "private, max-age=300"}
    )
    etag = response.headers.get("etag")
    if etag is not None and not_modified(if_none_match, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return response
