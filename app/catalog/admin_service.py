"""The staff-side catalogue service: what editors read (admin lists, an item with every
field an edit can change) and change (create, update, delete, bulk create, publish,
schedule, unpublish, archive, reorder). Every change keeps the search document in step and
drops the cached catalogue once it commits. Its statements are in queries.py."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import queries
from app.catalog.models import (
    DiyMaterial,
    DiyStep,
    EbookPage,
    Series,
    Theme,
    VideoCaption,
)
from app.catalog.params import CATALOG_TAG
from app.catalog.schemas import (
    ADMIN_DETAILS,
    AdminDetail,
    AdminItem,
    DiyIn,
    EbookIn,
    Kind,
    NarrationIn,
    NarrationOut,
    SeriesIn,
    SeriesUpdate,
    Status,
    ThemeIn,
    ThemeUpdate,
    VideoIn,
)
from app.core.cache import invalidate_after_commit
from app.core.db import flush_unique
from app.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    UnprocessableEntity,
    field_errors,
    invalid_field,
)
from app.core.http_cache import PreconditionFailed, etag_of, if_match
from app.core.pagination import Page, PageParams, build_page, cursor_values, parse_datetime
from app.integrations.storage import Storage
from app.integrations.tts import LanguageUnsupported, TextToSpeech
from app.media import narration
from app.media import service as media_service
from app.media.models import MediaAsset
from app.outbox.service import enqueue

MODELS = queries.MODELS
INPUTS: dict[Kind, type[BaseModel]] = {Kind.video: VideoIn, Kind.ebook: EbookIn, Kind.diy: DiyIn}
CHILD_FIELDS = {Kind.video: "captions", Kind.ebook: "pages", Kind.diy: ("materials", "steps")}


def _changed(session: AsyncSession) -> None:
    invalidate_after_commit(session, CATALOG_TAG)


EPISODE_TAKEN = "That series already has this episode."


async def _saved(session: AsyncSession, row: Any, constraint: str, message: str) -> Any:
    """A theme or series written: its slug checked by the unique constraint (409 with
    `message`), the cached catalogue dropped after commit, the row read back."""
    await flush_unique(session, constraint, message, "slug_taken")
    _changed(session)
    await session.refresh(row)
    return row


# --- themes -----------------------------------------------------------------------------


async def _check_cover(session: AsyncSession, body: BaseModel) -> None:
    """A cover must be a known asset: a foreign-key violation later would be a 500."""
    cover = getattr(body, "cover_asset_id", None)
    if cover is not None and not await media_service.existing(session, [cover]):
        raise invalid_field(
            ["body", "cover_asset_id"], f"No media asset {cover}.", type="unknown_asset"
        )


async def create_theme(
    session: AsyncSession, body: ThemeIn, *, theme_id: uuid.UUID | None = None
) -> Theme:
    """A new theme; `theme_id` gives it a chosen id (the demo's stable ids), else a new one."""
    await _check_cover(session, body)
    theme = Theme(**body.model_dump(mode="python"))
    if theme_id is not None:
        theme.id = theme_id
    theme.kind = body.kind.value
    session.add(theme)
    saved: Theme = await _saved(
        session, theme, "uq_theme_slug", f"The slug '{body.slug}' is taken."
    )
    return saved


async def _get(
    session: AsyncSession, model: type[Any], row_id: uuid.UUID, what: str, *, lock: bool = False
) -> Any:
    """The row; with `lock`, locked for this transaction and read afresh, so that a change
    decided from it cannot be based on what another editor has since replaced."""
    if lock:
        row = await session.get(model, row_id, with_for_update=True, populate_existing=True)
    else:
        row = await session.get(model, row_id)
    if row is None:
        raise NotFound(f"No such {what}.")
    return row


async def _patch(
    session: AsyncSession, model: type[Any], row_id: uuid.UUID, body: BaseModel, constraint: str
) -> Any:
    """Applies the fields sent to the row, locked; null clears only the cover, every other
    field keeps its value."""
    row = await _get(session, model, row_id, model.__tablename__, lock=True)
    await _check_cover(session, body)
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is not None or field == "cover_asset_id":
            setattr(row, field, value)
    return await _saved(session, row, constraint, "That slug is taken.")


async def update_theme(session: AsyncSession, theme_id: uuid.UUID, body: ThemeUpdate) -> Theme:
    theme: Theme = await _patch(session, Theme, theme_id, body, "uq_theme_slug")
    if body.title is not None or body.description is not None:
        await queries.reindex_theme(session, theme_id)  # its items are found by its words
    return theme


async def _delete_unless_used(
    session: AsyncSession,
    row: Any,
    in_use: Callable[[AsyncSession, uuid.UUID], Awaitable[bool]],
    conflict: Conflict,
) -> None:
    """Deletes a theme or series, unless `in_use` (asked with the row's id) says something
    still belongs to it."""
    if await in_use(session, row.id):
        raise conflict
    await session.delete(row)
    await session.flush()
    _changed(session)


async def delete_theme(session: AsyncSession, theme_id: uuid.UUID) -> None:
    await _delete_unless_used(
        session,
        await _get(session, Theme, theme_id, "theme"),
        queries.theme_in_use,
        Conflict("This theme still has items; move or delete them first.", code="theme_not_empty"),
    )


async def reorder(session: AsyncSession, table: sa.Table, ids: list[uuid.UUID]) -> None:
    """Gives the listed rows sort_order 0, 1, 2... in the order given."""
    found = await queries.sort_orders(session, table.name, ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"Unknown ids: {', '.join(missing)}.")
    await queries.put_in_order(session, table.name, ids)
    _changed(session)


# --- series -----------------------------------------------------------------------------


async def create_series(
    session: AsyncSession, body: SeriesIn, *, series_id: uuid.UUID | None = None
) -> Series:
    theme = await session.get(Theme, body.theme_id)
    if theme is None or theme.kind != Kind.video.value:
        raise invalid_field(
            ["body", "theme_id"],
            "no such video theme",
            type="unknown_theme",
            detail="A series belongs to a video theme.",
        )
    await _check_cover(session, body)
    series = Series(**body.model_dump())
    if series_id is not None:
        series.id = series_id
    session.add(series)
    saved: Series = await _saved(
        session, series, "uq_series_slug", f"The slug '{body.slug}' is taken."
    )
    return saved


async def update_series(session: AsyncSession, series_id: uuid.UUID, body: SeriesUpdate) -> Series:
    series: Series = await _patch(session, Series, series_id, body, "uq_series_slug")
    return series


async def delete_series(session: AsyncSession, series_id: uuid.UUID) -> None:
    await _delete_unless_used(
        session,
        await _get(session, Series, series_id, "series"),
        queries.series_has_episodes,
        Conflict("This series still has episodes.", code="series_not_empty"),
    )


# --- content items ----------------------------------------------------------------------


def asset_ids(kind: Kind, body: BaseModel) -> list[uuid.UUID]:
    data = body.model_dump()
    ids: list[Any] = [
        data.get(k) for k in ("media_asset_id", "thumbnail_asset_id", "cover_asset_id")
    ]
    ids += [c["asset_id"] for c in data.get("captions", [])]
    for page in data.get("pages", []):
        ids += [page["illustration_asset_id"], page["narration_asset_id"]]
    for step in data.get("steps", []):
        ids += [step["image_asset_id"], step["video_asset_id"]]
    return [i for i in ids if i is not None]


async def check(
    session: AsyncSession, kind: Kind, body: BaseModel, prefix: list[str | int]
) -> list[FieldError]:
    """What pydantic cannot know: the theme exists and is of this kind, the series is in it,
    the assets exist, and narration timings end within the audio."""
    data = body.model_dump()
    problems: list[dict[str, Any]] = []

    def problem(loc: list[str | int], msg: str, kind: str) -> None:
        problems.append({"loc": loc, "msg": msg, "type": kind})

    theme = await session.get(Theme, data["theme_id"])
    if theme is None:
        problem(["theme_id"], "No such theme.", "unknown_theme")
    elif theme.kind != kind.value:
        problem(
            ["theme_id"], f"This is a {theme.kind} theme, not a {kind.value} one.", "wrong_kind"
        )
    if data.get("series_id"):
        series = await session.get(Series, data["series_id"])
        if series is None or (theme is not None and series.theme_id != theme.id):
            problem(["series_id"], "No such series in this theme.", "unknown_series")
    ids = asset_ids(kind, body)
    assets = await media_service.existing(session, ids)
    for missing in [i for i in ids if i not in assets]:
        problem([], f"No media asset {missing}.", "unknown_asset")
    for index, page in enumerate(data.get("pages", [])):
        narration = assets.get(page["narration_asset_id"]) if page["narration_asset_id"] else None
        timings = page["word_timings"]
        if (
            narration is not None
            and narration.duration_ms is not None
            and timings
            and timings[-1][1] > narration.duration_ms
        ):
            problem(
                ["pages", index, "word_timings"],
                f"Timings end after the narration ({narration.duration_ms} ms).",
                "timings_too_long",
            )
    return field_errors(problems, ["body", *prefix])


def _media_parts(kind: Kind, data: dict[str, Any]) -> list[tuple[list[str | int], str, Any]]:
    """(where, what, asset id) of every file the item refers to, for people to read."""
    parts: list[tuple[list[str | int], str, Any]] = [
        (["media_asset_id"], "The video file", data.get("media_asset_id")),
        (["thumbnail_asset_id"], "The thumbnail", data.get("thumbnail_asset_id")),
        (["cover_asset_id"], "The cover", data.get("cover_asset_id")),
    ]
    for i, caption in enumerate(data.get("captions", [])):
        parts.append((["captions", i], f"The {caption['language']} captions", caption["asset_id"]))
    for i, page in enumerate(data.get("pages", [])):
        parts.append(
            (
                ["pages", i, "illustration_asset_id"],
                f"Page {i + 1}'s picture",
                page["illustration_asset_id"],
            )
        )
        parts.append(
            (
                ["pages", i, "narration_asset_id"],
                f"Page {i + 1}'s narration",
                page["narration_asset_id"],
            )
        )
    for i, step in enumerate(data.get("steps", [])):
        parts.append(
            (["steps", i, "image_asset_id"], f"Step {i + 1}'s picture", step["image_asset_id"])
        )
        parts.append(
            (["steps", i, "video_asset_id"], f"Step {i + 1}'s video", step["video_asset_id"])
        )
    return [part for part in parts if part[2] is not None]


async def require_media(session: AsyncSession, kind: Kind, body: BaseModel) -> None:
    """For publishing (and editing what is published): a video has its file, and every file
    the item refers to is processed and ready. A 409 lists what is missing, one error each."""
    data = body.model_dump()
    problems: list[dict[str, Any]] = []
    if kind is Kind.video and data.get("media_asset_id") is None:
        problems.append(
            {
                "loc": ["media_asset_id"],
                "msg": "The video has no file yet: upload one and set media_asset_id.",
                "type": "media_missing",
            }
        )
    parts = _media_parts(kind, data)
    assets = await media_service.existing(session, [asset_id for _, _, asset_id in parts])
    for loc, what, asset_id in parts:
        asset = assets.get(asset_id)
        if asset is not None and asset.status == "ready":
            continue
        if asset is None:
            state = "it is gone"
        elif asset.status == "failed":
            state = f"processing failed: {asset.failure_reason}"
        else:
            state = "it is still being processed"
        problems.append(
            {"loc": loc, "msg": f"{what} is not ready ({state}).", "type": "asset_not_ready"}
        )
    if problems:
        raise Conflict(
            "Not ready to publish: " + " ".join(p["msg"] for p in problems),
            code="asset_not_ready",
            errors=field_errors(problems, ["body"]),
        )


async def _asset(session: AsyncSession, asset_id: uuid.UUID | None) -> MediaAsset | None:
    if asset_id is None:
        return None
    return (await media_service.existing(session, [asset_id])).get(asset_id)


async def _follow_media(
    session: AsyncSession, kind: Kind, item: Any, previous_media: uuid.UUID | None
) -> None:
    """A video's duration, dimensions and thumbnail are its file's, once processing has
    measured them: never typed in, so a known duration means the video can be played. A
    thumbnail the editor chose stays; one that came from the previous file follows the new."""
    if kind is not Kind.video:
        return
    media = await _asset(session, item.media_asset_id)
    ready = media if media is not None and media.status == "ready" else None
    item.duration_ms = ready.duration_ms if ready else None
    item.width = ready.width if ready else None
    item.height = ready.height if ready else None
    previous = await _asset(session, previous_media)
    made_from_previous = (
        previous is not None and item.thumbnail_asset_id == previous.thumbnail_asset_id
    )
    if item.thumbnail_asset_id is None or made_from_previous:
        item.thumbnail_asset_id = ready.thumbnail_asset_id if ready else None


def _columns(kind: Kind, body: BaseModel) -> dict[str, Any]:
    data = body.model_dump(mode="python")
    children = CHILD_FIELDS[kind]
    for name in children if isinstance(children, tuple) else (children,):
        data.pop(name, None)
    for field in ("category", "difficulty"):
        if field in data and hasattr(data[field], "value"):
            data[field] = data[field].value
    return data


async def _write_children(
    session: AsyncSession, kind: Kind, item_id: uuid.UUID, body: BaseModel
) -> None:
    data = body.model_dump()
    sources: dict[uuid.UUID, str] = {}
    if kind is Kind.ebook:
        # A page keeps who made its narration while it keeps the same file; a file an
        # editor attaches is a recording.
        for page in await queries.pages(session, item_id):
            if page["narration_asset_id"] and page["narration_source"]:
                sources[page["narration_asset_id"]] = page["narration_source"]
    await queries.delete_parts(session, kind, item_id)
    if kind is Kind.video:
        session.add_all(VideoCaption(video_id=item_id, **c) for c in data["captions"])
    elif kind is Kind.ebook:
        session.add_all(
            EbookPage(
                ebook_id=item_id,
                number=n,
                narration_source=(
                    sources.get(p["narration_asset_id"], "human")
                    if p["narration_asset_id"]
                    else None
                ),
                **p,
            )
            for n, p in enumerate(data["pages"], 1)
        )
    else:
        session.add_all(
            DiyMaterial(diy_id=item_id, position=n, **m) for n, m in enumerate(data["materials"], 1)
        )
        session.add_all(
            DiyStep(diy_id=item_id, number=n, **s) for n, s in enumerate(data["steps"], 1)
        )
    await session.flush()


async def reindex(session: AsyncSession, kind: Kind, ids: list[uuid.UUID]) -> None:
    """The search documents of these items written afresh from them."""
    await queries.reindex(session, kind, ids)


async def create(
    session: AsyncSession, kind: Kind, body: BaseModel, *, item_id: uuid.UUID | None = None
) -> Any:
    """A new item of `kind` as a draft; `item_id` gives it a chosen id (the demo's stable
    ids), else a new one."""
    errors = await check(session, kind, body, [])
    if errors:
        raise UnprocessableEntity(errors[0].msg, errors=errors)
    item = MODELS[kind](**_columns(kind, body))
    if item_id is not None:
        item.id = item_id
    await _follow_media(session, kind, item, None)
    session.add(item)
    await flush_unique(session, "uq_video_series_id", EPISODE_TAKEN, "episode_taken")
    await _write_children(session, kind, item.id, body)
    await reindex(session, kind, [item.id])
    _changed(session)
    await session.refresh(item)
    return item


async def bulk_create(
    session: AsyncSession, kind: Kind, bodies: list[BaseModel]
) -> list[uuid.UUID]:
    """All or nothing: every item is checked first, and the errors of all of them reported."""
    errors: list[FieldError] = []
    for index, body in enumerate(bodies):
        errors += await check(session, kind, body, ["items", index])
    if errors:
        raise UnprocessableEntity(f"{len(errors)} problem(s); nothing was created.", errors=errors)
    return [(await create(session, kind, body)).id for body in bodies]


async def get_item(
    session: AsyncSession, kind: Kind, item_id: uuid.UUID, *, lock: bool = False
) -> Any:
    return await _get(session, MODELS[kind], item_id, kind.value, lock=lock)


def _as_input(rows: Sequence[RowMapping], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The item's rows of one part (captions, pages, ...), as an input has them."""
    return [{name: row[name] for name in fields} for row in rows]


async def _current_input(session: AsyncSession, kind: Kind, item: Any) -> dict[str, Any]:
    fields = INPUTS[kind].model_fields
    data = {name: getattr(item, name) for name in fields if hasattr(item, name)}
    if kind is Kind.video:
        data["captions"] = _as_input(
            await queries.captions(session, item.id), ("language", "asset_id")
        )
    elif kind is Kind.ebook:
        data["pages"] = _as_input(
            await queries.pages(session, item.id),
            ("text", "illustration_asset_id", "narration_asset_id", "word_timings"),
        )
    else:
        data["materials"] = _as_input(
            await queries.materials(session, item.id), ("name", "quantity", "ask_a_grown_up")
        )
        data["steps"] = _as_input(
            await queries.steps(session, item.id), ("text", "image_asset_id", "video_asset_id")
        )
    return data


async def detail(session: AsyncSession, kind: Kind, item: Any) -> AdminDetail:
    """What an editor reads before an edit: the item and every field an edit can change."""
    fields = INPUTS[kind].model_validate(await _current_input(session, kind, item))
    return ADMIN_DETAILS[kind](**dict(admin_item(kind, item)), fields=fields)


def version(item: AdminDetail) -> str:
    """The item's ETag: a hash of all an editor sees, pages, captions and steps included, so
    any change to any of them (by anyone) gives another."""
    return etag_of(type(item).__pydantic_serializer__.to_json(item))


async def update(
    session: AsyncSession, kind: Kind, item_id: uuid.UUID, patch: dict[str, Any], based_on: str
) -> Any:
    """Merges the patch into the item and checks the whole result as a create would.

    `based_on` is the If-Match of the edit: the ETag of the version the editor changed. The
    item is locked first, so the check and the write see the same version: a second edit of
    the same version waits, then finds it gone (412) instead of replacing the pages, captions
    or steps the first one wrote."""
    item = await get_item(session, kind, item_id, lock=True)
    current = await _current_input(session, kind, item)
    fields = INPUTS[kind].model_validate(current)
    now = version(ADMIN_DETAILS[kind](**dict(admin_item(kind, item)), fields=fields))
    if not if_match(based_on, now):
        raise PreconditionFailed(
            "This item has changed since you read it: read it again (GET) and redo your edit "
            "on the current version.",
            headers={"ETag": now},
        )
    merged = {**current, **patch}
    try:
        body = INPUTS[kind].model_validate(merged)
    except ValidationError as exc:
        errors = field_errors(exc.errors(), ["body"])
        raise UnprocessableEntity(errors[0].msg, errors=errors) from exc
    errors = await check(session, kind, body, [])
    if errors:
        raise UnprocessableEntity(errors[0].msg, errors=errors)
    if item.status in (Status.published.value, Status.scheduled.value):
        await require_media(session, kind, body)
    previous_media = getattr(item, "media_asset_id", None)
    for field, value in _columns(kind, body).items():
        setattr(item, field, value)
    await _follow_media(session, kind, item, previous_media)
    await flush_unique(session, "uq_video_series_id", EPISODE_TAKEN, "episode_taken")
    await _write_children(session, kind, item.id, body)
    await reindex(session, kind, [item.id])
    _changed(session)
    await session.refresh(item)
    return item


async def delete(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> None:
    item = await get_item(session, kind, item_id, lock=True)
    await queries.delete_search_document(session, item.id)
    await session.delete(item)
    await session.flush()
    _changed(session)


async def set_status(
    session: AsyncSession,
    kind: Kind,
    item_id: uuid.UUID,
    action: str,
    publish_at: datetime | None = None,
) -> Any:
    item = await get_item(session, kind, item_id, lock=True)
    now = datetime.now(UTC)
    if action in ("publish", "schedule"):
        body = INPUTS[kind].model_validate(await _current_input(session, kind, item))
        await require_media(session, kind, body)
        await _follow_media(session, kind, item, getattr(item, "media_asset_id", None))
    if action == "publish":
        # The database's clock, like the visibility check it is compared with.
        item.status = Status.published.value
        item.published_at = queries.clock()
    elif action == "schedule":
        assert publish_at is not None
        if publish_at <= now:
            raise invalid_field(
                ["body", "publish_at"],
                "must be in the future",
                type="past",
                detail="publish_at must be in the future; publish now instead.",
            )
        item.status, item.published_at = Status.scheduled.value, publish_at
    elif action == "unpublish":
        item.status, item.published_at = Status.draft.value, None
    elif action == "archive":
        item.status = Status.archived.value
    await session.flush()
    await session.refresh(item)
    await reindex(session, kind, [item.id])
    _changed(session)
    await session.refresh(item)
    return item


async def set_series_status(session: AsyncSession, series_id: uuid.UUID, action: str) -> Series:
    # Locked: a publish and an unpublish racing each wrote the columns they saw change, and
    # together left a published series without a publication time.
    series: Series = await _get(session, Series, series_id, "series", lock=True)
    if action == "publish":
        series.status = Status.published.value
        series.published_at = queries.clock()  # type: ignore[assignment]
    else:
        series.status, series.published_at = Status.draft.value, None
    await session.flush()
    await session.refresh(series)
    _changed(session)
    return series


def admin_item(kind: Kind, item: Any) -> AdminItem:
    return AdminItem(
        id=item.id,
        kind=kind,
        title=item.title,
        status=Status(item.status),
        published_at=item.published_at,
        sort_order=item.sort_order,
    )


async def list_items(
    session: AsyncSession, kind: Kind, status: Status | None, page: PageParams
) -> Page[AdminItem]:
    """Items of a kind as editors list them: newest first, any status unless one is asked."""
    after = cursor_values(page.cursor, parse_datetime, uuid.UUID)
    rows = await queries.admin_items(
        session, kind, status.value if status else None, after, page.limit + 1
    )
    return build_page(
        rows, page.limit, lambda r: [r.created_at, r.id], lambda r: admin_item(kind, r)
    )


# --- read-aloud -------------------------------------------------------------------------

NARRATE_TASK = "catalog.narrate"


def _unsupported(language: str) -> UnprocessableEntity:
    return UnprocessableEntity(
        f"The text-to-speech engine cannot speak this eBook's language ({language}): upload "
        "a recording of each page instead (an audio upload, then the page's "
        "narration_asset_id and word_timings).",
        code="tts_language_unsupported",
    )


async def request_narration(
    session: AsyncSession,
    tts: TextToSpeech,
    ebook_id: uuid.UUID,
    body: NarrationIn,
    account_id: uuid.UUID | None,
) -> NarrationOut:
    """Schedules read-aloud for every page of the eBook that no person recorded; a task
    writes each page's audio and word timings (`narrate`). A repeat of the same request for
    the same pages schedules nothing more."""
    item = await get_item(session, Kind.ebook, ebook_id)
    if not tts.speaks(item.language):
        raise _unsupported(item.language)
    if body.voice is not None and not _same_language(body.voice, item.language, tts):
        raise invalid_field(
            ["body", "voice"],
            f"No voice {body.voice!r} for this eBook's language ({item.language}).",
            type="unknown_voice",
        )
    pages = await queries.pages(session, ebook_id)
    generated = [p["number"] for p in pages if p["narration_source"] != "human"]
    recorded = [p["number"] for p in pages if p["narration_source"] == "human"]
    if generated:
        # A retried request schedules nothing more; a new one after any change (of text,
        # voice, pace, or the narration files themselves) is a new task.
        fingerprint = etag_of(
            "|".join(
                [
                    str(body.voice),
                    str(body.speed),
                    *(f"{p['text']}:{p['narration_asset_id']}" for p in pages),
                ]
            ).encode()
        )
        await enqueue(
            session,
            NARRATE_TASK,
            {
                "ebook_id": str(ebook_id),
                "voice": body.voice,
                "speed": body.speed,
                "account_id": str(account_id) if account_id else None,
            },
            dedup_key=f"{ebook_id}:{fingerprint}",
        )
    return NarrationOut(
        ebook_id=ebook_id,
        engine=tts.name,
        pages=generated,
        recorded_pages=recorded,
    )


def _same_language(voice: str, language: str, tts: TextToSpeech) -> bool:
    return voice.split("-")[0].lower() == language.split("-")[0].lower() and tts.speaks(voice)


async def narrate(
    session: AsyncSession,
    storage: Storage,
    tts: TextToSpeech,
    ebook_id: uuid.UUID,
    *,
    voice: str | None = None,
    speed: float = 1.0,
    account_id: uuid.UUID | None = None,
    max_image_pixels: int,
) -> int:
    """Speaks every page of the eBook no person recorded and stores each page's audio as an
    asset (through the same upload, check and processing as an editor's file), with one
    [start_ms, end_ms] per word from the engine. Returns the pages narrated. Idempotent: a
    rerun replaces the generated narration, never a recording."""
    item = await session.get(MODELS[Kind.ebook], ebook_id)
    if item is None:  # deleted since: nothing to read aloud
        return 0
    try:
        done = 0
        for page in await queries.pages(session, ebook_id):
            if page["narration_source"] == "human":
                continue
            asset, timings = await narration.speak(
                session,
                storage,
                tts,
                page["text"],
                item.language,
                filename=f"{item.title[:200]} - page {page['number']}.m4a",
                title=f"{item.title}, page {page['number']}",
                max_image_pixels=max_image_pixels,
                voice=voice,
                speed=speed,
                account_id=account_id,
            )
            if await queries.set_generated_narration(
                session, ebook_id, page["number"], page["text"], asset.id, timings
            ):
                done += 1
    except LanguageUnsupported as exc:
        raise _unsupported(item.language) from exc
    _changed(session)
    await session.flush()
    return done
