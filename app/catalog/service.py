"""Public reads of the catalogue: lists, details, search and app screens.

Visible means published, or scheduled and its time has come, which needs no job: every read
compares `published_at` with now. Responses are cached (tag `catalog`, TTL
CACHE_TTL_SECONDS), so a scheduled item appears within one TTL.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import queries
from app.catalog.queries import ListFilters, theme_out, to_card
from app.catalog.schemas import (
    AGE_BANDS,
    CaptionOut,
    CardPage,
    DiyDetail,
    EbookDetail,
    Kind,
    MaterialOut,
    PageOut,
    Screen,
    SearchResults,
    SeriesOut,
    SeriesSummary,
    Status,
    StepOut,
    ThemeOut,
    VideoDetail,
)
from app.core.db import Connection
from app.core.errors import NotFound
from app.core.http_cache import Written, written
from app.core.pagination import Page, build_page
from app.media.links import NO_FILE, FileLink, MediaLinks

__all__ = ["MediaLinks"]


class WrittenCardPage(Written, CardPage):
    """A page of cards as written from its rows (queries.card_plain)."""


async def list_cards(
    conn: Connection, kind: Kind, filters: ListFilters, limit: int, cursor: str | None
) -> CardPage:
    rows = await queries.list_cards(conn, kind, filters, limit, cursor)
    # The cards' JSON written once from the rows, like the screens' and search's: validating
    # the page into models and serialising it again was a fifth of an uncached list.
    value = kind.value
    return written(
        WrittenCardPage,
        {
            "items": [queries.card_plain(value, row) for row in rows[:limit]],
            "next_cursor": queries.next_cursor(kind, filters.sort, rows, limit),
        },
    )


# --- themes and series ------------------------------------------------------------------


async def themes(
    conn: Connection, kind: Kind | None, limit: int, cursor: str | None
) -> Page[ThemeOut]:
    rows = await queries.themes(conn, kind, limit, cursor)
    return build_page(rows, limit, queries.theme_sort_key, theme_out)


async def theme_by_slug(conn: Connection, slug: str) -> ThemeOut:
    row = await queries.theme_by_slug(conn, slug)
    if row is None:
        raise NotFound("No such theme.")
    return theme_out(row)


def series_summary(row: Any) -> SeriesSummary:
    """A series as lists show it, from a row or a Series."""
    return SeriesSummary(
        id=queries.field(row, "id"),
        slug=queries.field(row, "slug"),
        title=queries.field(row, "title"),
        theme_id=queries.field(row, "theme_id"),
        cover_url=queries.image_url(queries.field(row, "cover_asset_id")),
    )


async def series_list(
    conn: Connection, theme: str | None, limit: int, cursor: str | None
) -> Page[SeriesSummary]:
    rows = await queries.series_list(conn, theme, limit, cursor)
    return build_page(rows, limit, queries.series_sort_key, series_summary)


async def series_detail(conn: Connection, series_id: uuid.UUID) -> SeriesOut:
    item = await queries.series(conn, series_id)
    if item is None:
        raise NotFound("Nothing to see here (yet).")
    rows = await queries.episodes(conn, series_id)
    return SeriesOut(
        id=item["id"],
        slug=item["slug"],
        title=item["title"],
        description=item["description"],
        theme_id=item["theme_id"],
        cover_url=queries.image_url(item["cover_asset_id"]),
        episodes=[to_card(Kind.video, row) for row in rows],
    )


# --- details ----------------------------------------------------------------------------


async def _visible_item(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> Any:
    row = await queries.visible_item(session, kind, item_id)
    if row is None:
        raise NotFound("Nothing to see here (yet).")
    return row


def _detail_card(kind: Kind, row: Any) -> dict[str, Any]:
    return {
        **queries.card_fields(kind, row),
        "status": Status(row["status"]),
        "description": row["description"],
    }


async def video(session: AsyncSession, links: MediaLinks, video_id: uuid.UUID) -> VideoDetail:
    item = await _visible_item(session, Kind.video, video_id)
    captions = await queries.captions(session, video_id)
    files = await links.files(session, [item["media_asset_id"], *[c["asset_id"] for c in captions]])
    return VideoDetail(
        **_detail_card(Kind.video, item),
        season=item["season"],
        media_url=_file(files, item["media_asset_id"]).url,
        width=item["width"],
        height=item["height"],
        captions=[
            CaptionOut(language=c["language"], url=_file(files, c["asset_id"]).url)
            for c in captions
        ],
    )


async def ebook(session: AsyncSession, links: MediaLinks, ebook_id: uuid.UUID) -> EbookDetail:
    item = await _visible_item(session, Kind.ebook, ebook_id)
    pages = await queries.pages(session, ebook_id)
    files = await links.files(
        session, [p[a] for p in pages for a in ("illustration_asset_id", "narration_asset_id")]
    )
    out = []
    for p in pages:
        picture = _file(files, p["illustration_asset_id"])
        narration = _file(files, p["narration_asset_id"])
        out.append(
            PageOut(
                number=p["number"],
                text=p["text"],
                illustration_url=picture.url,
                illustration_width=picture.width,
                illustration_height=picture.height,
                narration_url=narration.url,
                narration_source=p["narration_source"] if narration.url else None,
                word_timings=p["word_timings"],
            )
        )
    return EbookDetail(
        **_detail_card(Kind.ebook, item),
        reading_level=item["reading_level"],
        read_aloud_available=bool(out) and all(page.narration_url for page in out),
        pages=out,
    )


async def diy(session: AsyncSession, links: MediaLinks, diy_id: uuid.UUID) -> DiyDetail:
    item = await _visible_item(session, Kind.diy, diy_id)
    materials = await queries.materials(session, diy_id)
    steps = await queries.steps(session, diy_id)
    files = await links.files(
        session, [s[a] for s in steps for a in ("image_asset_id", "video_asset_id")]
    )
    out = []
    for s in steps:
        picture = _file(files, s["image_asset_id"])
        out.append(
            StepOut(
                number=s["number"],
                text=s["text"],
                image_url=picture.url,
                image_width=picture.width,
                image_height=picture.height,
                video_url=_file(files, s["video_asset_id"]).url,
            )
        )
    return DiyDetail(
        **_detail_card(Kind.diy, item),
        materials=[
            MaterialOut(name=m["name"], quantity=m["quantity"], ask_a_grown_up=m["ask_a_grown_up"])
            for m in materials
        ],
        steps=out,
    )


def _file(files: dict[uuid.UUID, FileLink], asset_id: uuid.UUID | None) -> FileLink:
    return files.get(asset_id, NO_FILE) if asset_id else NO_FILE


class WrittenResults(Written, SearchResults):
    """Search results as written from their rows (queries.hit_plain)."""


async def search(conn: Connection, q: str, kind: Kind | None, limit: int) -> SearchResults:
    terms = queries.prefix_query(q)
    if terms is None:  # only punctuation: no word to look for
        return SearchResults(items=[])
    rows = await queries.search(conn, q, terms, kind, limit)
    return written(
        WrittenResults, {"items": [queries.hit_plain(row) for row in rows], "next_cursor": None}
    )


# --- screens ----------------------------------------------------------------------------

ROW_SIZE = 10
FEATURED = 8
ADVENTURE_CATEGORIES = ["stories", "music", "dance", "science", "culture"]


# A screen is the widest answer there is (about a hundred cards): its rows are written as
# JSON once, straight from the database's rows (queries.card_plain), never validated into
# models and serialised again; each row and card has every field of its model, in order.
class WrittenScreen(Written, Screen):
    """A screen as written from its rows; `featured` and `rows` hold the plain fields."""


def _row(title: str, theme: dict[str, Any] | None, category: str | None) -> dict[str, Any]:
    return {"title": title, "theme": theme, "category": category, "items": []}


async def _rows_by_theme(
    conn: Connection, kinds: list[Kind], band: tuple[int, int] | None
) -> list[dict[str, Any]]:
    """A row per theme that has something to show, in the app's order: one statement per
    kind brings each theme with its newest cards (the theme's columns first)."""
    rows: list[dict[str, Any]] = []
    card, width = queries.card_plain, queries.THEME_WIDTH
    for kind in kinds:
        value = kind.value
        items: list[dict[str, Any]] = []
        theme_id = None
        for record in await queries.rows_per_theme(conn, kind, ROW_SIZE, band):
            if record[0] != theme_id:
                theme_id = record[0]
                theme = queries.theme_plain(record)
                row = _row(theme["title"], theme, None)
                rows.append(row)
                items = row["items"]
            items.append(card(value, record, width))
    return rows


async def _cards(
    conn: Connection, kind: Kind, band: tuple[int, int] | None, category: str | None = None
) -> list[dict[str, Any]]:
    """The newest ROW_SIZE cards of a kind, as plain fields."""
    value = kind.value
    rows = await queries.newest(conn, kind, ROW_SIZE, band, category)
    return [queries.card_plain(value, row) for row in rows]


_PUBLISHED_AT = queries.CARD_COLUMNS.index("published_at")


def _newest_first(found: tuple[str, Any]) -> tuple[bool, Any]:
    published_at = found[1][_PUBLISHED_AT]
    return published_at is not None, published_at


async def _newest(
    conn: Connection, kinds: list[Kind], band: tuple[int, int] | None, limit: int
) -> list[dict[str, Any]]:
    """The newest `limit` of the newest `limit` of each kind; only those become cards."""
    found: list[tuple[str, Any]] = []
    for kind in kinds:
        found += [(kind.value, row) for row in await queries.newest(conn, kind, limit, band)]
    found.sort(key=_newest_first, reverse=True)
    return [queries.card_plain(kind, row) for kind, row in found[:limit]]


def age_band(band: str | None) -> tuple[int, int] | None:
    return AGE_BANDS.get(band) if band else None


async def screen(conn: Connection, tab: str, band: tuple[int, int] | None) -> Screen:
    if tab == "adventure-show":
        rows: list[dict[str, Any]] = []
        for category in ADVENTURE_CATEGORIES:
            items = await _cards(conn, Kind.video, band, category)
            if items:
                rows.append({**_row(category.title(), None, category), "items": items})
        diys = await _cards(conn, Kind.diy, band)
        if diys:
            rows.append({**_row("DIY", None, "diy"), "items": diys})
        featured = await _newest(conn, [Kind.video, Kind.diy], band, FEATURED)
        return written(WrittenScreen, {"featured": featured, "rows": rows})
    kinds = {
        "explore": [Kind.video, Kind.ebook, Kind.diy],
        "videos": [Kind.video],
        "ebooks": [Kind.ebook],
    }[tab]
    featured = await _newest(conn, kinds, band, FEATURED)
    rows = await _rows_by_theme(conn, kinds, band)
    return written(WrittenScreen, {"featured": featured, "rows": rows})
