"""The staff side's statements (admin_service): written rarely, so Core statements over the
request's session, built once here where they do not depend on the request; values are
bound when they run, rows read by column name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import (
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
from app.catalog.queries.columns import table_name
from app.catalog.schemas import Kind
from app.core.pagination import keyset
from app.core.schema import table_of

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

# What search finds an item by: its title (weight A), its description and tags (B), its
# theme's title and description (C), and what it is made of (C): an eBook's page text, a
# DIY's steps and materials.
_VECTOR = (
    "setweight(to_tsvector('english', c.title), 'A') || "
    "setweight(to_tsvector('english', c.description || ' ' || array_to_string(c.tags, ' ')), 'B')"
    " || setweight(to_tsvector('english', coalesce((SELECT t.title || ' ' || t.description "
    "FROM theme t WHERE t.id = c.theme_id), '')), 'C')"
)
_PARTS_TEXT = {
    Kind.video: "",
    Kind.ebook: (
        " || setweight(to_tsvector('english', coalesce((SELECT string_agg(p.text, ' ') "
        "FROM ebook_page p WHERE p.ebook_id = c.id), '')), 'C')"
    ),
    Kind.diy: (
        " || setweight(to_tsvector('english', coalesce((SELECT string_agg(s.text, ' ') "
        "FROM diy_step s WHERE s.diy_id = c.id), '') || ' ' || coalesce((SELECT "
        "string_agg(m.name || ' ' || m.quantity, ' ') FROM diy_material m "
        "WHERE m.diy_id = c.id), '')), 'C')"
    ),
}


def _reindex(kind: Kind) -> sa.TextClause:
    vector = _VECTOR + _PARTS_TEXT[kind]
    return sa.text(
        "INSERT INTO search_document (content_id, kind, theme_id, title, status, published_at, "
        "age_min, age_max, language, vector) "
        f"SELECT c.id, :kind, c.theme_id, c.title, c.status, c.published_at, c.age_min, "
        f"c.age_max, c.language, {vector} FROM {table_name(kind)} c WHERE c.id = ANY(:ids) "
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


# --- running them --------------------------------------------------------------------------


async def theme_in_use(session: AsyncSession, theme_id: uuid.UUID) -> bool:
    """Whether any item or series still belongs to the theme."""
    return bool(await session.scalar(THEME_IN_USE, {"id": theme_id}))


async def series_has_episodes(session: AsyncSession, series_id: uuid.UUID) -> bool:
    return bool(await session.scalar(SERIES_HAS_EPISODES, {"id": series_id}))


async def sort_orders(
    session: AsyncSession, table: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Where each of the rows `ids` of the table (by name) stands; unknown ids are left out."""
    rows = await session.execute(REORDER[table].known, {"ids": list(ids)})
    return {row.id: row.sort_order for row in rows}


async def put_in_order(session: AsyncSession, table: str, ids: Sequence[uuid.UUID]) -> None:
    """Gives the rows `ids` of the table (by name) sort_order 0, 1, 2... in that order, in
    one executemany."""
    await session.execute(
        REORDER[table].place,
        [{"item_id": item_id, "position": position} for position, item_id in enumerate(ids)],
    )


async def delete_parts(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> None:
    """Deletes what the item is made of (captions, pages, or materials and steps)."""
    for statement in DELETE_CHILDREN[kind]:
        await session.execute(statement, {"item_id": item_id})


async def delete_search_document(session: AsyncSession, item_id: uuid.UUID) -> None:
    await session.execute(DELETE_SEARCH_DOCUMENT, {"item_id": item_id})


async def reindex(session: AsyncSession, kind: Kind, ids: list[uuid.UUID]) -> None:
    """The search documents of these items written afresh from them."""
    await session.execute(REINDEX[kind], {"kind": kind.value, "ids": ids})


# The items of a theme (:theme_id), each kind: their documents hold the theme's words.
THEME_ITEMS = {
    kind: sa.text(f"SELECT id FROM {table_name(kind)} WHERE theme_id = :theme_id") for kind in Kind
}


async def reindex_theme(session: AsyncSession, theme_id: uuid.UUID) -> None:
    """The search documents of a theme's items, after its title or description changed."""
    for kind in Kind:
        ids = list((await session.execute(THEME_ITEMS[kind], {"theme_id": theme_id})).scalars())
        if ids:
            await reindex(session, kind, ids)


async def admin_items(
    session: AsyncSession, kind: Kind, status: str | None, after: tuple[Any, ...], limit: int
) -> Sequence[sa.Row[Any]]:
    """Up to `limit` of a kind's items (admin_list), newest first."""
    rows: Sequence[sa.Row[Any]] = (
        await session.execute(admin_list(kind, status, after, limit))
    ).all()
    return rows
