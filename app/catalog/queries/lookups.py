"""The catalogue's small reads for other modules (app/catalog/lookups.py serves them): what an
item is made of, visible items as card rows, recommendations, and link previews.

Raw asyncpg on the caller's connection, so a caller runs them in its own unit of work: the
heartbeat reads an item's facts (0.66-0.69 of the floor, target 0.50) and "My adventures" its
cards and recommendations (0.82, target 0.50; bench/README.md), where a statement built per
request measured a third of raw asyncpg's speed (DESIGN.md section 9).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg

from app.catalog.queries.columns import VISIBLE, card_columns, visible
from app.catalog.schemas import Kind
from app.core.pagination import keyset

# An item's length in its own units (milliseconds of a video, pages of an eBook, steps of a
# DIY) and where it belongs; $1 the item. A video's length is its file's (processing measured
# it): without a file it has none, and cannot be played.
FACTS_SQL = {
    Kind.video: (
        f"SELECT id, theme_id, series_id, "
        f"CASE WHEN media_asset_id IS NOT NULL THEN duration_ms::bigint END AS units FROM video "
        f"WHERE id = $1 AND {VISIBLE}"
    ),
    Kind.ebook: (
        f"SELECT id, theme_id, NULL::uuid AS series_id, "
        f"(SELECT count(*) FROM ebook_page p WHERE p.ebook_id = e.id) AS units "
        f"FROM ebook e WHERE id = $1 AND {visible('e')}"
    ),
    Kind.diy: (
        f"SELECT id, theme_id, NULL::uuid AS series_id, "
        f"(SELECT count(*) FROM diy_step s WHERE s.diy_id = d.id) AS units "
        f"FROM diy d WHERE id = $1 AND {visible('d')}"
    ),
}


async def item_facts(
    conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID
) -> asyncpg.Record | None:
    """The item's id, theme_id, series_id and units if it is visible now, else None."""
    row: asyncpg.Record | None = await conn.fetchrow(FACTS_SQL[kind], item_id)
    return row


# Card columns of every kind line up (see card_columns), so one statement serves a mixed
# list; the kind follows the card columns, as in search. $1 the ids.
CARDS_SQL = " UNION ALL ".join(
    f"SELECT {card_columns(kind)}, '{kind.value}' AS kind FROM {kind.value} "
    f"WHERE id = ANY($1::uuid[]) AND {VISIBLE}"
    for kind in Kind
)


async def visible_cards(
    conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    """Rows of card columns (and `kind`) of the visible items among `ids`, in no order."""
    rows: list[asyncpg.Record] = await conn.fetch(CARDS_SQL, list(ids))
    return rows


def _recommended_part(kind: Kind) -> str:
    series = "OR c.series_id IN (SELECT id FROM engaged_series)" if kind is Kind.video else ""
    return (
        f"SELECT {card_columns(kind, 'c')}, '{kind.value}' AS kind FROM {kind.value} c "
        f"WHERE {visible('c')} AND c.age_min <= $3 AND c.age_max >= $4 "
        f"AND NOT (c.id = ANY($2::uuid[])) "
        f"AND ($5 OR c.theme_id IN (SELECT id FROM engaged_themes) {series}) "
        f"AND ($6::timestamptz IS NULL OR "
        f"{keyset(['c.published_at', 'c.id'], ['$6', '$7::uuid'], descending=True)})"
    )


# Themes and series of what the explorer engaged with; then the newest visible items of
# those, for their age band, leaving out what they already have. With nothing engaged yet
# ($5), the newest items for their age band.
RECOMMENDED_SQL = f"""
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


async def recommended(
    conn: asyncpg.Connection[Any],
    *,
    engaged: Sequence[uuid.UUID],
    exclude: Sequence[uuid.UUID],
    band: tuple[int, int],
    limit: int,
    after: tuple[Any, Any],
) -> list[asyncpg.Record]:
    """Up to `limit` rows of card columns (and `kind`), newest first after `after` (time,
    id), of visible items from the themes and series of the `engaged` items that fit `band`
    (ages), never one of `exclude`."""
    rows: list[asyncpg.Record] = await conn.fetch(
        RECOMMENDED_SQL,
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


_PREVIEW_IMAGE = {
    Kind.video: "thumbnail_asset_id",
    Kind.ebook: "cover_asset_id",
    Kind.diy: "cover_asset_id",
}
# The item whether visible or not, and whether it is; $1 the item.
PREVIEW_SQL = {
    kind: (
        f"SELECT id, title, description, {_PREVIEW_IMAGE[kind]} AS image_asset_id, "
        f"({VISIBLE}) AS visible FROM {kind.value} WHERE id = $1"
    )
    for kind in Kind
}


async def preview(
    conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID
) -> asyncpg.Record | None:
    """The item's id, title, description, image_asset_id and whether it is visible now;
    None when there is no such item."""
    row: asyncpg.Record | None = await conn.fetchrow(PREVIEW_SQL[kind], item_id)
    return row
