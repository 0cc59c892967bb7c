"""Search: one statement over the search documents, joined to the cards it finds.

Raw asyncpg on the request's connection, like the lists (see lists.py): search is measured
at 0.82 of the bare floor app (target 0.75; bench/README.md).
"""

from __future__ import annotations

import asyncpg

from app.catalog.queries.columns import card_columns, table_name, visible
from app.catalog.schemas import Kind
from app.core.db import Connection

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
    table = table_name(kind)
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


async def search(
    conn: Connection, q: str, terms: str, kind: Kind | None, limit: int
) -> list[asyncpg.Record]:
    """Up to `limit` hits (card columns, then kind and score), best first: `q` as typed,
    `terms` its prefix_query."""
    rows: list[asyncpg.Record] = await conn.fetch(
        SEARCH_SQL, q.lower(), terms, kind.value if kind else None, limit
    )
    return rows
