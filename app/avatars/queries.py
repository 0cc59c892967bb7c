"""The statements of the avatar parts catalogue, built once; each run by one function on the
request's session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars.models import AvatarPart
from app.core.schema import table_of

_parts = table_of(AvatarPart).c

_ALL_PARTS = sa.select(AvatarPart).order_by(_parts.slot, _parts.sort_order, _parts.name)
# Parts by id (:ids, a list).
_PARTS = sa.select(AvatarPart).where(_parts.id.in_(sa.bindparam("ids", expanding=True)))
# A part of :slot named :name (lower case), in any case; BY_OTHER: other than :exclude.
_NAME_TAKEN = sa.select(_parts.id).where(
    _parts.slot == sa.bindparam("slot"), sa.func.lower(_parts.name) == sa.bindparam("name")
)
_NAME_TAKEN_BY_OTHER = _NAME_TAKEN.where(_parts.id != sa.bindparam("exclude"))
# Whether an explorer wears the part :id (text) in :slot. Text: the profiles module's table.
_IN_USE = sa.text("SELECT EXISTS (SELECT 1 FROM profile WHERE avatar -> 'parts' ->> :slot = :id)")


async def all_parts(session: AsyncSession) -> Sequence[AvatarPart]:
    """Every part, by slot, then in the catalogue's order."""
    return (await session.execute(_ALL_PARTS)).scalars().all()


async def parts(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[AvatarPart]:
    return (await session.execute(_PARTS, {"ids": list(ids)})).scalars().all()


async def name_taken(
    session: AsyncSession, slot: str, name: str, exclude: uuid.UUID | None
) -> bool:
    """Whether another part of `slot` (not `exclude`) has this name, in any case."""
    statement = _NAME_TAKEN_BY_OTHER if exclude else _NAME_TAKEN
    params = {"slot": slot, "name": name.lower(), "exclude": exclude}
    return (await session.execute(statement, params)).first() is not None


async def in_use(session: AsyncSession, slot: str, part_id: uuid.UUID) -> bool:
    """Whether any explorer wears this part."""
    return bool(await session.scalar(_IN_USE, {"slot": slot, "id": str(part_id)}))
