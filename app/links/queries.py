"""Share-link statements, built once (Core, on the request's session)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.links.models import ShareLink, ShareLinkClick

links = table_of(ShareLink)
clicks = table_of(ShareLinkClick)

# Nothing on a conflict of either unique key: the caller tells which by reading the item's link.
_CREATE = (
    insert(links)
    .values(
        id=sa.bindparam("id"),
        code=sa.bindparam("code"),
        kind=sa.bindparam("kind"),
        item_id=sa.bindparam("item_id"),
    )
    .on_conflict_do_nothing()
    .returning(links.c.code)
)
_BY_ITEM = sa.select(links.c.code, links.c.disabled_at).where(
    links.c.kind == sa.bindparam("kind"), links.c.item_id == sa.bindparam("item_id")
)
_BY_CODE = sa.select(links.c.id, links.c.kind, links.c.item_id, links.c.disabled_at).where(
    links.c.code == sa.bindparam("code")
)
_LINK = sa.select(ShareLink).where(links.c.code == sa.bindparam("code"))
# Clicks counted since the last write, many links and days in one statement: one row per
# (link, day) in the arrays, added to what is stored.
_ADD_CLICKS = sa.text(
    "INSERT INTO share_link_click AS c (link_id, day, clicks) "
    "SELECT * FROM unnest(CAST(:links AS uuid[]), CAST(:days AS date[]), CAST(:counts AS int[])) "
    "ON CONFLICT (link_id, day) DO UPDATE SET clicks = c.clicks + excluded.clicks"
)


async def create(session: AsyncSession, code: str, kind: str, item_id: uuid.UUID) -> str | None:
    params = {"id": uuid.uuid4(), "code": code, "kind": kind, "item_id": item_id}
    result: str | None = await session.scalar(_CREATE, params)
    return result


async def by_item(session: AsyncSession, kind: str, item_id: uuid.UUID) -> sa.RowMapping | None:
    result = await session.execute(_BY_ITEM, {"kind": kind, "item_id": item_id})
    return result.mappings().first()


async def by_code(session: AsyncSession, code: str) -> sa.RowMapping | None:
    return (await session.execute(_BY_CODE, {"code": code})).mappings().first()


async def link(session: AsyncSession, code: str) -> ShareLink | None:
    """The link as an entity of the unit of work, to change it."""
    found: ShareLink | None = await session.scalar(_LINK, {"code": code})
    return found


async def add_clicks(session: AsyncSession, counts: Sequence[tuple[uuid.UUID, date, int]]) -> None:
    """Adds (link, day, clicks) to the daily counts; each (link, day) at most once."""
    if not counts:
        return
    await session.execute(
        _ADD_CLICKS,
        {
            "links": [link_id for link_id, _, _ in counts],
            "days": [day for _, day, _ in counts],
            "counts": [n for _, _, n in counts],
        },
    )
