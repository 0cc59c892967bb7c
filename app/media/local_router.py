"""`/media/...`: the local storage backend's signed upload and download URLs, served by the
app itself. Downloads honour Range (206, 416), If-None-Match and HEAD, so a browser's video
element can scrub."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import FileResponse

from app.core.errors import AppError, BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge
from app.core.http_cache import not_modified
from app.integrations.parts import StorageDep
from app.integrations.storage import Storage
from app.integrations.storage.local import LocalStorage

router = APIRouter(prefix="/media", tags=["media"], include_in_schema=False)


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


@router.put("/upload/{key:path}")
async def upload(
    key: str,
    request: Request,
    storage_part: StorageDep,
    exp: Annotated[int, Query()],
    ct: Annotated[str, Query()],
    len_: Annotated[int, Query(alias="len")],
    sig: Annotated[str, Query()],
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    storage = _local(storage_part)
    reason = storage.check("PUT", key, exp, sig, ct, len_)
    if reason:
        raise _refuse(reason)
    if (content_type or "").split(";")[0].strip() != ct:
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


@router.api_route("/{key:path}", methods=["GET", "HEAD"])
async def download(
    key: str,
    storage_part: StorageDep,
    exp: Annotated[int, Query()],
    sig: Annotated[str, Query()],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
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
