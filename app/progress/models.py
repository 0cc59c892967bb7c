"""What each explorer watched, read and made: one row per profile and item, the time spent
learning in quarter-hour buckets, and the items they saved."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import INT8MULTIRANGE
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

KINDS = "('video', 'ebook', 'diy')"


def _profile_key() -> uuid.UUID:
    return Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)  # type: ignore[no-any-return]


class Progress(SQLModel, table=True):
    """The resume state of one item for one explorer. The primary key is the one-row-per-
    profile-and-item rule; every heartbeat is a single upsert on it (see queries.py).

    `covered` is what was really done, as a union of ranges in the item's units: played
    milliseconds of a video, pages [n, n+1) of an eBook, steps [n, n+1) of a DIY. Merging is
    then one operator for every kind, and scrubbing or re-watching cannot count twice."""

    __tablename__ = "progress"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.CheckConstraint("status IN ('in_progress', 'completed')", name="status"),
        sa.CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)", name="completed_at"
        ),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        sa.CheckConstraint("covered_units >= 0 AND spent_ms >= 0", name="amounts"),
        # Continue rows and the list: newest activity first.
        sa.Index(
            "ix_progress_profile_updated",
            "profile_id",
            sa.text("updated_at DESC"),
            sa.text("item_id DESC"),
        ),
        sa.Index(
            "ix_progress_profile_completed",
            "profile_id",
            sa.text("completed_at DESC"),
            sa.text("item_id DESC"),
            postgresql_where=sa.text("completed_at IS NOT NULL"),
        ),
    )

    profile_id: uuid.UUID = _profile_key()
    kind: str = Field(sa_type=sa.String(8), primary_key=True)
    item_id: uuid.UUID = Field(primary_key=True)
    status: str = Field(default="in_progress", sa_type=sa.String(12))
    percent: int = Field(default=0, sa_type=sa.SmallInteger)
    position_ms: int | None = Field(default=None, sa_type=sa.BigInteger)
    page: int | None = None
    read_aloud: bool | None = None
    covered: str = Field(
        default="{}", sa_type=INT8MULTIRANGE, sa_column_kwargs={"server_default": "{}"}
    )
    covered_units: int = Field(default=0, sa_type=sa.BigInteger)
    # Length of the item in its units when last seen (a video's duration, pages, steps).
    total_units: int = Field(default=0, sa_type=sa.BigInteger)
    # The server instant up to which the item's earning budget is spent (app/progress/pace.py):
    # what a heartbeat may add is bounded by the server time since.
    earned_at: datetime = timestamp_field(default_now=True)
    spent_ms: int = Field(default=0, sa_type=sa.BigInteger)
    # Time credited by the last heartbeat, which the same statement adds to learning_time.
    last_credit_ms: int = Field(default=0, sa_type=sa.BigInteger)
    # The newest `sent_at` seen, and the server time it arrived at: the resume position only
    # follows a newer heartbeat, and time spent never grows faster than the server's clock.
    sent_at: datetime = timestamp_field(default_now=True)
    heartbeat_at: datetime = timestamp_field(default_now=True)
    started_at: datetime = timestamp_field(default_now=True)
    completed_at: datetime | None = timestamp_field()
    updated_at: datetime = timestamp_field(default_now=True)


class LearningTime(SQLModel, table=True):
    """Time spent learning per explorer, kind and UTC quarter hour. Every time zone's offset
    is a whole number of quarter hours, so days are counted in the family's time zone at read
    time, correctly across daylight-saving changes and after the family moves."""

    __tablename__ = "learning_time"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.CheckConstraint("active_ms > 0", name="active_ms"),
    )

    profile_id: uuid.UUID = _profile_key()
    bucket: datetime = Field(sa_type=sa.DateTime(timezone=True), primary_key=True)
    kind: str = Field(sa_type=sa.String(8), primary_key=True)
    active_ms: int = Field(sa_type=sa.BigInteger)


class SavedItem(SQLModel, table=True):
    """An item an explorer saved ("favourites"); one row per profile and item."""

    __tablename__ = "saved_item"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.Index(
            "ix_saved_item_profile_saved",
            "profile_id",
            sa.text("saved_at DESC"),
            sa.text("item_id DESC"),
        ),
    )

    profile_id: uuid.UUID = _profile_key()
    kind: str = Field(sa_type=sa.String(8), primary_key=True)
    item_id: uuid.UUID = Field(primary_key=True)
    saved_at: datetime = timestamp_field(default_now=True)
