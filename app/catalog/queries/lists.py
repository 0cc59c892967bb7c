"""The public catalogue's lists and screens: a kind's cards, themes, series and their
episodes, and the rows of the app's screens.

These are the most-read endpoints, so they are fixed SQL text run with raw asyncpg on the
request's connection (each function takes it first), parameters bound by asyncpg. Measured
(bench/README.md; DESIGN.md section 9): FastAPI with raw asyncpg reached 0.58-0.66 of the
bare floor app, with Core statements built once 0.36-0.40, with an ORM session per request
0.18-0.22; the targets are 0.60 of the floor for a list and 0.80 for the explore screen.
Every column is named (`AS`) and rows are read by those names (a screen's in CARD_COLUMNS'
order).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from app.catalog.queries.columns import (
    THEME_COLUMNS,
    VISIBLE,
    Row,
    card_columns,
    table_name,
    visible,
)
from app.catalog.schemas import Kind, Sort
from app.core.db import Connection
from app.core.pagination import (
    cursor_values,
    decode_cursor,
    keyset,
    page_cursor,
    parse_datetime,
    parse_text,
)

# --- themes and series --------------------------------------------------------------------

# Themes page by (kind, sort_order, title, id), the order of the app's rows; $1 the kind or
# NULL for all, then the last theme shown (or NULLs for the first page), then the limit.
THEMES_SQL = (
    f"SELECT {THEME_COLUMNS.format(p='')} FROM theme "
    "WHERE ($1::text IS NULL OR kind = $1) "
    "AND ($2::text IS NULL OR "
    f"{keyset(['kind', 'sort_order', 'title', 'id'], ['$2', '$3::int', '$4::text', '$5::uuid'])}) "
    "ORDER BY kind, sort_order, title, id LIMIT $6"
)
THEME_BY_SLUG_SQL = f"SELECT {THEME_COLUMNS.format(p='')} FROM theme WHERE slug = $1"


def theme_sort_key(row: Row) -> list[Any]:
    return [row["kind"], row["sort_order"], row["title"], row["id"]]


def theme_after(cursor: str | None) -> tuple[Any, ...]:
    kind, order, title, ident = cursor_values(cursor, parse_text, int, parse_text, uuid.UUID)
    return (None if kind is None else Kind(kind).value, order, title, ident)


SERIES_COLUMNS = (
    "s.id AS id, s.slug AS slug, s.title AS title, s.description AS description, "
    "s.theme_id AS theme_id, s.cover_asset_id AS cover_asset_id, s.sort_order AS sort_order"
)
# Visible series by (sort_order, title, id); $1 a theme slug or NULL, then the last series
# shown (or NULLs), then the limit.
SERIES_LIST_SQL = (
    f"SELECT {SERIES_COLUMNS} FROM series s "
    f"WHERE {visible('s')} "
    "AND ($1::text IS NULL OR s.theme_id = (SELECT id FROM theme WHERE slug = $1)) "
    "AND ($2::int IS NULL OR "
    f"{keyset(['s.sort_order', 's.title', 's.id'], ['$2', '$3::text', '$4::uuid'])}) "
    "ORDER BY s.sort_order, s.title, s.id LIMIT $5"
)
SERIES_SQL = f"SELECT {SERIES_COLUMNS} FROM series s WHERE s.id = $1 AND {visible('s')}"
EPISODES_SQL = (
    f"SELECT {card_columns(Kind.video)} FROM video WHERE series_id = $1 "
    f"AND {VISIBLE} ORDER BY season NULLS FIRST, episode"
)


def series_after(cursor: str | None) -> tuple[Any, ...]:
    return cursor_values(cursor, int, parse_text, uuid.UUID)


def series_sort_key(row: Row) -> list[Any]:
    return [row["sort_order"], row["title"], row["id"]]


async def themes(
    conn: Connection, kind: Kind | None, limit: int, cursor: str | None
) -> list[asyncpg.Record]:
    """Up to `limit` + 1 themes (one more than a page: whether another follows) of a kind, or
    of all, after the `cursor`'s. A public list on the hot path (see the module's figures)."""
    after = theme_after(cursor)
    rows: list[asyncpg.Record] = await conn.fetch(
        THEMES_SQL, kind.value if kind else None, *after, limit + 1
    )
    return rows


async def theme_by_slug(conn: Connection, slug: str) -> asyncpg.Record | None:
    """The theme of that slug (THEME_COLUMNS), or None."""
    row: asyncpg.Record | None = await conn.fetchrow(THEME_BY_SLUG_SQL, slug)
    return row


async def series_list(
    conn: Connection, theme: str | None, limit: int, cursor: str | None
) -> list[asyncpg.Record]:
    """Up to `limit` + 1 visible series (SERIES_COLUMNS), of a theme (its slug) or of all,
    after the `cursor`'s. A public list on the hot path (see the module's figures)."""
    after = series_after(cursor)
    rows: list[asyncpg.Record] = await conn.fetch(SERIES_LIST_SQL, theme, *after, limit + 1)
    return rows


async def series(conn: Connection, series_id: uuid.UUID) -> asyncpg.Record | None:
    """The series (SERIES_COLUMNS) if it is visible, else None."""
    row: asyncpg.Record | None = await conn.fetchrow(SERIES_SQL, series_id)
    return row


async def episodes(conn: Connection, series_id: uuid.UUID) -> list[asyncpg.Record]:
    """The series' visible videos as card rows, by season and episode."""
    rows: list[asyncpg.Record] = await conn.fetch(EPISODES_SQL, series_id)
    return rows


# --- cards of a kind -----------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    theme: str | None = None  # slug
    series_id: uuid.UUID | None = None
    age: int | None = None
    language: str | None = None
    tag: str | None = None
    sort: Sort = Sort.newest


def list_sql(
    kind: Kind, filters: ListFilters, limit: int, cursor: str | None
) -> tuple[str, list[Any]]:
    """The SELECT of one page of visible cards, keyset-paginated, and its parameters."""
    table = table_name(kind)
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    where = [VISIBLE]
    if filters.theme is not None:
        where.append(f"theme_id = (SELECT id FROM theme WHERE slug = {bind(filters.theme)})")
    if filters.series_id is not None:
        where.append(f"series_id = {bind(filters.series_id)}")
    if filters.age is not None:
        age = bind(filters.age)
        where.append(f"age_min <= {age} AND age_max >= {age}")
    if filters.language is not None:
        where.append(f"language = {bind(filters.language)}")
    if filters.tag is not None:
        where.append(f"tags @> ARRAY[{bind(filters.tag)}]::varchar[]")
    if filters.sort is Sort.newest:
        order = "published_at DESC, id DESC"
        if cursor:
            when, ident = decode_cursor(cursor, parse_datetime, uuid.UUID)
            where.append(keyset(["published_at", "id"], [bind(when), bind(ident)], descending=True))
    else:
        order = "lower(title), id"
        if cursor:
            title, ident = decode_cursor(cursor, parse_text, uuid.UUID)
            where.append(keyset(["lower(title)", "id"], [bind(title), bind(ident)]))
    sql = (
        f"SELECT {card_columns(kind)} FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT {bind(limit + 1)}"
    )
    return sql, params


async def list_cards(
    conn: Connection, kind: Kind, filters: ListFilters, limit: int, cursor: str | None
) -> list[asyncpg.Record]:
    """Up to `limit` + 1 visible cards of a kind (one more than the page: whether another
    follows), filtered, in the asked order after `cursor`. The catalogue's hottest read:
    0.60 of the floor uncached (target 0.60; bench/README.md)."""
    sql, params = list_sql(kind, filters, limit, cursor)
    rows: list[asyncpg.Record] = await conn.fetch(sql, *params)
    return rows


def _newest_key(row: Row) -> list[Any]:
    return [row["published_at"], row["id"]]


def _title_key(row: Row) -> list[Any]:
    return [str(row["title"]).lower(), row["id"]]


def next_cursor(kind: Kind, sort: Sort, rows: Sequence[Row], limit: int) -> str | None:
    return page_cursor(rows, limit, _newest_key if sort is Sort.newest else _title_key)


# --- the screens' rows -----------------------------------------------------------------------


def rows_per_theme_sql(
    kind: Kind, per_theme: int, age_band: tuple[int, int] | None
) -> tuple[str, list[Any]]:
    """Every theme of one kind with its newest `per_theme` visible cards, in one query: a
    LATERAL per theme walks that theme's newest-first index and stops after `per_theme`.
    The theme's own columns come first (THEME_COLUMNS, named `t_...`), in the order of the
    app's rows, then the card's."""
    params: list[Any] = [per_theme, kind.value]
    if age_band:
        params += [age_band[1], age_band[0]]
    return _rows_per_theme_text(kind, bool(age_band)), params


# The text of a screen's statements depends on a few choices only: each is written once.
@functools.cache
def _rows_per_theme_text(kind: Kind, banded: bool) -> str:
    where = visible("c")
    if banded:
        where += " AND c.age_min <= $3 AND c.age_max >= $4"
    theme_columns = ", ".join(
        f"{column.split(' AS ')[0]} AS t_{column.split(' AS ')[1]}"
        for column in THEME_COLUMNS.format(p="t.").split(", ")
    )
    return (
        f"SELECT {theme_columns}, {card_columns(kind, 'c')} FROM theme t CROSS JOIN LATERAL "
        f"(SELECT * FROM {table_name(kind)} c WHERE c.theme_id = t.id AND {where} "
        f"ORDER BY c.published_at DESC, c.id DESC LIMIT $1) c WHERE t.kind = $2 "
        f"ORDER BY t.sort_order, t.title, t.id, c.published_at DESC, c.id DESC"
    )


def newest_sql(
    kind: Kind, limit: int, age_band: tuple[int, int] | None, category: str | None = None
) -> tuple[str, list[Any]]:
    params: list[Any] = [limit]
    if age_band:
        params += [age_band[1], age_band[0]]
    if category:
        params.append(category)
    return _newest_text(kind, bool(age_band), bool(category)), params


@functools.cache
def _newest_text(kind: Kind, banded: bool, by_category: bool) -> str:
    where = VISIBLE
    at = 1
    if banded:
        where += f" AND age_min <= ${at + 1} AND age_max >= ${at + 2}"
        at += 2
    if by_category:
        where += f" AND category = ${at + 1}"
    return (
        f"SELECT {card_columns(kind)} FROM {table_name(kind)} WHERE {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT $1"
    )


# Three index searches in tiers, each run only while the page is not full: the words whole
# (GIN on the tsvector, walking the words' posting lists together and skipping), the words as
# prefixes (a prefix makes GIN collect every item holding each word before combining them),
# and typo tolerance by trigram word similarity on titles (GIN trigram index); an OR of them
# in one WHERE would make PostgreSQL read every document. The last two grow with how often
# the query's words and trigrams occur: for two words each in 2,000 of 240,000 items, 0.17 ms


async def rows_per_theme(
    conn: Connection, kind: Kind, per_theme: int, age_band: tuple[int, int] | None
) -> list[asyncpg.Record]:
    """A screen's rows of one kind (rows_per_theme_sql): 0.81 of the floor for the explore
    screen (target 0.80; bench/README.md)."""
    sql, params = rows_per_theme_sql(kind, per_theme, age_band)
    rows: list[asyncpg.Record] = await conn.fetch(sql, *params)
    return rows


async def newest(
    conn: Connection,
    kind: Kind,
    limit: int,
    age_band: tuple[int, int] | None,
    category: str | None = None,
) -> list[asyncpg.Record]:
    """The newest `limit` visible cards of a kind (for an age band, of a category), for the
    screens' featured items and the Adventure Show's rows (see rows_per_theme's figure)."""
    sql, params = newest_sql(kind, limit, age_band, category)
    rows: list[asyncpg.Record] = await conn.fetch(sql, *params)
    return rows
