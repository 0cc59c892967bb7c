"""Share links and their clicks per day (a count, nothing about who clicked)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

KINDS = "('video', 'ebook', 'diy')"


class ShareLink(SQLModel, table=True):
    """One link per item (the unique constraint): sharing it again gives the same code."""

    __tablename__ = "share_link"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.UniqueConstraint("kind", "item_id", name="uq_share_link_item"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(sa_type=sa.String(16), unique=True)
    kind: str = Field(sa_type=sa.String(8))
    item_id: uuid.UUID
    disabled_at: datetime | None = timestamp_field()
    created_at: datetime = timestamp_field(default_now=True)


class ShareLinkClick(SQLModel, table=True):
    __tablename__ = "share_link_click"
    __table_args__ = (sa.CheckConstraint("clicks > 0", name="clicks"),)

    link_id: uuid.UUID = Field(foreign_key="share_link.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(primary_key=True)
    clicks: int = 1


TABLES = (ShareLink, ShareLinkClick)
