"""One item as its page shows it, and what it is made of (captions, pages, materials,
steps): read on the request's session, for a detail signs its media URLs through the media
service on that same session and connection. The staff side reads an item's parts for an
edit with the same functions. Core text statements, built once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.queries.columns import VISIBLE, card_columns, table_name
from app.catalog.schemas import Kind

_DETAIL_COLUMNS = {
    Kind.video: "description, status, season, media_asset_id, width, height",
    Kind.ebook: "description, status, reading_level",
    Kind.diy: "description, status",
}
DETAIL = {
    kind: sa.text(
        f"SELECT {card_columns(kind)}, {_DETAIL_COLUMNS[kind]} FROM {table_name(kind)} "
        f"WHERE id = :id AND {VISIBLE}"
    )
    for kind in Kind
}
CAPTIONS = sa.text(
    "SELECT language, asset_id FROM video_caption WHERE video_id = :id ORDER BY language"
)
PAGES = sa.text(
    "SELECT number, text, illustration_asset_id, narration_asset_id, narration_source, "
    "word_timings FROM ebook_page WHERE ebook_id = :id ORDER BY number"
).columns(
    sa.column("number", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("illustration_asset_id", sa.Uuid),
    sa.column("narration_asset_id", sa.Uuid),
    sa.column("narration_source", sa.String),
    sa.column("word_timings", JSONB),
)
# One page's narration (:ebook_id, :number) replaced by a generated one (:asset_id,
# :timings), unless a person recorded it: a recording is never overwritten.
SET_GENERATED_NARRATION = sa.text(
    "UPDATE ebook_page SET narration_asset_id = :asset_id, narration_source = 'tts', "
    "word_timings = :timings WHERE ebook_id = :ebook_id AND number = :number "
    "AND text = :text AND narration_source IS DISTINCT FROM 'human'"
).bindparams(sa.bindparam("timings", type_=JSONB))
MATERIALS = sa.text(
    "SELECT name, quantity, ask_a_grown_up FROM diy_material WHERE diy_id = :id ORDER BY position"
)
STEPS = sa.text(
    "SELECT number, text, image_asset_id, video_asset_id FROM diy_step WHERE diy_id = :id "
    "ORDER BY number"
)


async def visible_item(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> RowMapping | None:
    """The item's card columns and its detail's (DETAIL) if it is visible, else None."""
    return (await session.execute(DETAIL[kind], {"id": item_id})).mappings().first()


async def _parts(
    session: AsyncSession, statement: sa.Executable, item_id: uuid.UUID
) -> Sequence[RowMapping]:
    return list((await session.execute(statement, {"id": item_id})).mappings())


async def captions(session: AsyncSession, video_id: uuid.UUID) -> Sequence[RowMapping]:
    """A video's captions (language, asset_id), by language."""
    return await _parts(session, CAPTIONS, video_id)


async def pages(session: AsyncSession, ebook_id: uuid.UUID) -> Sequence[RowMapping]:
    """An eBook's pages (number, text, illustration_asset_id, narration_asset_id,
    narration_source, word_timings), in order."""
    return await _parts(session, PAGES, ebook_id)


async def set_generated_narration(
    session: AsyncSession,
    ebook_id: uuid.UUID,
    number: int,
    text: str,
    asset_id: uuid.UUID,
    timings: list[list[int]],
) -> bool:
    """Gives the page (if its text is still `text` and no person recorded it) the generated
    narration; whether it did."""
    result = await session.execute(
        SET_GENERATED_NARRATION,
        {
            "ebook_id": ebook_id,
            "number": number,
            "text": text,
            "asset_id": asset_id,
            "timings": timings,
        },
    )
    return bool(getattr(result, "rowcount", 0))


async def materials(session: AsyncSession, diy_id: uuid.UUID) -> Sequence[RowMapping]:
    """A DIY's materials (name, quantity, ask_a_grown_up), in order."""
    return await _parts(session, MATERIALS, diy_id)


async def steps(session: AsyncSession, diy_id: uuid.UUID) -> Sequence[RowMapping]:
    """A DIY's steps (number, text, image_asset_id, video_asset_id), in order."""
    return await _parts(session, STEPS, diy_id)
