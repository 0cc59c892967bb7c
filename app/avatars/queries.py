"""The statements of the avatar parts catalogue, built once; values are bound when they run."""

from __future__ import annotations

import sqlalchemy as sa

from app.avatars.models import AvatarPart
from app.core.schema import table_of

_parts = table_of(AvatarPart).c

ALL_PARTS = sa.select(AvatarPart).order_by(_parts.slot, _parts.sort_order, _parts.name)
# Parts by id (:ids, a list).
PARTS = sa.select(AvatarPart).where(_parts.id.in_(sa.bindparam("ids", expanding=True)))
# A part of :slot named :name (lower case), in any case; BY_OTHER: other than :exclude.
NAME_TAKEN = sa.select(_parts.id).where(
    _parts.slot == sa.bindparam("slot"), sa.func.lower(_parts.name) == sa.bindparam("name")
)
NAME_TAKEN_BY_OTHER = NAME_TAKEN.where(_parts.id != sa.bindparam("exclude"))
# Whether an explorer wears the part :id (text) in :slot. Text: the profiles module's table.
IN_USE = sa.text("SELECT EXISTS (SELECT 1 FROM profile WHERE avatar -> 'parts' ->> :slot = :id)")
