"""Admin changes to the catalogue: create, update, delete, bulk create, publish, schedule,
unpublish, archive, reorder. Every change keeps the search document in step and drops the
cached catalogue once it commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import queries
from app.catalog.models import (
    Diy,
    DiyMaterial,
    DiyStep,
    Ebook,
    EbookPage,
    SearchDocument,
    Series,
    Theme,
    Video,
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
    SeriesIn,
    SeriesUpdate,
    Status,
    ThemeIn,
    ThemeUpdate,
    VideoIn,
)
from app.core.cache import invalidate_after_commit
from app.core.db import flush_unique
from app.core.errors import Conflict, FieldError, NotFound, UnprocessableEntity
from app.core.http_cache import PreconditionFailed, etag_of, if_match
from app.core.schema import table_of
from app.media import service as media_service

MODELS: dict[Kind, type[Any]] = {Kind.video: Video, Kind.ebook: Ebook, Kind.diy: Diy}
INPUTS: dict[Kind, type[BaseModel]] = {Kind.video: VideoIn, Kind.ebook: EbookIn, Kind.diy: DiyIn}
CHILD_FIELDS = {Kind.video: "captions", Kind.ebook: "pages", Kind.diy: ("materials", "steps")}

_themes = table_of(Theme).c


def _changed(session: AsyncSession) -> None:
    invalidate_after_commit(session, CATALOG_TAG)


EPISODE_TAKEN = "That series already has this episode."


async def _unique_slug(session: AsyncSession, constraint: str, message: str) -> None:
    await flush_unique(session, constraint, message, "slug_taken")


def _error(loc: list[str | int], msg: str, kind: str) -> FieldError:
    return FieldError(loc=["body", *loc], msg=msg, type=kind)


# --- themes -----------------------------------------------------------------------------


async def _check_cover(session: AsyncSession, body: BaseModel) -> None:
    """A cover must be a known asset: a foreign-key violation later would be a 500."""
    cover = getattr(body, "cover_asset_id", None)
    if cover is not None and not await media_service.existing(session, [cover]):
        raise UnprocessableEntity(
            f"No media asset {cover}.",
            errors=[_error(["cover_asset_id"], f"No media asset {cover}.", "unknown_asset")],
        )


async def create_theme(session: AsyncSession, body: ThemeIn) -> Theme:
    await _check_cover(session, body)
    theme = Theme(**body.model_dump(mode="python"))
    theme.kind = body.kind.value
    session.add(theme)
    await _unique_slug(session, "uq_theme_slug", f"The slug '{body.slug}' is taken.")
    _changed(session)
    await session.refresh(theme)
    return theme


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


async def _patch(session: AsyncSession, row: Any, body: BaseModel, slug_constraint: str) -> Any:
    """Applies the fields sent; null clears only the cover, every other field keeps its value."""
    await _check_cover(session, body)
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is not None or field == "cover_asset_id":
            setattr(row, field, value)
    await _unique_slug(session, slug_constraint, "That slug is taken.")
    _changed(session)
    await session.refresh(row)
    return row


async def get_theme(session: AsyncSession, theme_id: uuid.UUID) -> Theme:
    theme: Theme = await _get(session, Theme, theme_id, "theme")
    return theme


async def update_theme(session: AsyncSession, theme_id: uuid.UUID, body: ThemeUpdate) -> Theme:
    row = await _get(session, Theme, theme_id, "theme", lock=True)
    theme: Theme = await _patch(session, row, body, "uq_theme_slug")
    return theme


async def delete_theme(session: AsyncSession, theme_id: uuid.UUID) -> None:
    theme = await get_theme(session, theme_id)
    for model in (Video, Ebook, Diy, Series):
        used = await session.scalar(
            sa.select(sa.func.count())
            .select_from(table_of(model))
            .where(table_of(model).c.theme_id == theme.id)
        )
        if used:
            raise Conflict(
                "This theme still has items; move or delete them first.", code="theme_not_empty"
            )
    await session.delete(theme)
    await session.flush()
    _changed(session)


async def reorder(session: AsyncSession, table: sa.Table, ids: list[uuid.UUID]) -> None:
    """Gives the listed rows sort_order 0, 1, 2... in the order given."""
    found = set((await session.execute(sa.select(table.c.id).where(table.c.id.in_(ids)))).scalars())
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"Unknown ids: {', '.join(missing)}.")
    for position, item_id in enumerate(ids):
        await session.execute(
            sa.update(table).where(table.c.id == item_id).values(sort_order=position)
        )
    _changed(session)


# --- series -----------------------------------------------------------------------------


async def create_series(session: AsyncSession, body: SeriesIn) -> Series:
    theme = await session.get(Theme, body.theme_id)
    if theme is None or theme.kind != Kind.video.value:
        raise UnprocessableEntity(
            "A series belongs to a video theme.",
            errors=[_error(["theme_id"], "no such video theme", "unknown_theme")],
        )
    await _check_cover(session, body)
    series = Series(**body.model_dump())
    session.add(series)
    await _unique_slug(session, "uq_series_slug", f"The slug '{body.slug}' is taken.")
    _changed(session)
    await session.refresh(series)
    return series


async def get_series(session: AsyncSession, series_id: uuid.UUID) -> Series:
    series: Series = await _get(session, Series, series_id, "series")
    return series


async def update_series(session: AsyncSession, series_id: uuid.UUID, body: SeriesUpdate) -> Series:
    row = await _get(session, Series, series_id, "series", lock=True)
    series: Series = await _patch(session, row, body, "uq_series_slug")
    return series


async def delete_series(session: AsyncSession, series_id: uuid.UUID) -> None:
    series = await get_series(session, series_id)
    episodes = await session.scalar(
        sa.select(sa.func.count())
        .select_from(table_of(Video))
        .where(table_of(Video).c.series_id == series.id)
    )
    if episodes:
        raise Conflict("This series still has episodes.", code="series_not_empty")
    await session.delete(series)
    await session.flush()
    _changed(session)


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
    errors: list[FieldError] = []
    theme = await session.get(Theme, data["theme_id"])
    if theme is None:
        errors.append(_error([*prefix, "theme_id"], "No such theme.", "unknown_theme"))
    elif theme.kind != kind.value:
        errors.append(
            _error(
                [*prefix, "theme_id"],
                f"This is a {theme.kind} theme, not a {kind.value} one.",
                "wrong_kind",
            )
        )
    if data.get("series_id"):
        series = await session.get(Series, data["series_id"])
        if series is None or (theme is not None and series.theme_id != theme.id):
            errors.append(
                _error([*prefix, "series_id"], "No such series in this theme.", "unknown_series")
            )
    ids = asset_ids(kind, body)
    assets = await media_service.existing(session, ids)
    for missing in [i for i in ids if i not in assets]:
        errors.append(_error([*prefix], f"No media asset {missing}.", "unknown_asset"))
    for index, page in enumerate(data.get("pages", [])):
        narration = assets.get(page["narration_asset_id"]) if page["narration_asset_id"] else None
        timings = page["word_timings"]
        if (
            narration is not None
            and narration.duration_ms is not None
            and timings
            and timings[-1][1] > narration.duration_ms
        ):
            errors.append(
                _error(
                    [*prefix, "pages", index, "word_timings"],
                    f"Timings end after the narration ({narration.duration_ms} ms).",
                    "timings_too_long",
                )
            )
    return errors


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
    if kind is Kind.video:
        await session.execute(
            sa.delete(VideoCaption).where(table_of(VideoCaption).c.video_id == item_id)
        )
        session.add_all(VideoCaption(video_id=item_id, **c) for c in data["captions"])
    elif kind is Kind.ebook:
        await session.execute(sa.delete(EbookPage).where(table_of(EbookPage).c.ebook_id == item_id))
        session.add_all(
            EbookPage(ebook_id=item_id, number=n, **p) for n, p in enumerate(data["pages"], 1)
        )
    else:
        await session.execute(
            sa.delete(DiyMaterial).where(table_of(DiyMaterial).c.diy_id == item_id)
        )
        await session.execute(sa.delete(DiyStep).where(table_of(DiyStep).c.diy_id == item_id))
        session.add_all(
            DiyMaterial(diy_id=item_id, position=n, **m) for n, m in enumerate(data["materials"], 1)
        )
        session.add_all(
            DiyStep(diy_id=item_id, number=n, **s) for n, s in enumerate(data["steps"], 1)
        )
    await session.flush()


_VECTOR = (
    "setweight(to_tsvector('english', c.title), 'A') || "
    "setweight(to_tsvector('english', c.description || ' ' || array_to_string(c.tags, ' ')), 'B')"
)
_EBOOK_TEXT = (
    " || setweight(to_tsvector('english', coalesce((SELECT string_agg(p.text, ' ') "
    "FROM ebook_page p WHERE p.ebook_id = c.id), '')), 'C')"
)


async def reindex(session: AsyncSession, kind: Kind, ids: list[uuid.UUID]) -> None:
    vector = _VECTOR + (_EBOOK_TEXT if kind is Kind.ebook else "")
    await session.execute(
        sa.text(
            "INSERT INTO search_document (content_id, kind, theme_id, title, status, published_at, "
            "age_min, age_max, language, vector) "
            f"SELECT c.id, :kind, c.theme_id, c.title, c.status, c.published_at, c.age_min, "
            f"c.age_max, c.language, {vector} FROM {kind.value} c WHERE c.id = ANY(:ids) "
            "ON CONFLICT (content_id) DO UPDATE SET theme_id = excluded.theme_id, "
            "title = excluded.title, status = excluded.status, "
            "published_at = excluded.published_at, "
            "age_min = excluded.age_min, age_max = excluded.age_max, language = excluded.language, "
            "vector = excluded.vector"
        ).bindparams(kind=kind.value, ids=ids)
    )


async def create(session: AsyncSession, kind: Kind, body: BaseModel) -> Any:
    errors = await check(session, kind, body, [])
    if errors:
        raise UnprocessableEntity(errors[0].msg, errors=errors)
    item = MODELS[kind](**_columns(kind, body))
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


async def _children(
    session: AsyncSession, model: type[Any], key: str, item_id: uuid.UUID, order: str
) -> list[Any]:
    table = table_of(model)
    statement = sa.select(model).where(table.c[key] == item_id).order_by(table.c[order])
    return list((await session.execute(statement)).scalars())


async def _current_input(session: AsyncSession, kind: Kind, item: Any) -> dict[str, Any]:
    fields = INPUTS[kind].model_fields
    data = {name: getattr(item, name) for name in fields if hasattr(item, name)}
    if kind is Kind.video:
        captions = await _children(session, VideoCaption, "video_id", item.id, "language")
        data["captions"] = [{"language": c.language, "asset_id": c.asset_id} for c in captions]
    elif kind is Kind.ebook:
        pages = await _children(session, EbookPage, "ebook_id", item.id, "number")
        data["pages"] = [
            {
                "text": p.text,
                "illustration_asset_id": p.illustration_asset_id,
                "narration_asset_id": p.narration_asset_id,
                "word_timings": p.word_timings,
            }
            for p in pages
        ]
    else:
        materials = await _children(session, DiyMaterial, "diy_id", item.id, "position")
        steps = await _children(session, DiyStep, "diy_id", item.id, "number")
        data["materials"] = [
            {"name": m.name, "quantity": m.quantity, "ask_a_grown_up": m.ask_a_grown_up}
            for m in materials
        ]
        data["steps"] = [
            {"text": s.text, "image_asset_id": s.image_asset_id, "video_asset_id": s.video_asset_id}
            for s in steps
        ]
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
        errors = [
            FieldError(loc=["body", *e["loc"]], msg=e["msg"], type=e["type"]) for e in exc.errors()
        ]
        raise UnprocessableEntity(errors[0].msg, errors=errors) from exc
    errors = await check(session, kind, body, [])
    if errors:
        raise UnprocessableEntity(errors[0].msg, errors=errors)
    if item.status in (Status.published.value, Status.scheduled.value):
        await media_service.require_ready(session, asset_ids(kind, body))
    for field, value in _columns(kind, body).items():
        setattr(item, field, value)
    await flush_unique(session, "uq_video_series_id", EPISODE_TAKEN, "episode_taken")
    await _write_children(session, kind, item.id, body)
    await reindex(session, kind, [item.id])
    _changed(session)
    await session.refresh(item)
    return item


async def delete(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> None:
    item = await get_item(session, kind, item_id, lock=True)
    await session.execute(
        sa.delete(SearchDocument).where(table_of(SearchDocument).c.content_id == item.id)
    )
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
        await media_service.require_ready(session, asset_ids(kind, body))
    if action == "publish":
        # The database's clock, like the visibility check it is compared with.
        item.status = Status.published.value
        item.published_at = sa.func.clock_timestamp()
    elif action == "schedule":
        assert publish_at is not None
        if publish_at <= now:
            raise UnprocessableEntity(
                "publish_at must be in the future; publish now instead.",
                errors=[_error(["publish_at"], "must be in the future", "past")],
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
        series.published_at = sa.func.clock_timestamp()  # type: ignore[assignment]
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


def catalogue_assets() -> sa.Select[tuple[uuid.UUID]]:
    """Every asset the catalogue uses, so media housekeeping keeps them."""
    columns = [
        table_of(Theme).c.cover_asset_id,
        table_of(Series).c.cover_asset_id,
        table_of(Video).c.media_asset_id,
        table_of(Video).c.thumbnail_asset_id,
        table_of(VideoCaption).c.asset_id,
        table_of(Ebook).c.cover_asset_id,
        table_of(EbookPage).c.illustration_asset_id,
        table_of(EbookPage).c.narration_asset_id,
        table_of(Diy).c.cover_asset_id,
        table_of(DiyStep).c.image_asset_id,
        table_of(DiyStep).c.video_asset_id,
    ]
    selects = [sa.select(column.label("id")).where(column.is_not(None)) for column in columns]
    union = sa.union_all(*selects).subquery()
    return sa.select(union.c.id)


def card_images(asset_id: sa.ColumnElement[uuid.UUID]) -> sa.ColumnElement[bool]:
    """The catalogue's images anyone may fetch by id: theme covers, and the covers and
    thumbnails of visible series and items (published, or scheduled and due). Each test is
    an index lookup on the asset column."""
    conditions: list[sa.ColumnElement[bool]] = [
        sa.exists().where(table_of(Theme).c.cover_asset_id == asset_id)
    ]
    for model, column in (
        (Series, "cover_asset_id"),
        (Video, "thumbnail_asset_id"),
        (Ebook, "cover_asset_id"),
        (Diy, "cover_asset_id"),
    ):
        table = table_of(model)
        conditions.append(sa.exists().where(table.c[column] == asset_id, queries.is_visible(table)))
    return sa.or_(*conditions)
