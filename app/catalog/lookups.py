"""Small reads of the catalogue for other modules (progress, library, classrooms, links):
what an item is made of, visible items as cards, recommendations and link previews. They run
on a given asyncpg connection, so a caller runs them on the connection of its own unit of
work; the statements are in queries/lookups.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from app.catalog import queries
from app.catalog.queries import card_plain
from app.catalog.schemas import Card, Kind

__all__ = [
    "ItemFacts",
    "Preview",
    "card_plain",
    "card_rows",
    "cards",
    "item_facts",
    "preview",
    "recommended_rows",
]

# The statements by the names bench/floor.py runs them with (it runs the app's own SQL).
_FACTS_SQL = queries.FACTS_SQL
_CARDS_SQL = queries.CARDS_SQL
_RECOMMENDED_SQL = queries.RECOMMENDED_SQL


@dataclass(frozen=True)
class ItemFacts:
    """What progress needs of a visible item: its length in its own units (milliseconds of
    a video, pages of an eBook, steps of a DIY) and where it belongs."""

    kind: Kind
    id: uuid.UUID
    theme_id: uuid.UUID
    series_id: uuid.UUID | None
    units: int | None  # None: a video whose duration is not known yet


async def item_facts(
    conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID
) -> ItemFacts | None:
    """The item if it is visible now (published, or scheduled and its time has come)."""
    row = await queries.item_facts(conn, kind, item_id)
    if row is None:
        return None
    units = row["units"]
    return ItemFacts(
        kind, row["id"], row["theme_id"], row["series_id"], None if units is None else int(units)
    )


def _card(row: asyncpg.Record) -> Card:
    return queries.to_card(Kind(row["kind"]), row)


async def card_rows(
    conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, asyncpg.Record]:
    """Rows of card columns (and `kind`) of the visible items among `ids`, by id; hidden or
    deleted items are left out (`card_plain` writes them as cards)."""
    if not ids:
        return {}
    return {row["id"]: row for row in await queries.visible_cards(conn, ids)}


async def cards(conn: asyncpg.Connection[Any], ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Card]:
    """`card_rows` as cards."""
    return {ident: _card(row) for ident, row in (await card_rows(conn, ids)).items()}


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
    return await queries.recommended(
        conn, engaged=engaged, exclude=exclude, band=band, limit=limit, after=after
    )


@dataclass(frozen=True)
class Preview:
    """What a link preview shows of an item, and whether it is visible now."""

    kind: Kind
    id: uuid.UUID
    title: str
    description: str
    image_url: str | None  # relative to the service's base URL
    visible: bool


async def preview(conn: asyncpg.Connection[Any], kind: Kind, item_id: uuid.UUID) -> Preview | None:
    """The item whether visible or not (share links tell "gone" from "never was"); None
    when there is no such item."""
    row = await queries.preview(conn, kind, item_id)
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
