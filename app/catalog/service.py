"""Public reads of the catalogue: lists, details, search and app screens.

Visible means published, or scheduled and its time has come, which needs no job: every read
compares `published_at` with now. Responses are cached (tag `catalog`, TTL
CACHE_TTL_SECONDS), so a scheduled item appears within one TTL.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import queries
from app.catalog.models import (
    Diy,
    DiyMaterial,
    DiyStep,
    Ebook,
    EbookPage,
    Series,
    Theme,
    Video,
    VideoCaption,
)
from app.catalog.queries import ListFilters, to_card
from app.catalog.schemas import (
    AGE_BANDS,
    CaptionOut,
    Card,
    CardPage,
    DiyOut,
    EbookOut,
    Kind,
    MaterialOut,
    PageOut,
    Row,
    Screen,
    SearchResults,
    SeriesOut,
    SeriesSummary,
    Status,
    StepOut,
    ThemeOut,
    VideoOut,
)
from app.core.db import Database
from app.core.errors import NotFound
from app.core.schema import table_of
from app.media import service as media_service
from app.runtime import Runtime

CATALOG_TAG = "catalog"
_themes = table_of(Theme).c
_series = table_of(Series).c


def _visible(table: sa.Table) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.status.in_((Status.published.value, Status.scheduled.value)),
        table.c.published_at <= sa.func.statement_timestamp(),
    )


def theme_out(theme: Theme) -> ThemeOut:
    return ThemeOut(
        id=theme.id,
        kind=Kind(theme.kind),
        slug=theme.slug,
        title=theme.title,
        description=theme.description,
        colour=theme.colour,
        sort_order=theme.sort_order,
        cover_url=queries.image_url(theme.cover_asset_id),
    )


async def themes(session: AsyncSession, kind: Kind | None) -> list[ThemeOut]:
    statement = sa.select(Theme).order_by(_themes.kind, _themes.sort_order, _themes.title)
    if kind:
        statement = statement.where(_themes.kind == kind.value)
    return [theme_out(t) for t in (await session.execute(statement)).scalars()]


async def theme_by_slug(session: AsyncSession, slug: str) -> ThemeOut:
    theme = (
        await session.execute(sa.select(Theme).where(_themes.slug == slug))
    ).scalar_one_or_none()
    if theme is None:
        raise NotFound("No such theme.")
    return theme_out(theme)


async def list_cards(
    db: Database, kind: Kind, filters: ListFilters, limit: int, cursor: str | None
) -> CardPage:
    sql, params = queries.list_sql(kind, filters, limit, cursor)
    async with db.raw_connection() as conn:
        rows = await conn.fetch(sql, *params)
    # One validation of the whole page: a quarter cheaper than a model per card.
    return CardPage.model_validate(
        {
            "items": [queries.card_fields(kind, row) for row in rows[:limit]],
            "next_cursor": queries.next_cursor(kind, filters.sort, rows, limit),
        }
    )


async def _signed(
    runtime: Runtime, session: AsyncSession, ids: Sequence[uuid.UUID | None]
) -> dict[uuid.UUID, str | None]:
    settings = runtime.settings
    return await media_service.download_urls(
        session,
        runtime.storage,
        [i for i in ids if i is not None],
        settings.download_url_minutes,
        settings.media_cdn_base_url,
    )


async def _visible_item(session: AsyncSession, model: type[Any], item_id: uuid.UUID) -> Any:
    table = table_of(model)
    item = (
        await session.execute(sa.select(model).where(table.c.id == item_id, _visible(table)))
    ).scalar_one_or_none()
    if item is None:
        raise NotFound("Nothing to see here (yet).")
    return item


def _card_of(kind: Kind, item: Any) -> dict[str, Any]:
    image = item.thumbnail_asset_id if kind is Kind.video else item.cover_asset_id
    return {
        "id": item.id,
        "kind": kind,
        "title": item.title,
        "theme_id": item.theme_id,
        "age_min": item.age_min,
        "age_max": item.age_max,
        "language": item.language,
        "tags": list(item.tags),
        "published_at": item.published_at,
        "image_url": queries.image_url(image),
        "status": Status(item.status),
        "description": item.description,
    }


async def video(runtime: Runtime, session: AsyncSession, video_id: uuid.UUID) -> VideoOut:
    item: Video = await _visible_item(session, Video, video_id)
    captions = (
        (
            await session.execute(
                sa.select(VideoCaption).where(table_of(VideoCaption).c.video_id == item.id)
            )
        )
        .scalars()
        .all()
    )
    urls = await _signed(runtime, session, [item.media_asset_id, *[c.asset_id for c in captions]])
    return VideoOut(
        **_card_of(Kind.video, item),
        duration_ms=item.duration_ms,
        series_id=item.series_id,
        episode=item.episode,
        season=item.season,
        category=item.category,
        media_url=urls.get(item.media_asset_id) if item.media_asset_id else None,
        captions=[CaptionOut(language=c.language, url=urls.get(c.asset_id)) for c in captions],
    )


async def ebook(runtime: Runtime, session: AsyncSession, ebook_id: uuid.UUID) -> EbookOut:
    item: Ebook = await _visible_item(session, Ebook, ebook_id)
    pages = (
        (
            await session.execute(
                sa.select(EbookPage)
                .where(table_of(EbookPage).c.ebook_id == item.id)
                .order_by(table_of(EbookPage).c.number)
            )
        )
        .scalars()
        .all()
    )
    urls = await _signed(
        runtime,
        session,
        [a for p in pages for a in (p.illustration_asset_id, p.narration_asset_id)],
    )
    return EbookOut(
        **_card_of(Kind.ebook, item),
        author=item.author,
        reading_level=item.reading_level,
        pages=[
            PageOut(
                number=p.number,
                text=p.text,
                illustration_url=urls.get(p.illustration_asset_id)
                if p.illustration_asset_id
                else None,
                narration_url=urls.get(p.narration_asset_id) if p.narration_asset_id else None,
                word_timings=p.word_timings,
            )
            for p in pages
        ],
    )


async def diy(runtime: Runtime, session: AsyncSession, diy_id: uuid.UUID) -> DiyOut:
    item: Diy = await _visible_item(session, Diy, diy_id)
    materials = (
        (
            await session.execute(
                sa.select(DiyMaterial)
                .where(table_of(DiyMaterial).c.diy_id == item.id)
                .order_by(table_of(DiyMaterial).c.position)
            )
        )
        .scalars()
        .all()
    )
    steps = (
        (
            await session.execute(
                sa.select(DiyStep)
                .where(table_of(DiyStep).c.diy_id == item.id)
                .order_by(table_of(DiyStep).c.number)
            )
        )
        .scalars()
        .all()
    )
    urls = await _signed(
        runtime, session, [a for s in steps for a in (s.image_asset_id, s.video_asset_id)]
    )
    return DiyOut(
        **_card_of(Kind.diy, item),
        category="diy",
        difficulty=item.difficulty,
        minutes=item.minutes,
        materials=[
            MaterialOut(name=m.name, quantity=m.quantity, ask_a_grown_up=m.ask_a_grown_up)
            for m in materials
        ],
        steps=[
            StepOut(
                number=s.number,
                text=s.text,
                image_url=urls.get(s.image_asset_id) if s.image_asset_id else None,
                video_url=urls.get(s.video_asset_id) if s.video_asset_id else None,
            )
            for s in steps
        ],
    )


async def series_list(session: AsyncSession, theme: str | None) -> list[SeriesSummary]:
    statement = (
        sa.select(Series)
        .where(_visible(table_of(Series)))
        .order_by(_series.sort_order, _series.title)
    )
    if theme:
        statement = statement.where(
            _series.theme_id == sa.select(_themes.id).where(_themes.slug == theme).scalar_subquery()
        )
    return [
        SeriesSummary(
            id=s.id,
            slug=s.slug,
            title=s.title,
            theme_id=s.theme_id,
            cover_url=queries.image_url(s.cover_asset_id),
        )
        for s in (await session.execute(statement)).scalars()
    ]


async def series_detail(db: Database, session: AsyncSession, series_id: uuid.UUID) -> SeriesOut:
    item: Series = await _visible_item(session, Series, series_id)
    async with db.raw_connection() as conn:
        rows = await conn.fetch(
            f"SELECT {queries.card_columns(Kind.video)} FROM video WHERE series_id = $1 "
            f"AND {queries.VISIBLE} ORDER BY season NULLS FIRST, episode",
            item.id,
        )
    return SeriesOut(
        id=item.id,
        slug=item.slug,
        title=item.title,
        description=item.description,
        theme_id=item.theme_id,
        cover_url=queries.image_url(item.cover_asset_id),
        episodes=[to_card(Kind.video, row) for row in rows],
    )


async def search(db: Database, q: str, kind: Kind | None, limit: int) -> SearchResults:
    async with db.raw_connection() as conn:
        rows = await conn.fetch(
            queries.SEARCH_SQL,
            q.lower(),
            queries.prefix_query(q),
            kind.value if kind else None,
            limit,
        )
    return SearchResults.model_validate({"items": [queries.hit_fields(row) for row in rows]})


# --- screens ----------------------------------------------------------------------------

ROW_SIZE = 10
FEATURED = 8
ADVENTURE_CATEGORIES = ["stories", "music", "dance", "science", "culture"]


async def _rows_by_theme(
    db: Database, session: AsyncSession, kinds: list[Kind], band: tuple[int, int] | None
) -> list[Row]:
    all_themes = (
        (
            await session.execute(
                sa.select(Theme)
                .where(_themes.kind.in_([k.value for k in kinds]))
                .order_by(_themes.kind, _themes.sort_order)
            )
        )
        .scalars()
        .all()
    )
    cards: dict[uuid.UUID, list[Card]] = defaultdict(list)
    async with db.raw_connection() as conn:
        for kind in kinds:
            sql, params = queries.rows_per_theme_sql(kind, ROW_SIZE, band)
            for row in await conn.fetch(sql, *params):
                cards[row[2]].append(to_card(kind, row))
    order = {kind.value: index for index, kind in enumerate(kinds)}
    ordered = sorted(all_themes, key=lambda t: (order[t.kind], t.sort_order, t.title))
    return [
        Row(title=t.title, theme=theme_out(t), items=cards[t.id])
        for t in ordered
        if cards.get(t.id)
    ]


async def _newest(
    db: Database, kinds: list[Kind], band: tuple[int, int] | None, limit: int
) -> list[Card]:
    found: list[Card] = []
    async with db.raw_connection() as conn:
        for kind in kinds:
            sql, params = queries.newest_sql(kind, limit, band)
            found += [to_card(kind, row) for row in await conn.fetch(sql, *params)]
    found.sort(key=lambda c: (c.published_at is not None, c.published_at), reverse=True)
    return found[:limit]


def age_band(band: str | None) -> tuple[int, int] | None:
    return AGE_BANDS.get(band) if band else None


async def screen(
    db: Database, session: AsyncSession, tab: str, band: tuple[int, int] | None
) -> Screen:
    if tab == "adventure-show":
        rows: list[Row] = []
        async with db.raw_connection() as conn:
            for category in ADVENTURE_CATEGORIES:
                sql, params = queries.newest_sql(Kind.video, ROW_SIZE, band, category)
                items = [to_card(Kind.video, r) for r in await conn.fetch(sql, *params)]
                if items:
                    rows.append(Row(title=category.title(), category=category, items=items))
            sql, params = queries.newest_sql(Kind.diy, ROW_SIZE, band)
            diys = [to_card(Kind.diy, r) for r in await conn.fetch(sql, *params)]
        if diys:
            rows.append(Row(title="DIY", category="diy", items=diys))
        featured = await _newest(db, [Kind.video, Kind.diy], band, FEATURED)
        return Screen(featured=featured, rows=rows)
    kinds = {
        "explore": [Kind.video, Kind.ebook, Kind.diy],
        "videos": [Kind.video],
        "ebooks": [Kind.ebook],
    }[tab]
    return Screen(
        featured=await _newest(db, kinds, band, FEATURED),
        rows=await _rows_by_theme(db, session, kinds, band),
    )
