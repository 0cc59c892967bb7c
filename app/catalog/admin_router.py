"""`/admin/...` catalogue management for editors and admins."""

# No `from __future__ import annotations` here: the routes are built in a loop and FastAPI
# must see their annotations as objects, not strings to resolve in module globals.

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from app.auth.deps import EditorPrincipal
from app.catalog import admin_service as editing
from app.catalog import service as catalog_service
from app.catalog.models import Series, Theme
from app.catalog.queries import theme_out
from app.catalog.schemas import (
    ADMIN_DETAILS,
    AdminDetail,
    AdminItem,
    BulkResult,
    DiyIn,
    DiyPatch,
    EbookIn,
    EbookPatch,
    Kind,
    NarrationIn,
    NarrationOut,
    ReorderIn,
    ScheduleIn,
    SeriesIn,
    SeriesSummary,
    SeriesUpdate,
    Status,
    ThemeIn,
    ThemeOut,
    ThemeUpdate,
    VideoIn,
    VideoPatch,
)
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageParamsDep
from app.core.schema import table_of
from app.integrations.tts import TextToSpeech

router = APIRouter(prefix="/admin", tags=["admin", "catalogue"])
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 422)
# Required (428 without it): pages, captions and steps are replaced as a whole, so an edit
# made without saying which version it changes could silently undo another editor's.
IF_MATCH = (
    "Required: the ETag of this item as you read it (GET the item, copy its ETag header). "
    "A stale one is refused with 412 and changes nothing; `*` deliberately edits whatever "
    "version is current."
)
ETAG: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "ETag": {
                "description": "This version; send it as If-Match to edit",
                "schema": {"type": "string"},
            }
        }
    }
}


# --- themes ------------------------------------------------------------------------------


@router.post(
    "/themes",
    name="admin_create_theme",
    status_code=201,
    response_model=ThemeOut,
    responses=WRITE_ERRORS,
)
async def create_theme(body: ThemeIn, principal: EditorPrincipal, session: SessionDep) -> ThemeOut:
    return theme_out(await editing.create_theme(session, body))


@router.patch(
    "/themes/{theme_id}", name="admin_update_theme", response_model=ThemeOut, responses=WRITE_ERRORS
)
async def update_theme(
    theme_id: uuid.UUID, body: ThemeUpdate, principal: EditorPrincipal, session: SessionDep
) -> ThemeOut:
    return theme_out(await editing.update_theme(session, theme_id, body))


@router.delete(
    "/themes/{theme_id}",
    name="admin_delete_theme",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
)
async def delete_theme(
    theme_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> None:
    await editing.delete_theme(session, theme_id)


@router.post(
    "/themes/reorder",
    name="admin_reorder_themes",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
)
async def reorder_themes(body: ReorderIn, principal: EditorPrincipal, session: SessionDep) -> None:
    await editing.reorder(session, table_of(Theme), body.ids)


# --- series ------------------------------------------------------------------------------


def _series_out(series: Series) -> SeriesSummary:
    return catalog_service.series_summary(series)


@router.post(
    "/series",
    name="admin_create_series",
    status_code=201,
    response_model=SeriesSummary,
    responses=WRITE_ERRORS,
)
async def create_series(
    body: SeriesIn, principal: EditorPrincipal, session: SessionDep
) -> SeriesSummary:
    return _series_out(await editing.create_series(session, body))


@router.patch(
    "/series/{series_id}",
    name="admin_update_series",
    response_model=SeriesSummary,
    responses=WRITE_ERRORS,
)
async def update_series(
    series_id: uuid.UUID, body: SeriesUpdate, principal: EditorPrincipal, session: SessionDep
) -> SeriesSummary:
    return _series_out(await editing.update_series(session, series_id, body))


@router.delete(
    "/series/{series_id}",
    name="admin_delete_series",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
)
async def delete_series(
    series_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> None:
    await editing.delete_series(session, series_id)


@router.post(
    "/series/{series_id}/publish",
    name="admin_publish_series",
    response_model=SeriesSummary,
    responses=WRITE_ERRORS,
)
async def publish_series(
    series_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> SeriesSummary:
    return _series_out(await editing.set_series_status(session, series_id, "publish"))


@router.post(
    "/series/{series_id}/unpublish",
    name="admin_unpublish_series",
    response_model=SeriesSummary,
    responses=WRITE_ERRORS,
)
async def unpublish_series(
    series_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> SeriesSummary:
    return _series_out(await editing.set_series_status(session, series_id, "unpublish"))


# --- videos, ebooks, diys ----------------------------------------------------------------

_INPUTS: dict[Kind, type[BaseModel]] = {Kind.video: VideoIn, Kind.ebook: EbookIn, Kind.diy: DiyIn}
_PATCHES: dict[Kind, type[BaseModel]] = {
    Kind.video: VideoPatch,
    Kind.ebook: EbookPatch,
    Kind.diy: DiyPatch,
}


def _content_routes(kind: Kind, path: str) -> None:
    body_model = _INPUTS[kind]
    bulk_model = create_model(
        f"{kind.value.title()}Bulk",
        __config__=ConfigDict(extra="forbid"),
        items=(list[body_model], Field(min_length=1, max_length=500)),  # type: ignore[valid-type]
    )

    async def list_items(
        principal: EditorPrincipal,
        session: SessionDep,
        page: PageParamsDep,
        status_: Annotated[Status | None, Query(alias="status")] = None,
    ) -> Page[AdminItem]:
        return await editing.list_items(session, kind, status_, page)

    async def create(body: BaseModel, principal: EditorPrincipal, session: SessionDep) -> AdminItem:
        return editing.admin_item(kind, await editing.create(session, kind, body))

    async def bulk(body: BaseModel, principal: EditorPrincipal, session: SessionDep) -> BulkResult:
        items: list[BaseModel] = body.items  # type: ignore[attr-defined]
        return BulkResult(ids=await editing.bulk_create(session, kind, items))

    # FastAPI reads the body model from the annotation: the one of this kind.
    create.__annotations__["body"] = body_model
    bulk.__annotations__["body"] = bulk_model

    detail_model = ADMIN_DETAILS[kind]

    async def read(
        item_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep, response: Response
    ) -> AdminDetail:
        item = await editing.detail(session, kind, await editing.get_item(session, kind, item_id))
        response.headers["ETag"] = editing.version(item)
        return item

    async def update(
        item_id: uuid.UUID,
        principal: EditorPrincipal,
        session: SessionDep,
        response: Response,
        patch: BaseModel,
        # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
        if_match: Annotated[str, Header(description=IF_MATCH)],
    ) -> AdminDetail:
        fields = patch.model_dump(mode="json", exclude_unset=True)
        item = await editing.update(session, kind, item_id, fields, if_match)
        changed = await editing.detail(session, kind, item)
        response.headers["ETag"] = editing.version(changed)
        return changed

    update.__annotations__["patch"] = _PATCHES[kind]

    async def delete(item_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep) -> None:
        await editing.delete(session, kind, item_id)

    def action(name: str) -> Callable[..., Awaitable[AdminItem]]:
        async def run(
            item_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
        ) -> AdminItem:
            return editing.admin_item(kind, await editing.set_status(session, kind, item_id, name))

        return run

    async def schedule(
        item_id: uuid.UUID, body: ScheduleIn, principal: EditorPrincipal, session: SessionDep
    ) -> AdminItem:
        item = await editing.set_status(session, kind, item_id, "schedule", body.publish_at)
        return editing.admin_item(kind, item)

    async def reorder(body: ReorderIn, principal: EditorPrincipal, session: SessionDep) -> None:
        await editing.reorder(session, table_of(editing.MODELS[kind]), body.ids)

    name = kind.value
    router.add_api_route(
        path,
        list_items,
        methods=["GET"],
        response_model=Page[AdminItem],
        responses=problem_responses(401, 403, 422),
        name=f"admin_list_{name}s",
    )
    router.add_api_route(
        path,
        create,
        methods=["POST"],
        status_code=201,
        response_model=AdminItem,
        responses=WRITE_ERRORS,
        name=f"admin_create_{name}",
    )
    router.add_api_route(
        f"{path}/bulk",
        bulk,
        methods=["POST"],
        status_code=201,
        response_model=BulkResult,
        responses=WRITE_ERRORS,
        name=f"admin_bulk_create_{name}s",
        summary="Create many: all or nothing, with the errors of every item",
    )
    router.add_api_route(
        f"{path}/reorder",
        reorder,
        methods=["POST"],
        status_code=204,
        response_class=Response,
        responses=WRITE_ERRORS,
        name=f"admin_reorder_{name}s",
    )
    router.add_api_route(
        f"{path}/{{item_id}}",
        read,
        methods=["GET"],
        response_model=detail_model,
        responses={**problem_responses(401, 403, 404, 422), **ETAG},
        name=f"admin_get_{name}",
        summary=f"One {name} with every field an edit can change, and its ETag",
    )
    router.add_api_route(
        f"{path}/{{item_id}}",
        update,
        methods=["PATCH"],
        response_model=detail_model,
        responses={**WRITE_ERRORS, **problem_responses(412, 428), **ETAG},
        name=f"admin_update_{name}",
        summary=f"Change some fields of a {name} (If-Match: its ETag)",
    )
    router.add_api_route(
        f"{path}/{{item_id}}",
        delete,
        methods=["DELETE"],
        status_code=204,
        response_class=Response,
        responses=WRITE_ERRORS,
        name=f"admin_delete_{name}",
    )
    for verb in ("publish", "unpublish", "archive"):
        router.add_api_route(
            f"{path}/{{item_id}}/{verb}",
            action(verb),
            methods=["POST"],
            response_model=AdminItem,
            responses=WRITE_ERRORS,
            name=f"admin_{verb}_{name}",
        )
    router.add_api_route(
        f"{path}/{{item_id}}/schedule",
        schedule,
        methods=["POST"],
        response_model=AdminItem,
        responses=WRITE_ERRORS,
        name=f"admin_schedule_{name}",
    )


for _kind, _path in ((Kind.video, "/videos"), (Kind.ebook, "/ebooks"), (Kind.diy, "/diys")):
    _content_routes(_kind, _path)


# --- read-aloud --------------------------------------------------------------------------


async def get_tts(request: Request) -> TextToSpeech:
    tts: TextToSpeech = request.app.state.runtime.tts
    return tts


@router.post(
    "/ebooks/{ebook_id}/narration",
    name="admin_narrate_ebook",
    status_code=202,
    response_model=NarrationOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Read every page aloud with text to speech (a task writes the audio)",
    description="Editors and admins. Generates each page's narration from its text with the "
    "configured engine (TTS_BACKEND) and word timings from the engine, in a background task "
    "(202: the pages listed are being narrated; read the eBook again to see them). Pages a "
    "person recorded are never replaced. An eBook in a language the engine cannot speak "
    "(with the local engine: Twi `tw`, Ga `gaa`, Ewe `ee`) is refused with 422 "
    "`tts_language_unsupported`: upload a recording of each page instead. The same request "
    "repeated for unchanged pages schedules nothing more.",
)
async def narrate_ebook(
    ebook_id: uuid.UUID,
    body: NarrationIn,
    principal: EditorPrincipal,
    session: SessionDep,
    tts: Annotated[TextToSpeech, Depends(get_tts)],
) -> NarrationOut:
    return await editing.request_narration(session, tts, ebook_id, body, principal.account_id)
