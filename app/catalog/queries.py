"""The catalogue's statements: every read and write the catalogue's services run.

Lists, screens, search and details are the most-read endpoints; measured here, the ORM
building a statement per request reached a fifth of a bare asyncpg app, so these are fixed
SQL text run on the hot asyncpg pool, parameters bound by asyncpg. Every column is named
(`AS`), and rows are read by those names. The staff side (admin_service) is written rarely:
its statements are Core, built once here where they do not depend on the request.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from app.catalog.models import (
    VISIBLE_STATUSES,
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
from app.catalog.schemas import Card, Kind, Sort, ThemeOut
from app.core.pagination import (
    cursor_values,
    decode_cursor,
    keyset,
    page_cursor,
    parse_datetime,
    parse_text,
)
from app.core.schema import table_of

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


# --- details ----------------------------------------------------------------------------
# Run on the request's session (Core text statements, built once): a detail signs its media
# URLs through the media service, on that same session and connection.

_DETAIL_COLUMNS = {
    Kind.video: "description, status, season, media_asset_id",
    Kind.ebook: "description, status, reading_level",
    Kind.diy: "description, status",
}
DETAIL = {
    kind: sa.text(
        f"SELECT {card_columns(kind)}, {_DETAIL_COLUMNS[kind]} FROM {_KIND_SQL[kind][0]} "
        f"WHERE id = :id AND {VISIBLE}"
    )
    for kind in Kind
}
CAPTIONS = sa.text(
    "SELECT language, asset_id FROM video_caption WHERE video_id = :id ORDER BY language"
)
PAGES = sa.text(
    "SELECT number, text, illustration_asset_id, narration_asset_id, word_timings "
    "FROM ebook_page WHERE ebook_id = :id ORDER BY number"
).columns(
    sa.column("number", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("illustration_asset_id", sa.Uuid),
    sa.column("narration_asset_id", sa.Uuid),
    sa.column("word_timings", JSONB),
)
MATERIALS = sa.text(
    "SELECT name, quantity, ask_a_grown_up FROM diy_material WHERE diy_id = :id ORDER BY position"
)
STEPS = sa.text(
    "SELECT number, text, image_asset_id, video_asset_id FROM diy_step WHERE diy_id = :id "
    "ORDER BY number"
)


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
    table = _KIND_SQL[kind][0]
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


def _newest_key(row: Row) -> list[Any]:
    return [row["published_at"], row["id"]]


def _title_key(row: Row) -> list[Any]:
    return [str(row["title"]).lower(), row["id"]]


def next_cursor(kind: Kind, sort: Sort, rows: Sequence[Row], limit: int) -> str | None:
    return page_cursor(rows, limit, _newest_key if sort is Sort.newest else _title_key)


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
        f"(SELECT * FROM {_KIND_SQL[kind][0]} c WHERE c.theme_id = t.id AND {where} "
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
        f"SELECT {card_columns(kind)} FROM {_KIND_SQL[kind][0]} WHERE {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT $1"
    )


# Three index searches in tiers, each run only while the page is not full: the words whole
# (GIN on the tsvector, walking the words' posting lists together and skipping), the words as
# prefixes (a prefix makes GIN collect every item holding each word before combining them),
# and typo tolerance by trigram word similarity on titles (GIN trigram index); an OR of them
# in one WHERE would make PostgreSQL read every document. The last two grow with how often
# the query's words and trigrams occur: for two words each in 2,000 of 240,000 items, 0.17 ms
# whole, 0.94 ms as prefixes and 1.1 ms by trigrams. So a page holds the items with every
# word whole when there are enough of them; completions, then near-misses (which include a
# title sharing one long word with the query), fill what is left. A hit's score is the same
# in every tier (from the document row, with the prefix query), so the tiers unite without
# duplicates and the page is ordered by score. Each tier stops after SEARCH_CANDIDATES: the
# ranking is over at most that many matches per tier, so a word that matches half the
# catalogue costs what a page of candidates costs, not a score per match. The best hits are
# then joined to their cards, so a search is one round trip.
#
# Every parameter reaches the statement only through the `query` row: given as constants
# (the text, and also the kind or the limit), PostgreSQL re-planned the statement on every
# call (a custom plan looked cheaper than the generic one), which cost more than the search.
# A tier that is not needed stops at that row (its condition on `query` is false), before
# any index is read. Queries shorter than MIN_PREFIX letters get no typo tolerance: nearly
# every title is "similar" to two letters.
MIN_PREFIX = 3
SEARCH_CANDIDATES = 500  # per tier; five times the largest page


def _hit_cards(kind: Kind) -> str:
    table = _KIND_SQL[kind][0]
    return (
        f"SELECT {card_columns(kind, 'c')}, h.kind AS kind, h.score AS score FROM hits h "
        f"JOIN {table} c ON c.id = h.content_id WHERE h.kind = '{kind.value}'"
    )


def _search_branch(match: str) -> str:
    return (
        "SELECT d.kind, d.content_id, "
        "ts_rank(d.vector, query.q) + word_similarity(query.t, d.title) AS score "
        f"FROM search_document d, query WHERE {match} AND {visible('d')} "
        f"AND (query.kind IS NULL OR d.kind = query.kind) LIMIT {SEARCH_CANDIDATES}"
    )


def _short_of(tier: str) -> str:
    """Whether `tier` found fewer hits than the page holds."""
    return f"(SELECT count(*) FROM {tier}) < query.size"


# $1 the text as typed (lower case), $2 its tsquery (prefix_query), $3 a kind or NULL, $4 the
# number of hits. The words whole are $2 without its prefix marks (prefix_query writes `:*`
# only as those).
SEARCH_SQL = f"""
WITH query AS (
    SELECT to_tsquery('english', $2) AS q, to_tsquery('english', replace($2, ':*', '')) AS whole,
        strpos($2, ':*') > 0 AS prefixed, $1::text AS t, $3::text AS kind, $4::int AS size
),
whole AS MATERIALIZED ({_search_branch("d.vector @@ query.whole")}),
prefixed AS MATERIALIZED ({
    _search_branch(f"query.prefixed AND {_short_of('whole')} AND d.vector @@ query.q")
}),
words AS MATERIALIZED (SELECT * FROM whole UNION SELECT * FROM prefixed),
typos AS ({
    _search_branch(
        f"char_length(query.t) >= {MIN_PREFIX} AND {_short_of('words')} AND query.t <% d.title"
    )
}),
hits AS (
    SELECT * FROM words UNION SELECT * FROM typos
    ORDER BY score DESC, content_id LIMIT (SELECT size FROM query)
)
{" UNION ALL ".join(_hit_cards(kind) for kind in Kind)}
ORDER BY score DESC, id
"""


def prefix_query(q: str) -> str | None:
    """'kente col' -> "'kente':* & 'col':*": children type partial words. A word shorter than
    MIN_PREFIX letters must match whole: as a prefix it matched much of the catalogue, and
    ranking all of that took a hundred times as long as a normal search.

    Only letters and digits are kept, and each word is quoted, so nothing typed is tsquery
    syntax (`!`, `'`, `:`, `&`, `\\` once reached to_tsquery raw and failed there). None when
    nothing searchable is left: there is nothing to look for."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in q.lower().split()]
    terms = [f"'{word}':*" if len(word) >= MIN_PREFIX else f"'{word}'" for word in words if word]
    return " & ".join(terms) or None


# --- staff side (admin_service) ---------------------------------------------------------
# Core statements, built once; values are bound when they run. Rows by column name.

_THEME_USERS = (Video, Ebook, Diy, Series)
# Whether anything still belongs to the theme (:id): one EXISTS per table, each an index
# lookup, in one round trip; whether the series (:id) has episodes.
THEME_IN_USE = sa.select(
    sa.or_(
        *(
            sa.exists().where(table_of(model).c.theme_id == sa.bindparam("id"))
            for model in _THEME_USERS
        )
    )
)
SERIES_HAS_EPISODES = sa.select(
    sa.exists().where(table_of(Video).c.series_id == sa.bindparam("id"))
)


@dataclass(frozen=True)
class Reorder:
    """The two statements of a reorder of one table: which of the ids exist and where they
    stand (:ids), and one row's new place (:item_id, :position), run once for all rows
    (executemany)."""

    known: sa.Select[tuple[uuid.UUID, int]]
    place: sa.Update


def _reorder(table: sa.Table) -> Reorder:
    return Reorder(
        known=sa.select(table.c.id, table.c.sort_order).where(
            table.c.id.in_(sa.bindparam("ids", expanding=True))
        ),
        place=sa.update(table)
        .where(table.c.id == sa.bindparam("item_id"))
        .values(sort_order=sa.bindparam("position")),
    )


REORDER = {
    table.name: _reorder(table)
    for table in (table_of(Theme), table_of(Video), table_of(Ebook), table_of(Diy))
}

# What an item is made of, replaced as a whole by an edit: the deletes before the new rows
# (:item_id), and the statements that read them back (CAPTIONS, PAGES, MATERIALS, STEPS).
DELETE_CHILDREN: dict[Kind, tuple[sa.Delete, ...]] = {
    Kind.video: (
        sa.delete(table_of(VideoCaption)).where(
            table_of(VideoCaption).c.video_id == sa.bindparam("item_id")
        ),
    ),
    Kind.ebook: (
        sa.delete(table_of(EbookPage)).where(
            table_of(EbookPage).c.ebook_id == sa.bindparam("item_id")
        ),
    ),
    Kind.diy: (
        sa.delete(table_of(DiyMaterial)).where(
            table_of(DiyMaterial).c.diy_id == sa.bindparam("item_id")
        ),
        sa.delete(table_of(DiyStep)).where(table_of(DiyStep).c.diy_id == sa.bindparam("item_id")),
    ),
}
DELETE_SEARCH_DOCUMENT = sa.delete(table_of(SearchDocument)).where(
    table_of(SearchDocument).c.content_id == sa.bindparam("item_id")
)

_VECTOR = (
    "setweight(to_tsvector('english', c.title), 'A') || "
    "setweight(to_tsvector('english', c.description || ' ' || array_to_string(c.tags, ' ')), 'B')"
)
_EBOOK_TEXT = (
    " || setweight(to_tsvector('english', coalesce((SELECT string_agg(p.text, ' ') "
    "FROM ebook_page p WHERE p.ebook_id = c.id), '')), 'C')"
)


def _reindex(kind: Kind) -> sa.TextClause:
    vector = _VECTOR + (_EBOOK_TEXT if kind is Kind.ebook else "")
    return sa.text(
        "INSERT INTO search_document (content_id, kind, theme_id, title, status, published_at, "
        "age_min, age_max, language, vector) "
        f"SELECT c.id, :kind, c.theme_id, c.title, c.status, c.published_at, c.age_min, "
        f"c.age_max, c.language, {vector} FROM {_KIND_SQL[kind][0]} c WHERE c.id = ANY(:ids) "
        "ON CONFLICT (content_id) DO UPDATE SET theme_id = excluded.theme_id, "
        "title = excluded.title, status = excluded.status, "
        "published_at = excluded.published_at, "
        "age_min = excluded.age_min, age_max = excluded.age_max, language = excluded.language, "
        "vector = excluded.vector"
    )


# The search documents of the items :ids of one kind, written afresh from the items
# (:kind), inserted or replaced.
REINDEX = {kind: _reindex(kind) for kind in Kind}


def clock() -> sa.ColumnElement[datetime]:
    """The database's clock at the moment of the write, the one the visibility rule reads
    (statement_timestamp() is never earlier): a publication is visible once it commits."""
    return sa.func.clock_timestamp()


MODELS: dict[Kind, type[Any]] = {Kind.video: Video, Kind.ebook: Ebook, Kind.diy: Diy}
_ADMIN_ITEM = ("id", "title", "status", "published_at", "sort_order", "created_at")


def admin_list(
    kind: Kind, status: str | None, after: tuple[Any, ...], limit: int
) -> sa.Select[Any]:
    """One page of a kind's items for editors, newest first, any status (or one); `after`
    the (created_at, id) of the last item shown, or NULLs."""
    table = table_of(MODELS[kind])
    statement = sa.select(*(table.c[name] for name in _ADMIN_ITEM))
    if status is not None:
        statement = statement.where(table.c.status == status)
    if after[0] is not None:
        statement = statement.where(
            keyset([table.c.created_at, table.c.id], list(after), descending=True)
        )
    return statement.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)


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
        conditions.append(sa.exists().where(table.c[column] == asset_id, is_visible(table)))
    return sa.or_(*conditions)
