"""Tables of notifications: the inbox, the per-account event log behind the live stream,
devices, follows, parents' preferences and push consent, stream tickets and announcements."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class Category(StrEnum):
    new_content = "new_content"
    reminder = "reminder"
    progress = "progress"
    classroom = "classroom"
    account = "account"
    # An editor's message to every family or to the followers of a theme or series.
    announcement = "announcement"
    # A parent's summary of an explorer's week (off until a parent turns it on).
    weekly_report = "weekly_report"
    # A badge the explorer earned (app/rewards).
    reward = "reward"


CATEGORIES = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement', "
    "'weekly_report', 'reward')"
)


def _profile_fk(nullable: bool = True) -> Any:
    # Everything about a child goes with their profile (and so with the family).
    return Field(default=None, foreign_key="profile.id", ondelete="CASCADE", nullable=nullable)


def _account_fk() -> Any:
    return Field(foreign_key="account.id", ondelete="CASCADE")


class Notification(SQLModel, table=True):
    """One message in an inbox: a child's (`profile_id`) or the parent's (`profile_id` NULL).
    `dedup_key` is unique per recipient, so the same event notified twice makes one row."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.CheckConstraint(CATEGORIES, name="category"),
        # NULLS NOT DISTINCT: the parent's inbox (profile_id NULL) dedups like a child's.
        sa.Index(
            "uq_notification_recipient_dedup",
            "account_id",
            "profile_id",
            "dedup_key",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        sa.Index(
            "ix_notification_inbox",
            "account_id",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
        ),
        sa.Index(
            "ix_notification_push_due",
            "push_at",
            postgresql_where=sa.text("push_at IS NOT NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = _account_fk()
    profile_id: uuid.UUID | None = _profile_fk(nullable=True)
    category: str = Field(sa_type=sa.String(16))
    title: str = Field(sa_type=sa.String(120))
    body: str = Field(sa_type=sa.String(400))
    link: str = Field(sa_type=sa.String(300))
    dedup_key: str = Field(sa_type=sa.String(200))
    created_at: datetime = timestamp_field(default_now=True)
    seen_at: datetime | None = timestamp_field()
    read_at: datetime | None = timestamp_field()
    archived_at: datetime | None = timestamp_field()
    expires_at: datetime | None = timestamp_field()
    # A push waiting for quiet hours to end goes out at this time (the tick sends it).
    push_at: datetime | None = timestamp_field()
    pushed_at: datetime | None = timestamp_field()
    # Devices that have it while others wait for a retry: a retry sends to the rest only.
    pushed_device_ids: list[uuid.UUID] | None = Field(default=None, sa_type=sa.ARRAY(sa.Uuid))


class StreamCounter(SQLModel, table=True):
    """The last event number of one account. Incremented in the transaction that writes the
    event: the row lock it takes serialises that account's writers until they commit, so
    numbers are given out in commit order and a rolled-back writer gives its number back."""

    __tablename__ = "notification_counter"

    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    last_seq: int = Field(default=0, sa_type=sa.BigInteger)


class StreamEvent(SQLModel, table=True):
    """What a live stream sends: a new notification or a change of read state."""

    __tablename__ = "notification_event"

    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    seq: int = Field(sa_type=sa.BigInteger, primary_key=True)
    profile_id: uuid.UUID | None = _profile_fk(nullable=True)
    type: str = Field(sa_type=sa.String(32))
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: datetime = timestamp_field(default_now=True)


class Device(SQLModel, table=True):
    """A push token. A device of a child (`profile_id`) gets that child's pushes; one
    without gets the parent's."""

    __tablename__ = "device"
    __table_args__ = (sa.CheckConstraint("platform IN ('android', 'ios', 'web')", name="platform"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    profile_id: uuid.UUID | None = _profile_fk(nullable=True)
    platform: str = Field(sa_type=sa.String(8))
    # FCM registration tokens are 150-250 characters and APNs tokens 64: 512 leaves room and
    # keeps every key far below the btree's limit of about 2.7 kB.
    token: str = Field(sa_type=sa.String(512), unique=True)
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class PushConsent(SQLModel, table=True):
    """A parent's agreement to push notifications to the family's devices."""

    __tablename__ = "push_consent"

    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    granted_at: datetime = timestamp_field(default_now=True)


class Preference(SQLModel, table=True):
    """What a parent chose for one child: per category in-app and push, quiet hours, reminder
    days and time (local, in the family's time zone)."""

    __tablename__ = "notification_preference"

    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    # {category: {"in_app": bool, "push": bool}}
    channels: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    quiet_start: time | None = Field(default=None, sa_type=sa.Time())
    quiet_end: time | None = Field(default=None, sa_type=sa.Time())
    reminder_days: list[int] = Field(default_factory=list, sa_type=sa.ARRAY(sa.SmallInteger))
    reminder_time: time | None = Field(default=None, sa_type=sa.Time())
    nickname_on_lock_screen: bool = False
    # Whether an email about the child (the weekly report) may name them.
    nickname_in_email: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class Follow(SQLModel, table=True):
    __tablename__ = "follow"
    __table_args__ = (
        sa.CheckConstraint("target_kind IN ('theme', 'series')", name="target_kind"),
        sa.Index("ix_follow_target", "target_kind", "target_id", "profile_id"),
    )

    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)
    target_kind: str = Field(sa_type=sa.String(8), primary_key=True)
    target_id: uuid.UUID = Field(primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    created_at: datetime = timestamp_field(default_now=True)


class StreamTicket(SQLModel, table=True):
    """A single-use credential for EventSource, which cannot send headers: kept hashed.
    `issued_us` is the issue time of the token that asked for it: a revocation after that
    ends the ticket and the stream it opens, as it ends the token. Redeeming it sets
    `used_at`; the row stays (with the event log's retention) so that a family's export
    shows when its devices opened streams."""

    __tablename__ = "stream_ticket"
    __table_args__ = (sa.Index("ix_stream_ticket_expires_at", "expires_at"),)

    ticket_hash: str = Field(sa_type=sa.String(64), primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    profile_id: uuid.UUID | None = _profile_fk(nullable=True)
    role: str = Field(sa_type=sa.String(16))
    issued_us: int = Field(sa_type=sa.BigInteger)
    issued_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = timestamp_field(default_now=True)
    used_at: datetime | None = timestamp_field()


class Announcement(SQLModel, table=True):
    __tablename__ = "announcement"
    __table_args__ = (
        sa.CheckConstraint("audience IN ('everyone', 'followers')", name="audience"),
        sa.CheckConstraint(
            "(audience = 'followers') = (target_kind IS NOT NULL AND target_id IS NOT NULL)",
            name="target",
        ),
        sa.Index("ix_announcement_due", "send_at", postgresql_where=sa.text("sent_at IS NULL")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(sa_type=sa.String(120))
    body: str = Field(sa_type=sa.String(400))
    link: str = Field(sa_type=sa.String(300))
    audience: str = Field(sa_type=sa.String(10))
    target_kind: str | None = Field(default=None, sa_type=sa.String(8))
    target_id: uuid.UUID | None = None
    send_at: datetime = timestamp_field(default_now=True)
    sent_at: datetime | None = timestamp_field()
    reached: int = 0
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_field(default_now=True)


class TickMark(SQLModel, table=True):
    """How far a periodic scan has got (e.g. newly visible catalogue items)."""

    __tablename__ = "notification_tick"

    name: str = Field(sa_type=sa.String(32), primary_key=True)
    until: datetime = timestamp_field(default_now=True)


TABLES: tuple[type[SQLModel], ...] = (
    Notification,
    StreamCounter,
    StreamEvent,
    Device,
    PushConsent,
    Preference,
    Follow,
    StreamTicket,
    Announcement,
    TickMark,
)
