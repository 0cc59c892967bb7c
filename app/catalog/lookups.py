"""Small reads of the catalogue for other modules (progress, library): what an item is made
of, and visible items as cards. Fixed SQL on a given asyncpg connection, so a caller can run
them on the connection of its own unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from app.catalog import queries
from app.catalog.schemas import Card, Kind
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime

__all__ = ["ItemFacts", "cards", "item_facts", "recommended"]


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
        f"SELECT id, theme_id, series_id, duration_ms::bigint FROM video "
        f"WHERE id = $1 AND {queries.VISIBLE}"
    ),
    Kind.ebook: (
        f"SELECT id, theme_id, NULL::uuid, "
        f"(SELECT count(*) FROM ebook_page p WHERE p.ebook_id = e.id) "
        f"FROM ebook e WHERE id = $1 AND {queries.visible('e')}"
    ),
    Kind.diy: (
        f"SELECT id, theme_id, NULL::uuid, "
        f"(SELECT count(*) FROM diy_step s WHERE s.diy_id = d.id) "
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
    return ItemFacts(kind, row[0], row[1], row[2], None if row[3] is None else int(row[3]))


# Card columns of every kind line up (see queries.card_columns), so one statement serves a
# mixed list; the kind follows the card columns, as in search.
_CARDS_SQL = " UNION ALL ".join(
    f"SELECT {queries.card_columns(kind)}, '{kind.value}' FROM {kind.value} "
    f"WHERE id = ANY($1::uuid[]) AND {queries.VISIBLE}"
    for kind in Kind
)


def _card(row: Sequence[Any]) -> Card:
    return queries.to_card(Kind(row[16]), row)


async def cards(conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Card]:
    """Cards of the visible items among `ids`, by id; hidden or deleted items are left out."""
    if not ids:
        return {}
    return {row[0]: _card(row) for row in await conn.fetch(_CARDS_SQL, list(ids))}


def _recommended_part(kind: Kind) -> str:
    series = "OR c.series_id IN (SELECT id FROM engaged_series)" if kind is Kind.video else ""
    return (
        f"SELECT {queries.card_columns(kind, 'c')}, '{kind.value}' FROM {kind.value} c "
        f"WHERE {queries.visible('c')} AND c.age_min <= $3 AND c.age_max >= $4 "
        f"AND NOT (c.id = ANY($2::uuid[])) "
        f"AND ($5 OR c.theme_id IN (SELECT id FROM engaged_themes) {series}) "
        f"AND ($6::timestamptz IS NULL OR (c.published_at, c.id) < ($6, $7::uuid))"
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


async def recommended(
    conn: asyncpg.Connection[Any],
    *,
    engaged: Sequence[uuid.UUID],
    exclude: Sequence[uuid.UUID],
    band: tuple[int, int],
    limit: int,
    cursor: str | None = None,
) -> tuple[list[Card], str | None]:
    """One keyset page (newest first) of visible items from the themes and series of the
    `engaged` items that fit `band` (ages), never one of `exclude`."""
    after: tuple[datetime | None, uuid.UUID | None] = (None, None)
    if cursor:
        after = decode_cursor(cursor, parse_datetime, uuid.UUID)
    rows = await conn.fetch(
        _RECOMMENDED_SQL,
        list(engaged),
        list(exclude),
        band[1],
        band[0],
        not engaged,
        after[0],
        after[1],
        limit + 1,
    )
    found = [_card(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit and found:
        next_cursor = encode_cursor([found[-1].published_at, found[-1].id])
    return found, next_cursor
