"""Small reads of the catalogue for other modules (progress, library): what an item is made
of, and visible items as cards. Fixed SQL on a given asyncpg connection, so a caller can run
them on the connection of its own unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from app.catalog import queries
from app.catalog.schemas import Card, Kind
from app.core.pagination import keyset

__all__ = [
    "ItemFacts",
    "card_rows",
    "cards",
    "item_facts",
    "recommended_rows",
]


@dataclass(frozen=True)
class ItemFacts:
    """What progress needs of a visible item: its length in its own units (milliseconds of
    a video, pages of an eBook, steps of a DIY) and where it belongs."""

    kind: Kind
    id: uuid.UUID
    theme_id: uuid.UUID
    series_id: uuid.UUID | None
    units: int | None  # None: a video whose duration is not known yet


_FACTS_SQL = {
    Kind.video: (
        f"SELECT id, theme_id, series_id, duration_ms::bigint AS units FROM video "
        f"WHERE id = $1 AND {queries.VISIBLE}"
    ),
    Kind.ebook: (
        f"SELECT id, theme_id, NULL::uuid AS series_id, "
        f"(SELECT count(*) FROM ebook_page p WHERE p.ebook_id = e.id) AS units "
        f"FROM ebook e WHERE id = $1 AND {queries.visible('e')}"
    ),
    Kind.diy: (
        f"SELECT id, theme_id, NULL::uuid AS series_id, "
        f"(SELECT count(*) FROM diy_step s WHERE s.diy_id = d.id) AS units "
        f"FROM diy d WHERE id = $1 AND {queries.visible('d')}"
    ),
}


async def item_facts(
    conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID
) -> ItemFacts | None:
    """The item if it is visible now (published, or scheduled and its time has come)."""
    row = await conn.fetchrow(_FACTS_SQL[kind], item_id)
    if row is None:
        return None
    units = row["units"]
    return ItemFacts(
        kind, row["id"], row["theme_id"], row["series_id"], None if units is None else int(units)
    )


# Card columns of every kind line up (see queries.card_columns), so one statement serves a
# mixed list; the kind follows the card columns, as in search.
_CARDS_SQL = " UNION ALL ".join(
    f"SELECT {queries.card_columns(kind)}, '{kind.value}' AS kind FROM {kind.value} "
    f"WHERE id = ANY($1::uuid[]) AND {queries.VISIBLE}"
    for kind in Kind
)


def _card(row: asyncpg.Record) -> Card:
    return queries.to_card(Kind(row["kind"]), row)


async def card_rows(
    conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, asyncpg.Record]:
    """Rows of card columns (and `kind`) of the visible items among `ids`, by id; hidden or
    deleted items are left out (`queries.card_plain` writes them as cards)."""
    if not ids:
        return {}
    return {row["id"]: row for row in await conn.fetch(_CARDS_SQL, list(ids))}


async def cards(conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Card]:
    """`card_rows` as cards."""
    return {ident: _card(row) for ident, row in (await card_rows(conn, ids)).items()}


def _recommended_part(kind: Kind) -> str:
    series = "OR c.series_id IN (SELECT id FROM engaged_series)" if kind is Kind.video else ""
    return (
        f"SELECT {queries.card_columns(kind, 'c')}, '{kind.value}' AS kind FROM {kind.value} c "
        f"WHERE {queries.visible('c')} AND c.age_min <= $3 AND c.age_max >= $4 "
        f"AND NOT (c.id = ANY($2::uuid[])) "
        f"AND ($5 OR c.theme_id IN (SELECT id FROM engaged_themes) {series}) "
        f"AND ($6::timestamptz IS NULL OR "
        f"{keyset(['c.published_at', 'c.id'], ['$6', '$7::uuid'], descending=True)})"
    )


# Themes and series of what the explorer engaged with; then the newest visible items of
# those, for their age band, leaving out what they already have. With nothing engaged yet
# ($5), the newest items for their age band.
_RECOMMENDED_SQL = f"""
WITH engaged_themes AS (
    SELECT theme_id AS id FROM video WHERE id = ANY($1::uuid[])
    UNION SELECT theme_id FROM ebook WHERE id = ANY($1::uuid[])
    UNION SELECT theme_id FROM diy WHERE id = ANY($1::uuid[])
),
engaged_series AS (
    SELECT series_id AS id FROM video WHERE id = ANY($1::uuid[]) AND series_id IS NOT NULL
)
{" UNION ALL ".join(_recommended_part(kind) for kind in Kind)}
ORDER BY published_at DESC, id DESC
LIMIT $8
"""


async def recommended_rows(
    conn: asyncpg.Connection[Any],
    *,
    engaged: Sequence[uuid.UUID],
    exclude: Sequence[uuid.UUID],
    band: tuple[int, int],
    limit: int,
    after: tuple[Any, Any] = (None, None),
) -> list[asyncpg.Record]:
    """Up to `limit` rows of card columns (and `kind`), newest first after `after` (time,
    id), of visible items from the themes and series of the `engaged` items that fit `band`
    (ages), never one of `exclude`."""
    rows: list[asyncpg.Record] = await conn.fetch(
        _RECOMMENDED_SQL,
        list(engaged),
        list(exclude),
        band[1],
        band[0],
        not engaged,
        after[0],
        after[1],
        limit,
    )
    return rows


@dataclass(frozen=True)
class Preview:
    """What a link preview shows of an item, and whether it is visible now."""

    kind: Kind
    id: uuid.UUID
    title: str
    description: str
    image_url: str | None  # relative to the service's base URL
    visible: bool


_PREVIEW_IMAGE = {
    Kind.video: "thumbnail_asset_id",
    Kind.ebook: "cover_asset_id",
    Kind.diy: "cover_asset_id",
}
_PREVIEW_SQL = {
    kind: (
        f"SELECT id, title, description, {_PREVIEW_IMAGE[kind]} AS image_asset_id, "
        f"({queries.VISIBLE}) AS visible FROM {kind.value} WHERE id = $1"
    )
    for kind in Kind
}


async def preview(conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID) -> Preview | None:
    """The item whether visible or not (share links tell "gone" from "never was"); None
    when there is no such item."""
    row = await conn.fetchrow(_PREVIEW_SQL[kind], item_id)
    if row is None:
        return None
    return Preview(
        kind,
        row["id"],
        row["title"],
        row["description"],
        queries.image_url(row["image_asset_id"]),
        bool(row["visible"]),
    )
