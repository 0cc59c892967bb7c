"""`/admin/...` catalogue management for editors and admins: themes, series, and the videos,
eBooks and DIY projects, each route declared here as it is served."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel

from app.auth.deps import EditorPrincipal
from app.catalog import admin_service as editing
from app.catalog import service as catalog_service
from app.catalog.examples import (
    BULK_RESULT,
    DEMO_DIY,
    DEMO_EBOOK,
    DEMO_SERIES,
    DEMO_VIDEO,
    DEMO_VIDEO_THEME,
    DIY_DETAIL,
    DIY_IN,
    DIY_ITEM,
    DIY_PAGE,
    DIY_PATCH,
    EBOOK_DETAIL,
    EBOOK_IN,
    EBOOK_ITEM,
    EBOOK_PAGE,
    EBOOK_PATCH,
    NARRATION_OUT,
    SCHEDULE_AT,
    SERIES_IN,
    SERIES_SUMMARY,
    SERIES_UPDATE,
    THEME_IN,
    THEME_OUT,
    THEME_UPDATE,
    VIDEO_DETAIL,
    VIDEO_IN,
    VIDEO_ITEM,
    VIDEO_PAGE,
    VIDEO_PATCH,
)
from app.catalog.models import Series, Theme
from app.catalog.queries import theme_out
from app.catalog.schemas import (
    AdminDetail,
    AdminItem,
    BulkResult,
    DiyAdmin,
    DiyBulk,
    DiyIn,
    DiyPatch,
    EbookAdmin,
    EbookBulk,
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
    VideoAdmin,
    VideoBulk,
    VideoIn,
    VideoPatch,
)
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import ANY_VERSION, path_example, request_example, response_example
from app.core.pagination import Page, PageParamsDep
from app.core.schema import table_of
from app.integrations.tts import TextToSpeech

router = APIRouter(prefix="/admin", tags=["catalogue"])
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 422)
# Required (428 without it): pages, captions and steps are replaced as a whole, so an edit
# made without saying which version it changes could silently undo another editor's.
IF_MATCH = (
    "Required: the ETag of this item as you read it (GET the item, copy its ETag header). "
    "A stale one is refused with 412 and changes nothing; `*` deliberately edits whatever "
    "version is current."
)
ETAG_HEADER = {
    "ETag": {
        "description": "This version; send it as If-Match to edit",
        "schema": {"type": "string"},
    }
}


def with_etag(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The 200 of an item an editor reads or edits: its example, and its ETag header."""
    return {200: {**response_example(200, example)[200], "headers": ETAG_HEADER}}


def _sent(patch: BaseModel) -> dict[str, Any]:
    """The fields an edit sent, as JSON values."""
    return patch.model_dump(mode="json", exclude_unset=True)


# --- themes ------------------------------------------------------------------------------


@router.post(
    "/themes",
    name="admin_create_theme",
    status_code=201,
    response_model=ThemeOut,
    responses={**WRITE_ERRORS, **response_example(201, THEME_OUT)},
    openapi_extra=request_example(THEME_IN),
    summary="Create a theme of videos, eBooks or DIY projects.",
)
async def create_theme(body: ThemeIn, principal: EditorPrincipal, session: SessionDep) -> ThemeOut:
    """Creates a theme (a row of the app's screens) for one kind of content; it shows in the app at
    once, and the cached catalogue is refreshed after the commit.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the slug is unique among themes (409 `slug_taken`); a cover must be a known asset
    (422, field error `unknown_asset`).

    **Retries:** a repeat after success is a 409 `slug_taken`: the slug makes it count once.
    """
    return theme_out(await editing.create_theme(session, body))


@router.patch(
    "/themes/{theme_id}",
    name="admin_update_theme",
    response_model=ThemeOut,
    responses={**WRITE_ERRORS, **response_example(200, THEME_OUT)},
    openapi_extra=request_example(THEME_UPDATE),
    summary="Change some fields of a theme.",
)
async def update_theme(
    theme_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO_THEME)],
    body: ThemeUpdate,
    principal: EditorPrincipal,
    session: SessionDep,
) -> ThemeOut:
    """Changes the fields sent; a field left out (or null, except `cover_asset_id`, whose null
    removes the cover) keeps its value. A new title or description is searchable at once for
    every item of the theme.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the kind never changes; the slug stays unique (409 `slug_taken`); a cover must be
    a known asset (422, field error `unknown_asset`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return theme_out(await editing.update_theme(session, theme_id, body))


@router.delete(
    "/themes/{theme_id}",
    name="admin_delete_theme",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete a theme that has no items.",
)
async def delete_theme(
    theme_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO_THEME)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes an empty theme.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** a theme that still has items (or series) is refused with 409 `theme_not_empty`:
    move or delete them first (the demo's themes all have items, so the example answers this
    409).

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await editing.delete_theme(session, theme_id)


@router.post(
    "/themes/reorder",
    name="admin_reorder_themes",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=request_example({"ids": [str(DEMO_VIDEO_THEME)]}),
    summary="Put themes in the app's order.",
)
async def reorder_themes(body: ReorderIn, principal: EditorPrincipal, session: SessionDep) -> None:
    """Gives the listed themes the sort order 0, 1, 2... in the order sent; themes not listed keep
    theirs.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** 1 to 500 ids, each a theme; an unknown id is a 404 naming it, and nothing
    changes.

    **Retries:** idempotent: the same list again gives the same order.
    """
    await editing.reorder(session, table_of(Theme), body.ids)


# --- series ------------------------------------------------------------------------------


def _series_out(series: Series) -> SeriesSummary:
    return catalog_service.series_summary(series)


@router.post(
    "/series",
    name="admin_create_series",
    status_code=201,
    response_model=SeriesSummary,
    responses={**WRITE_ERRORS, **response_example(201, SERIES_SUMMARY)},
    openapi_extra=request_example(SERIES_IN),
    summary="Create a series of videos, as a draft.",
)
async def create_series(
    body: SeriesIn, principal: EditorPrincipal, session: SessionDep
) -> SeriesSummary:
    """Creates a series in a video theme, as a draft; videos join it by naming it with an episode
    number.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the theme must be a video theme (422, field error `unknown_theme`); the slug is
    unique among series (409 `slug_taken`); a cover must be a known asset (422, field error
    `unknown_asset`).

    **Retries:** a repeat after success is a 409 `slug_taken`: the slug makes it count once.
    """
    return _series_out(await editing.create_series(session, body))


@router.patch(
    "/series/{series_id}",
    name="admin_update_series",
    response_model=SeriesSummary,
    responses={**WRITE_ERRORS, **response_example(200, SERIES_SUMMARY)},
    openapi_extra=request_example(SERIES_UPDATE),
    summary="Change some fields of a series.",
)
async def update_series(
    series_id: Annotated[uuid.UUID, path_example(DEMO_SERIES)],
    body: SeriesUpdate,
    principal: EditorPrincipal,
    session: SessionDep,
) -> SeriesSummary:
    """Changes the fields sent; a field left out (or null, except `cover_asset_id`, whose null
    removes the cover) keeps its value.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the slug stays unique (409 `slug_taken`); a cover must be a known asset (422,
    field error `unknown_asset`).

    **Retries:** idempotent: the same fields again change nothing more.
    """
    return _series_out(await editing.update_series(session, series_id, body))


@router.delete(
    "/series/{series_id}",
    name="admin_delete_series",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete a series that has no episodes.",
)
async def delete_series(
    series_id: Annotated[uuid.UUID, path_example(DEMO_SERIES)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes an empty series.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** a series that still has episodes is refused with 409 `series_not_empty` (the
    demo's series has episodes, so the example answers this 409).

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await editing.delete_series(session, series_id)


@router.post(
    "/series/{series_id}/publish",
    name="admin_publish_series",
    response_model=SeriesSummary,
    responses={**WRITE_ERRORS, **response_example(200, SERIES_SUMMARY)},
    summary="Publish a series: it shows in the app from now.",
)
async def publish_series(
    series_id: Annotated[uuid.UUID, path_example(DEMO_SERIES)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> SeriesSummary:
    """Makes the series `published` from now (the database's clock). Its episodes show as each of
    them is published.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent in effect: publishing a published series keeps it published (its
    publication time becomes now).
    """
    return _series_out(await editing.set_series_status(session, series_id, "publish"))


@router.post(
    "/series/{series_id}/unpublish",
    name="admin_unpublish_series",
    response_model=SeriesSummary,
    responses={**WRITE_ERRORS, **response_example(200, SERIES_SUMMARY)},
    summary="Take a series back to draft: it no longer shows in the app.",
)
async def unpublish_series(
    series_id: Annotated[uuid.UUID, path_example(DEMO_SERIES)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> SeriesSummary:
    """Makes the series a `draft` with no publication time.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it a draft.
    """
    return _series_out(await editing.set_series_status(session, series_id, "unpublish"))


# --- videos ---------------------------------------------------------------------------


@router.get(
    "/videos",
    name="admin_list_videos",
    response_model=Page[AdminItem],
    responses={**problem_responses(401, 403, 422), **response_example(200, VIDEO_PAGE)},
    summary="List videos of every status, newest first, for editing.",
)
async def admin_list_videos(
    principal: EditorPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> Page[AdminItem]:
    """Lists the videos as editors see them: drafts, scheduled, published and archived alike (or
    only those of `status`), newest first, in cursor pages.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await editing.list_items(session, Kind.video, status_, page)


@router.post(
    "/videos",
    name="admin_create_video",
    status_code=201,
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(201, VIDEO_ITEM)},
    openapi_extra=request_example(VIDEO_IN),
    summary="Create a video as a draft.",
)
async def admin_create_video(
    body: VideoIn, principal: EditorPrincipal, session: SessionDep
) -> AdminItem:
    """Creates a video in `draft`: explorers see it once it is published. Its search entry is
    written at once and the cached catalogue is refreshed after the commit.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the theme must exist and be a video theme (422, field errors `unknown_theme`,
    `wrong_kind`); every asset named must exist (422, field error `unknown_asset`); a video in a
    series names its episode number (and only then); the series must be in the video's theme and
    the episode free in it (409 `episode_taken`). `age_min` is at most `age_max`. Assets may
    still be processing: publishing is what needs them ready.

    **Retries:** not idempotent: each request creates another video.
    """
    return editing.admin_item(Kind.video, await editing.create(session, Kind.video, body))


@router.post(
    "/videos/bulk",
    name="admin_bulk_create_videos",
    status_code=201,
    response_model=BulkResult,
    responses={**WRITE_ERRORS, **response_example(201, BULK_RESULT)},
    openapi_extra=request_example({"items": [VIDEO_IN]}),
    summary="Create many videos at once: all or nothing, with the errors of every item.",
)
async def admin_bulk_create_videos(
    body: VideoBulk, principal: EditorPrincipal, session: SessionDep
) -> BulkResult:
    """Creates 1 to 500 videos as drafts in one transaction and answers their ids in the order
    sent.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every item is checked as a single create is, before any is written; one problem
    anywhere creates nothing, and the 422 lists the errors of every item (its `errors[].loc`
    starts with `items` and the item's index).

    **Retries:** not idempotent: a repeated request creates the items again.
    """
    return BulkResult(ids=await editing.bulk_create(session, Kind.video, list(body.items)))


@router.post(
    "/videos/reorder",
    name="admin_reorder_videos",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=request_example({"ids": [str(DEMO_VIDEO)]}),
    summary="Put videos in the app's order.",
)
async def admin_reorder_videos(
    body: ReorderIn, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Gives the listed videos the sort order 0, 1, 2... in the order sent (the order of rows in
    the app); videos not listed keep theirs.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** 1 to 500 ids, each a video; an unknown id is a 404 naming it, and nothing
    changes.

    **Retries:** idempotent: the same list again gives the same order.
    """
    await editing.reorder(session, table_of(editing.MODELS[Kind.video]), body.ids)


@router.get(
    "/videos/{item_id}",
    name="admin_get_video",
    response_model=VideoAdmin,
    responses={
        **problem_responses(401, 403, 404, 422),
        **with_etag(VIDEO_DETAIL),
    },
    summary="Read one video with every field an edit can change, and its ETag.",
)
async def admin_get_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminDetail:
    """Answers the video in any status with `fields`, the whole input an edit starts from, and its
    version in the `ETag` header (send it as `If-Match` to edit).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    item = await editing.detail(
        session, Kind.video, await editing.get_item(session, Kind.video, item_id)
    )
    response.headers["ETag"] = editing.version(item)
    return item


@router.patch(
    "/videos/{item_id}",
    name="admin_update_video",
    response_model=VideoAdmin,
    responses={
        **WRITE_ERRORS,
        **problem_responses(412, 428),
        **with_etag(VIDEO_DETAIL),
    },
    openapi_extra=request_example(VIDEO_PATCH),
    summary="Change some fields of a video, based on the version read (If-Match).",
)
async def admin_update_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
    # A model made from VideoIn (app/catalog/schemas.py `partial`): a value to type checkers.
    patch: VideoPatch,  # type: ignore[valid-type]
    # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
    if_match: Annotated[str, Header(description=IF_MATCH, openapi_examples=ANY_VERSION)],
) -> AdminDetail:
    """Merges the fields sent into the video (a list sent, such as captions, pages, materials or
    steps, replaces the whole list) and answers the result with its new ETag.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `If-Match` is required (428 without it): the ETag read, or `*`; a stale one is a
    412 that changes nothing (its `ETag` header is the current version). The merged video is
    checked as a create is (422); a published or scheduled one must keep every file ready (409
    `asset_not_ready`).

    **Retries:** idempotent with the ETag read: a retry after the first succeeded is a 412 (the
    version changed) and writes nothing twice; with `*` it writes the same fields again.
    """
    fields = _sent(patch)
    item = await editing.update(session, Kind.video, item_id, fields, if_match)
    changed = await editing.detail(session, Kind.video, item)
    response.headers["ETag"] = editing.version(changed)
    return changed


@router.delete(
    "/videos/{item_id}",
    name="admin_delete_video",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete a video for good.",
)
async def admin_delete_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes the video with its search entry and its own parts (captions, pages, materials,
    steps); its files stay as assets until deleted themselves. To take it out of the app but
    keep it, archive or unpublish it instead.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a repeat after success is a 404 (already gone) and deletes nothing more.
    """
    await editing.delete(session, Kind.video, item_id)


@router.post(
    "/videos/{item_id}/publish",
    name="admin_publish_video",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, VIDEO_ITEM)},
    summary="Publish a video now: explorers see it.",
)
async def admin_publish_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the video `published` from now (the database's clock), in any status it had.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every file it names must be processed and ready, and a video needs its file:
    otherwise a 409 `asset_not_ready` lists each one.

    **Retries:** idempotent in effect: publishing a published video keeps it published (its
    publication time becomes now).
    """
    return editing.admin_item(
        Kind.video, await editing.set_status(session, Kind.video, item_id, "publish")
    )


@router.post(
    "/videos/{item_id}/unpublish",
    name="admin_unpublish_video",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**VIDEO_ITEM, "status": "draft", "published_at": None}),
    },
    summary="Take a video back to draft: explorers no longer see it.",
)
async def admin_unpublish_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the video a `draft` with no publication time, from any status.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it a draft.
    """
    return editing.admin_item(
        Kind.video, await editing.set_status(session, Kind.video, item_id, "unpublish")
    )


@router.post(
    "/videos/{item_id}/archive",
    name="admin_archive_video",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, {**VIDEO_ITEM, "status": "archived"})},
    summary="Archive a video: explorers no longer see it; their history of it stays.",
)
async def admin_archive_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the video `archived`: out of the app and search, kept for explorers' history and
    reports.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it archived.
    """
    return editing.admin_item(
        Kind.video, await editing.set_status(session, Kind.video, item_id, "archive")
    )


@router.post(
    "/videos/{item_id}/schedule",
    name="admin_schedule_video",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**VIDEO_ITEM, "status": "scheduled", "published_at": SCHEDULE_AT}),
    },
    openapi_extra=request_example({"publish_at": SCHEDULE_AT}),
    summary="Schedule a video to be published at a later time.",
)
async def admin_schedule_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    body: ScheduleIn,
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the video `scheduled`: explorers see it from `publish_at` on.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `publish_at` carries its time zone and is in the future (422, field error
    `past`); every file must be ready, as for publishing (409 `asset_not_ready`).

    **Retries:** idempotent: the same time again gives the same schedule.
    """
    item = await editing.set_status(session, Kind.video, item_id, "schedule", body.publish_at)
    return editing.admin_item(Kind.video, item)


# --- eBooks ---------------------------------------------------------------------------


@router.get(
    "/ebooks",
    name="admin_list_ebooks",
    response_model=Page[AdminItem],
    responses={**problem_responses(401, 403, 422), **response_example(200, EBOOK_PAGE)},
    summary="List eBooks of every status, newest first, for editing.",
)
async def admin_list_ebooks(
    principal: EditorPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> Page[AdminItem]:
    """Lists the eBooks as editors see them: drafts, scheduled, published and archived alike (or
    only those of `status`), newest first, in cursor pages.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await editing.list_items(session, Kind.ebook, status_, page)


@router.post(
    "/ebooks",
    name="admin_create_ebook",
    status_code=201,
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(201, EBOOK_ITEM)},
    openapi_extra=request_example(EBOOK_IN),
    summary="Create a eBook as a draft.",
)
async def admin_create_ebook(
    body: EbookIn, principal: EditorPrincipal, session: SessionDep
) -> AdminItem:
    """Creates a eBook in `draft`: explorers see it once it is published. Its search entry is
    written at once and the cached catalogue is refreshed after the commit.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the theme must exist and be an eBook theme (422, field errors `unknown_theme`,
    `wrong_kind`); every asset named must exist (422, field error `unknown_asset`); each page's
    `word_timings` has one `[start_ms, end_ms]` per word of its text, in order, ending within
    the page's narration. `age_min` is at most `age_max`. Assets may still be processing:
    publishing is what needs them ready.

    **Retries:** not idempotent: each request creates another eBook.
    """
    return editing.admin_item(Kind.ebook, await editing.create(session, Kind.ebook, body))


@router.post(
    "/ebooks/bulk",
    name="admin_bulk_create_ebooks",
    status_code=201,
    response_model=BulkResult,
    responses={**WRITE_ERRORS, **response_example(201, BULK_RESULT)},
    openapi_extra=request_example({"items": [EBOOK_IN]}),
    summary="Create many eBooks at once: all or nothing, with the errors of every item.",
)
async def admin_bulk_create_ebooks(
    body: EbookBulk, principal: EditorPrincipal, session: SessionDep
) -> BulkResult:
    """Creates 1 to 500 eBooks as drafts in one transaction and answers their ids in the order
    sent.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every item is checked as a single create is, before any is written; one problem
    anywhere creates nothing, and the 422 lists the errors of every item (its `errors[].loc`
    starts with `items` and the item's index).

    **Retries:** not idempotent: a repeated request creates the items again.
    """
    return BulkResult(ids=await editing.bulk_create(session, Kind.ebook, list(body.items)))


@router.post(
    "/ebooks/reorder",
    name="admin_reorder_ebooks",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=request_example({"ids": [str(DEMO_EBOOK)]}),
    summary="Put eBooks in the app's order.",
)
async def admin_reorder_ebooks(
    body: ReorderIn, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Gives the listed eBooks the sort order 0, 1, 2... in the order sent (the order of rows in
    the app); eBooks not listed keep theirs.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** 1 to 500 ids, each a eBook; an unknown id is a 404 naming it, and nothing
    changes.

    **Retries:** idempotent: the same list again gives the same order.
    """
    await editing.reorder(session, table_of(editing.MODELS[Kind.ebook]), body.ids)


@router.get(
    "/ebooks/{item_id}",
    name="admin_get_ebook",
    response_model=EbookAdmin,
    responses={
        **problem_responses(401, 403, 404, 422),
        **with_etag(EBOOK_DETAIL),
    },
    summary="Read one eBook with every field an edit can change, and its ETag.",
)
async def admin_get_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminDetail:
    """Answers the eBook in any status with `fields`, the whole input an edit starts from, and its
    version in the `ETag` header (send it as `If-Match` to edit).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    item = await editing.detail(
        session, Kind.ebook, await editing.get_item(session, Kind.ebook, item_id)
    )
    response.headers["ETag"] = editing.version(item)
    return item


@router.patch(
    "/ebooks/{item_id}",
    name="admin_update_ebook",
    response_model=EbookAdmin,
    responses={
        **WRITE_ERRORS,
        **problem_responses(412, 428),
        **with_etag(EBOOK_DETAIL),
    },
    openapi_extra=request_example(EBOOK_PATCH),
    summary="Change some fields of a eBook, based on the version read (If-Match).",
)
async def admin_update_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
    # A model made from EbookIn (app/catalog/schemas.py `partial`): a value to type checkers.
    patch: EbookPatch,  # type: ignore[valid-type]
    # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
    if_match: Annotated[str, Header(description=IF_MATCH, openapi_examples=ANY_VERSION)],
) -> AdminDetail:
    """Merges the fields sent into the eBook (a list sent, such as captions, pages, materials or
    steps, replaces the whole list) and answers the result with its new ETag.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `If-Match` is required (428 without it): the ETag read, or `*`; a stale one is a
    412 that changes nothing (its `ETag` header is the current version). The merged eBook is
    checked as a create is (422); a published or scheduled one must keep every file ready (409
    `asset_not_ready`).

    **Retries:** idempotent with the ETag read: a retry after the first succeeded is a 412 (the
    version changed) and writes nothing twice; with `*` it writes the same fields again.
    """
    fields = _sent(patch)
    item = await editing.update(session, Kind.ebook, item_id, fields, if_match)
    changed = await editing.detail(session, Kind.ebook, item)
    response.headers["ETag"] = editing.version(changed)
    return changed


@router.delete(
    "/ebooks/{item_id}",
    name="admin_delete_ebook",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete a eBook for good.",
)
async def admin_delete_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes the eBook with its search entry and its own parts (captions, pages, materials,
    steps); its files stay as assets until deleted themselves. To take it out of the app but
    keep it, archive or unpublish it instead.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a repeat after success is a 404 (already gone) and deletes nothing more.
    """
    await editing.delete(session, Kind.ebook, item_id)


@router.post(
    "/ebooks/{item_id}/publish",
    name="admin_publish_ebook",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, EBOOK_ITEM)},
    summary="Publish a eBook now: explorers see it.",
)
async def admin_publish_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the eBook `published` from now (the database's clock), in any status it had.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every file it names must be processed and ready: otherwise a 409
    `asset_not_ready` lists each one.

    **Retries:** idempotent in effect: publishing a published eBook keeps it published (its
    publication time becomes now).
    """
    return editing.admin_item(
        Kind.ebook, await editing.set_status(session, Kind.ebook, item_id, "publish")
    )


@router.post(
    "/ebooks/{item_id}/unpublish",
    name="admin_unpublish_ebook",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**EBOOK_ITEM, "status": "draft", "published_at": None}),
    },
    summary="Take a eBook back to draft: explorers no longer see it.",
)
async def admin_unpublish_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the eBook a `draft` with no publication time, from any status.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it a draft.
    """
    return editing.admin_item(
        Kind.ebook, await editing.set_status(session, Kind.ebook, item_id, "unpublish")
    )


@router.post(
    "/ebooks/{item_id}/archive",
    name="admin_archive_ebook",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, {**EBOOK_ITEM, "status": "archived"})},
    summary="Archive a eBook: explorers no longer see it; their history of it stays.",
)
async def admin_archive_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the eBook `archived`: out of the app and search, kept for explorers' history and
    reports.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it archived.
    """
    return editing.admin_item(
        Kind.ebook, await editing.set_status(session, Kind.ebook, item_id, "archive")
    )


@router.post(
    "/ebooks/{item_id}/schedule",
    name="admin_schedule_ebook",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**EBOOK_ITEM, "status": "scheduled", "published_at": SCHEDULE_AT}),
    },
    openapi_extra=request_example({"publish_at": SCHEDULE_AT}),
    summary="Schedule a eBook to be published at a later time.",
)
async def admin_schedule_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    body: ScheduleIn,
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the eBook `scheduled`: explorers see it from `publish_at` on.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `publish_at` carries its time zone and is in the future (422, field error
    `past`); every file must be ready, as for publishing (409 `asset_not_ready`).

    **Retries:** idempotent: the same time again gives the same schedule.
    """
    item = await editing.set_status(session, Kind.ebook, item_id, "schedule", body.publish_at)
    return editing.admin_item(Kind.ebook, item)


# --- DIY projects ---------------------------------------------------------------------------


@router.get(
    "/diys",
    name="admin_list_diys",
    response_model=Page[AdminItem],
    responses={**problem_responses(401, 403, 422), **response_example(200, DIY_PAGE)},
    summary="List DIY projects of every status, newest first, for editing.",
)
async def admin_list_diys(
    principal: EditorPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> Page[AdminItem]:
    """Lists the DIY projects as editors see them: drafts, scheduled, published and archived alike
    (or only those of `status`), newest first, in cursor pages.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await editing.list_items(session, Kind.diy, status_, page)


@router.post(
    "/diys",
    name="admin_create_diy",
    status_code=201,
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(201, DIY_ITEM)},
    openapi_extra=request_example(DIY_IN),
    summary="Create a DIY project as a draft.",
)
async def admin_create_diy(
    body: DiyIn, principal: EditorPrincipal, session: SessionDep
) -> AdminItem:
    """Creates a DIY project in `draft`: explorers see it once it is published. Its search entry is
    written at once and the cached catalogue is refreshed after the commit.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the theme must exist and be a DIY theme (422, field errors `unknown_theme`,
    `wrong_kind`); every asset named must exist (422, field error `unknown_asset`); `age_min` is
    at most `age_max`. Assets may still be processing: publishing is what needs them ready.

    **Retries:** not idempotent: each request creates another DIY project.
    """
    return editing.admin_item(Kind.diy, await editing.create(session, Kind.diy, body))


@router.post(
    "/diys/bulk",
    name="admin_bulk_create_diys",
    status_code=201,
    response_model=BulkResult,
    responses={**WRITE_ERRORS, **response_example(201, BULK_RESULT)},
    openapi_extra=request_example({"items": [DIY_IN]}),
    summary="Create many DIY projects at once: all or nothing, with the errors of every item.",
)
async def admin_bulk_create_diys(
    body: DiyBulk, principal: EditorPrincipal, session: SessionDep
) -> BulkResult:
    """Creates 1 to 500 DIY projects as drafts in one transaction and answers their ids in the
    order sent.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every item is checked as a single create is, before any is written; one problem
    anywhere creates nothing, and the 422 lists the errors of every item (its `errors[].loc`
    starts with `items` and the item's index).

    **Retries:** not idempotent: a repeated request creates the items again.
    """
    return BulkResult(ids=await editing.bulk_create(session, Kind.diy, list(body.items)))


@router.post(
    "/diys/reorder",
    name="admin_reorder_diys",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=request_example({"ids": [str(DEMO_DIY)]}),
    summary="Put DIY projects in the app's order.",
)
async def admin_reorder_diys(
    body: ReorderIn, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Gives the listed DIY projects the sort order 0, 1, 2... in the order sent (the order of rows
    in the app); DIY projects not listed keep theirs.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** 1 to 500 ids, each a DIY project; an unknown id is a 404 naming it, and nothing
    changes.

    **Retries:** idempotent: the same list again gives the same order.
    """
    await editing.reorder(session, table_of(editing.MODELS[Kind.diy]), body.ids)


@router.get(
    "/diys/{item_id}",
    name="admin_get_diy",
    response_model=DiyAdmin,
    responses={
        **problem_responses(401, 403, 404, 422),
        **with_etag(DIY_DETAIL),
    },
    summary="Read one DIY project with every field an edit can change, and its ETag.",
)
async def admin_get_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminDetail:
    """Answers the DIY project in any status with `fields`, the whole input an edit starts from,
    and its version in the `ETag` header (send it as `If-Match` to edit).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    item = await editing.detail(
        session, Kind.diy, await editing.get_item(session, Kind.diy, item_id)
    )
    response.headers["ETag"] = editing.version(item)
    return item


@router.patch(
    "/diys/{item_id}",
    name="admin_update_diy",
    response_model=DiyAdmin,
    responses={
        **WRITE_ERRORS,
        **problem_responses(412, 428),
        **with_etag(DIY_DETAIL),
    },
    openapi_extra=request_example(DIY_PATCH),
    summary="Change some fields of a DIY project, based on the version read (If-Match).",
)
async def admin_update_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
    # A model made from DiyIn (app/catalog/schemas.py `partial`): a value to type checkers.
    patch: DiyPatch,  # type: ignore[valid-type]
    # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
    if_match: Annotated[str, Header(description=IF_MATCH, openapi_examples=ANY_VERSION)],
) -> AdminDetail:
    """Merges the fields sent into the DIY project (a list sent, such as captions, pages, materials
    or steps, replaces the whole list) and answers the result with its new ETag.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `If-Match` is required (428 without it): the ETag read, or `*`; a stale one is a
    412 that changes nothing (its `ETag` header is the current version). The merged DIY project
    is checked as a create is (422); a published or scheduled one must keep every file ready
    (409 `asset_not_ready`).

    **Retries:** idempotent with the ETag read: a retry after the first succeeded is a 412 (the
    version changed) and writes nothing twice; with `*` it writes the same fields again.
    """
    fields = _sent(patch)
    item = await editing.update(session, Kind.diy, item_id, fields, if_match)
    changed = await editing.detail(session, Kind.diy, item)
    response.headers["ETag"] = editing.version(changed)
    return changed


@router.delete(
    "/diys/{item_id}",
    name="admin_delete_diy",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete a DIY project for good.",
)
async def admin_delete_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> None:
    """Deletes the DIY project with its search entry and its own parts (captions, pages, materials,
    steps); its files stay as assets until deleted themselves. To take it out of the app but
    keep it, archive or unpublish it instead.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a repeat after success is a 404 (already gone) and deletes nothing more.
    """
    await editing.delete(session, Kind.diy, item_id)


@router.post(
    "/diys/{item_id}/publish",
    name="admin_publish_diy",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, DIY_ITEM)},
    summary="Publish a DIY project now: explorers see it.",
)
async def admin_publish_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the DIY project `published` from now (the database's clock), in any status it had.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every file it names must be processed and ready: otherwise a 409
    `asset_not_ready` lists each one.

    **Retries:** idempotent in effect: publishing a published DIY project keeps it published
    (its publication time becomes now).
    """
    return editing.admin_item(
        Kind.diy, await editing.set_status(session, Kind.diy, item_id, "publish")
    )


@router.post(
    "/diys/{item_id}/unpublish",
    name="admin_unpublish_diy",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**DIY_ITEM, "status": "draft", "published_at": None}),
    },
    summary="Take a DIY project back to draft: explorers no longer see it.",
)
async def admin_unpublish_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the DIY project a `draft` with no publication time, from any status.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it a draft.
    """
    return editing.admin_item(
        Kind.diy, await editing.set_status(session, Kind.diy, item_id, "unpublish")
    )


@router.post(
    "/diys/{item_id}/archive",
    name="admin_archive_diy",
    response_model=AdminItem,
    responses={**WRITE_ERRORS, **response_example(200, {**DIY_ITEM, "status": "archived"})},
    summary="Archive a DIY project: explorers no longer see it; their history of it stays.",
)
async def admin_archive_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the DIY project `archived`: out of the app and search, kept for explorers' history and
    reports.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it archived.
    """
    return editing.admin_item(
        Kind.diy, await editing.set_status(session, Kind.diy, item_id, "archive")
    )


@router.post(
    "/diys/{item_id}/schedule",
    name="admin_schedule_diy",
    response_model=AdminItem,
    responses={
        **WRITE_ERRORS,
        **response_example(200, {**DIY_ITEM, "status": "scheduled", "published_at": SCHEDULE_AT}),
    },
    openapi_extra=request_example({"publish_at": SCHEDULE_AT}),
    summary="Schedule a DIY project to be published at a later time.",
)
async def admin_schedule_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    body: ScheduleIn,
    principal: EditorPrincipal,
    session: SessionDep,
) -> AdminItem:
    """Makes the DIY project `scheduled`: explorers see it from `publish_at` on.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `publish_at` carries its time zone and is in the future (422, field error
    `past`); every file must be ready, as for publishing (409 `asset_not_ready`).

    **Retries:** idempotent: the same time again gives the same schedule.
    """
    item = await editing.set_status(session, Kind.diy, item_id, "schedule", body.publish_at)
    return editing.admin_item(Kind.diy, item)


# --- read-aloud --------------------------------------------------------------------------


async def get_tts(request: Request) -> TextToSpeech:
    tts: TextToSpeech = request.app.state.runtime.tts
    return tts


@router.post(
    "/ebooks/{ebook_id}/narration",
    name="admin_narrate_ebook",
    status_code=202,
    response_model=NarrationOut,
    responses={**problem_responses(401, 403, 404, 422), **response_example(202, NARRATION_OUT)},
    openapi_extra=request_example({"speed": 0.95}),
    summary="Read every page aloud with text to speech (a task writes the audio).",
)
async def narrate_ebook(
    ebook_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    body: NarrationIn,
    principal: EditorPrincipal,
    session: SessionDep,
    tts: Annotated[TextToSpeech, Depends(get_tts)],
) -> NarrationOut:
    """Generates each page's narration from its text with the configured engine (TTS_BACKEND), with
    word timings from the engine, in a background task (202: the pages listed are being
    narrated; read the eBook again to see them).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** pages a person recorded are never replaced. An eBook in a language the engine
    cannot speak (with the local engine: Twi `tw`, Ga `gaa`, Ewe `ee`) is refused with 422
    `tts_language_unsupported`: upload a recording of each page instead. A `voice` must be one
    of the engine's for the eBook's language (422, field error `unknown_voice`).

    **Retries:** idempotent: the same request repeated for unchanged pages schedules nothing
    more (the task is keyed by the eBook, voice, pace and pages).
    """
    return await editing.request_narration(session, tts, ebook_id, body, principal.account_id)
