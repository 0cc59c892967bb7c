"""What a card and a theme are as columns and as rows: the visibility rule, the columns every
card statement selects (named, in one order for every kind), and the cards, themes and hits
built from those rows, as models or as the plain fields JSON writes.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from app.catalog.models import VISIBLE_STATUSES
from app.catalog.schemas import Card, Kind, ThemeOut

# An asyncpg Record or a SQLAlchemy row mapping: both are read by column name here.
Row = Any


# The one visibility rule: published, or scheduled and its time has come. statement_timestamp(),
# not now(): now() is frozen at the start of a transaction, and an item published earlier in
# the same transaction must count as published.
def visible(alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    statuses = ", ".join(f"'{status}'" for status in VISIBLE_STATUSES)
    return f"{p}status IN ({statuses}) AND {p}published_at <= statement_timestamp()"


VISIBLE = visible()


def is_visible(table: sa.Table) -> sa.ColumnElement[bool]:
    """The same rule as a Core expression on a table, for statements built with SQLAlchemy."""
    return sa.and_(
        table.c.status.in_(VISIBLE_STATUSES),
        table.c.published_at <= sa.func.statement_timestamp(),
    )


# Per kind: the table, its image column, and the kind-specific columns of a card
# (duration, series, episode, category, author, difficulty, minutes), named.
_KIND_SQL: dict[Kind, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    Kind.video: (
        "video",
        "thumbnail_asset_id",
        (
            ("duration_ms", "duration_ms"),
            ("series_id", "series_id"),
            ("episode", "episode"),
            ("category", "category"),
            ("NULL::text", "author"),
            ("NULL::text", "difficulty"),
            ("NULL::int", "minutes"),
        ),
    ),
    Kind.ebook: (
        "ebook",
        "cover_asset_id",
        (
            ("NULL::int", "duration_ms"),
            ("NULL::uuid", "series_id"),
            ("NULL::int", "episode"),
            ("NULL::text", "category"),
            ("author", "author"),
            ("NULL::text", "difficulty"),
            ("NULL::int", "minutes"),
        ),
    ),
    Kind.diy: (
        "diy",
        "cover_asset_id",
        (
            ("NULL::int", "duration_ms"),
            ("NULL::uuid", "series_id"),
            ("NULL::int", "episode"),
            ("'diy'::text", "category"),
            ("NULL::text", "author"),
            ("difficulty", "difficulty"),
            ("minutes", "minutes"),
        ),
    ),
}
_COMMON = ("id", "title", "theme_id", "age_min", "age_max", "language", "tags", "published_at")


def card_columns(kind: Kind, alias: str = "") -> str:
    """The columns of a card of this kind, in the same order and names for every kind (so
    the cards of several kinds can be one UNION)."""
    _, image, extra = _KIND_SQL[kind]
    prefix = f"{alias}." if alias else ""
    columns = [(column, column) for column in _COMMON] + [(image, "image_asset_id"), *extra]
    return ", ".join(
        f"{prefix}{column} AS {name}" if column.isidentifier() else f"{column} AS {name}"
        for column, name in columns
    )


def table_name(kind: Kind) -> str:
    """The table of a kind's items."""
    return _KIND_SQL[kind][0]


def image_url(asset_id: uuid.UUID | None) -> str | None:
    return f"/api/v1/assets/{asset_id}" if asset_id else None


def card_fields(kind: Kind, row: Row) -> dict[str, Any]:
    """A card's fields from a row of `card_columns(kind)`: the one place a card is built."""
    return {
        "id": row["id"],
        "kind": kind,
        "title": row["title"],
        "theme_id": row["theme_id"],
        "age_min": row["age_min"],
        "age_max": row["age_max"],
        "language": row["language"],
        "tags": list(row["tags"]),
        "published_at": row["published_at"],
        "image_url": image_url(row["image_asset_id"]),
        "duration_ms": row["duration_ms"],
        "series_id": row["series_id"],
        "episode": row["episode"],
        "category": row["category"],
        "author": row["author"],
        "difficulty": row["difficulty"],
        "minutes": row["minutes"],
    }


def to_card(kind: Kind, row: Row) -> Card:
    """A card from a row of `card_columns(kind)`."""
    return Card(**card_fields(kind, row))


# --- fields as JSON writes them -----------------------------------------------------------
# The screens and search are the widest answers (a hundred cards a screen). Validating their
# rows into models and serialising those was most of the app's own CPU per screen, where the
# rows already hold the database's own types: these build the fields as they are written
# instead (ids as text, kinds as their values, every field of the model in its order), for
# `pydantic_core.to_json` to write without a schema. tests/catalog/test_plain_json.py keeps
# the JSON byte for byte what the models' serializers write.

CARD_COLUMNS = (*_COMMON, "image_asset_id", *(name for _, name in _KIND_SQL[Kind.video][2]))
CARD_WIDTH = len(CARD_COLUMNS)
assert all(
    tuple(name for _, name in extra) == CARD_COLUMNS[len(_COMMON) + 1 :]
    for _, _, extra in _KIND_SQL.values()
)


def card_plain(kind: str, row: Row, at: int = 0) -> dict[str, Any]:
    """A card's fields as `Card` writes them, from the columns of `card_columns` (in their
    order, CARD_COLUMNS) starting at column `at`; `kind` as its value."""
    (
        ident,
        title,
        theme_id,
        age_min,
        age_max,
        language,
        tags,
        published_at,
        image,
        duration_ms,
        series_id,
        episode,
        category,
        author,
        difficulty,
        minutes,
    ) = row[at : at + CARD_WIDTH]
    return {
        "id": str(ident),
        "kind": kind,
        "title": title,
        "theme_id": str(theme_id),
        "age_min": age_min,
        "age_max": age_max,
        "language": language,
        "tags": tags,
        "published_at": published_at,
        "image_url": image_url(image),
        "duration_ms": duration_ms,
        "series_id": None if series_id is None else str(series_id),
        "episode": episode,
        "category": category,
        "author": author,
        "difficulty": difficulty,
        "minutes": minutes,
    }


def hit_plain(row: Row) -> dict[str, Any]:
    """A search hit's fields as `SearchHit` writes them, from a row of SEARCH_SQL: card
    columns, then kind and score."""
    hit = card_plain(row[CARD_WIDTH], row)
    hit["score"] = round(float(row[CARD_WIDTH + 1]), 4)
    return hit


# --- themes and series ------------------------------------------------------------------

THEME_COLUMNS = (
    "{p}id AS id, {p}kind AS kind, {p}slug AS slug, {p}title AS title, "
    "{p}description AS description, {p}colour AS colour, {p}sort_order AS sort_order, "
    "{p}cover_asset_id AS cover_asset_id"
)
THEME_WIDTH = len(THEME_COLUMNS.split(", "))


def field(row: Any, name: str) -> Any:
    """A named value of a row (asyncpg or SQLAlchemy) or of a table object."""
    return row[name] if hasattr(row, "keys") else getattr(row, name)


def theme_plain(row: Row) -> dict[str, Any]:
    """A theme's fields as `ThemeOut` writes them, from the first columns of a row, those of
    THEME_COLUMNS in their order (see card_plain)."""
    ident, kind, slug, title, description, colour, sort_order, cover = row[:THEME_WIDTH]
    return {
        "id": str(ident),
        "kind": kind,
        "slug": slug,
        "title": title,
        "description": description,
        "colour": colour,
        "sort_order": sort_order,
        "cover_url": image_url(cover),
    }


def theme_out(row: Any, prefix: str = "") -> ThemeOut:
    """A theme from a row of THEME_COLUMNS (their names behind `prefix`), or a Theme."""
    return ThemeOut(
        id=field(row, f"{prefix}id"),
        kind=Kind(field(row, f"{prefix}kind")),
        slug=field(row, f"{prefix}slug"),
        title=field(row, f"{prefix}title"),
        description=field(row, f"{prefix}description"),
        colour=field(row, f"{prefix}colour"),
        sort_order=field(row, f"{prefix}sort_order"),
        cover_url=image_url(field(row, f"{prefix}cover_asset_id")),
    )
