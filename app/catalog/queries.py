"""The catalogue's hot read paths as raw SQL on the pooled asyncpg connection.

Lists, screens and search are the most-read endpoints; measured here, the ORM building a
statement per request reached a fifth of a bare asyncpg app, so these statements are fixed
SQL text, parameters bound by asyncpg, rows read by position.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.catalog.schemas import Card, Kind, Sort
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime


# statement_timestamp(), not now(): now() is frozen at the start of a transaction, and an item
# published earlier in the same transaction must count as published.
def visible(alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return f"{p}status IN ('published', 'scheduled') AND {p}published_at <= statement_timestamp()"


VISIBLE = visible()

# Per kind: the table, its image column, and the kind-specific columns of a card
# (duration, series, episode, category, author, difficulty, minutes).
_KIND_SQL: dict[Kind, tuple[str, str, tuple[str, ...]]] = {
    Kind.video: (
        "video",
        "thumbnail_asset_id",
        (
            "duration_ms",
            "series_id",
            "episode",
            "category",
            "NULL::text",
            "NULL::text",
            "NULL::int",
        ),
    ),
    Kind.ebook: (
        "ebook",
        "cover_asset_id",
        ("NULL::int", "NULL::uuid", "NULL::int", "NULL::text", "author", "NULL::text", "NULL::int"),
    ),
    Kind.diy: (
        "diy",
        "cover_asset_id",
        ("NULL::int", "NULL::uuid", "NULL::int", "'diy'", "NULL::text", "difficulty", "minutes"),
    ),
}
_COMMON = ("id", "title", "theme_id", "age_min", "age_max", "language", "tags", "published_at")


def card_columns(kind: Kind, alias: str = "") -> str:
    _, image, extra = _KIND_SQL[kind]
    prefix = f"{alias}." if alias else ""
    return ", ".join(
        f"{prefix}{column}" if column.isidentifier() else column
        for column in (*_COMMON, image, *extra)
    )


def image_url(asset_id: uuid.UUID | None) -> str | None:
    return f"/api/v1/assets/{asset_id}" if asset_id else None


def card_fields(kind: Kind, row: Sequence[Any]) -> dict[str, Any]:
    """A card's fields from a row of `card_columns(kind)`."""
    return {
        "id": row[0],
        "kind": kind,
        "title": row[1],
        "theme_id": row[2],
        "age_min": row[3],
        "age_max": row[4],
        "language": row[5],
        "tags": list(row[6]),
        "published_at": row[7],
        "image_url": image_url(row[8]),
        "duration_ms": row[9],
        "series_id": row[10],
        "episode": row[11],
        "category": row[12],
        "author": row[13],
        "difficulty": row[14],
        "minutes": row[15],
    }


def to_card(kind: Kind, row: Sequence[Any]) -> Card:
    """A card from a row of `card_columns(kind)`."""
    return Card(**card_fields(kind, row))


def hit_fields(row: Sequence[Any]) -> dict[str, Any]:
    """A search hit's fields from a row of SEARCH_SQL: card columns, then kind and score."""
    return {**card_fields(Kind(row[16]), row), "score": round(float(row[17]), 4)}


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
            where.append(f"(published_at, id) < ({bind(when)}, {bind(ident)})")
    else:
        order = "lower(title), id"
        if cursor:
            title, ident = decode_cursor(cursor, str, uuid.UUID)
            where.append(f"(lower(title), id) > ({bind(title)}, {bind(ident)})")
    sql = (
        f"SELECT {card_columns(kind)} FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT {bind(limit + 1)}"
    )
    return sql, params


def next_cursor(kind: Kind, sort: Sort, rows: Sequence[Sequence[Any]], limit: int) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    if sort is Sort.newest:
        return encode_cursor([last[7], last[0]])
    return encode_cursor([str(last[1]).lower(), last[0]])


def rows_per_theme_sql(
    kind: Kind, per_theme: int, age_band: tuple[int, int] | None
) -> tuple[str, list[Any]]:
    """The newest `per_theme` visible cards of every theme of one kind, in one query: a
    LATERAL per theme walks that theme's newest-first index and stops after `per_theme`."""
    table = _KIND_SQL[kind][0]
    params: list[Any] = [per_theme, kind.value]
    where = visible("c")
    if age_band:
        params += [age_band[1], age_band[0]]
        where += " AND c.age_min <= $3 AND c.age_max >= $4"
    sql = (
        f"SELECT {card_columns(kind, 'c')} FROM theme t CROSS JOIN LATERAL "
        f"(SELECT * FROM {table} c WHERE c.theme_id = t.id AND {where} "
        f"ORDER BY c.published_at DESC, c.id DESC LIMIT $1) c WHERE t.kind = $2"
    )
    return sql, params


def newest_sql(
    kind: Kind, limit: int, age_band: tuple[int, int] | None, category: str | None = None
) -> tuple[str, list[Any]]:
    table = _KIND_SQL[kind][0]
    params: list[Any] = [limit]
    where = VISIBLE
    if age_band:
        params += [age_band[1], age_band[0]]
        where += f" AND age_min <= ${len(params) - 1} AND age_max >= ${len(params)}"
    if category:
        params.append(category)
        where += f" AND category = ${len(params)}"
    sql = (
        f"SELECT {card_columns(kind)} FROM {table} WHERE {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT $1"
    )
    return sql, params


# Two index searches, united: full-text with prefixes (GIN on the tsvector), and typo
# tolerance by trigram word similarity on titles (GIN trigram index); an OR of the two in
# one WHERE would make PostgreSQL read every document. The best hits are then joined to
# their cards, so a search is one round trip.
#
# The search text reaches the matching only through the `query` row: given it as a constant,
# PostgreSQL re-planned the statement on every call to estimate the trigram match, which cost
# twice the search itself. Queries shorter than MIN_PREFIX letters get no typo tolerance:
# nearly every title is "similar" to two letters.
MIN_PREFIX = 3


def _hit_cards(kind: Kind) -> str:
    table = _KIND_SQL[kind][0]
    return (
        f"SELECT {card_columns(kind, 'c')}, h.kind, h.score FROM hits h "
        f"JOIN {table} c ON c.id = h.content_id WHERE h.kind = '{kind.value}'"
    )


SEARCH_SQL = f"""
WITH query AS (SELECT to_tsquery('english', $2) AS q, $1::text AS t),
matches AS (
    SELECT content_id FROM search_document, query WHERE vector @@ query.q
    UNION
    SELECT content_id FROM search_document, query
    WHERE char_length(query.t) >= {MIN_PREFIX} AND query.t <% title
),
hits AS (
    SELECT d.kind, d.content_id,
           ts_rank(d.vector, query.q) + word_similarity(query.t, d.title) AS score
    FROM search_document d JOIN matches m USING (content_id), query
    WHERE d.status IN ('published', 'scheduled') AND d.published_at <= statement_timestamp()
      AND ($3::text IS NULL OR d.kind = $3)
    ORDER BY score DESC, d.content_id
    LIMIT $4
)
{" UNION ALL ".join(_hit_cards(kind) for kind in Kind)}
ORDER BY score DESC, id
"""


def prefix_query(q: str) -> str:
    """'kente col' -> 'kente:* & col:*': children type partial words. A word shorter than
    MIN_PREFIX letters must match whole: as a prefix it matched much of the catalogue, and
    ranking all of that took a hundred times as long as a normal search."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in q.lower().split()]
    return (
        " & ".join(f"{word}:*" if len(word) >= MIN_PREFIX else word for word in words if word)
        or "''"
    )
