from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class Slot(StrEnum):
    """Drawing order, back to front."""

    background = "background"
    skin = "skin"
    outfit = "outfit"
    face = "face"
    hair = "hair"
    accessory = "accessory"


SLOT_ORDER = list(Slot)


class AvatarPart(SQLModel, table=True):
    """One drawable piece of a 2D avatar: an SVG fragment in a 200x200 box. Where it can be
    coloured, it paints with `currentColor`, and `colours` lists the colours allowed."""

    __tablename__ = "avatar_part"
    __table_args__ = (
        sa.UniqueConstraint("slot", "name"),
        sa.CheckConstraint(
            "slot IN ('background', 'skin', 'outfit', 'face', 'hair', 'accessory')", name="slot"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slot: str = Field(sa_type=sa.String(16))
    name: str = Field(sa_type=sa.String(60))
    svg: str = Field(sa_type=sa.Text)
    colours: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(7)))
    default_colour: str | None = Field(default=None, sa_type=sa.String(7))
    sort_order: int = 0
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)
