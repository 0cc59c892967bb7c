"""Share-link statements, built once (Core, on the request's session)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

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
_INSERT_CLICK = insert(clicks).values(
    link_id=sa.bindparam("link_id"), day=sa.bindparam("day"), clicks=1
)
_CLICK = _INSERT_CLICK.on_conflict_do_update(
    index_elements=[clicks.c.link_id, clicks.c.day],
    set_={"clicks": clicks.c.clicks + 1},
)
_CLICKS = sa.select(sa.func.coalesce(sa.func.sum(clicks.c.clicks), 0)).where(
    clicks.c.link_id == sa.bindparam("link_id")
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


async def count_click(session: AsyncSession, link_id: uuid.UUID, day: date) -> None:
    await session.execute(_CLICK, {"link_id": link_id, "day": day})


async def total_clicks(session: AsyncSession, link_id: uuid.UUID) -> int:
    total: Any = await session.scalar(_CLICKS, {"link_id": link_id})
    return int(total)
