"""Rewards: badges an editor defines, the ones each explorer earned, and the small per-explorer
counters that let a heartbeat or a quiz submit check every criterion with one indexed
statement instead of reading the explorer's history (README, "Badges")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

CRITERIA = (
    "criterion IN ('items_completed', 'quizzes_passed', 'quizzes_mastered', 'streak_days', "
    "'diys_finished', 'ebooks_read_aloud')"
)


def _profile_key() -> Any:
    # Everything about a child goes with their profile (and so with the family).
    return Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)


class Badge(SQLModel, table=True):
    """A badge as an editor defined it. `criterion` and `params` are what the editor chose;
    `tally_key` and `threshold` are the same criterion as the counters see it (service.py):
    a badge is due when the explorer's counter under `tally_key` reaches `threshold`."""

    __tablename__ = "badge"
    __table_args__ = (
        sa.CheckConstraint(CRITERIA, name="criterion"),
        sa.CheckConstraint("threshold >= 1", name="threshold"),
        sa.UniqueConstraint("slug"),
        # The award statement finds the badges of a counter by its key.
        sa.Index("ix_badge_tally_key", "tally_key", "threshold"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(sa_type=sa.String(60))
    title: str = Field(sa_type=sa.String(80))
    description: str = Field(default="", sa_type=sa.String(300))
    picture_asset_id: uuid.UUID | None = Field(
        default=None, foreign_key="media_asset.id", ondelete="RESTRICT", index=True
    )
    criterion: str = Field(sa_type=sa.String(20))
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    tally_key: str = Field(sa_type=sa.String(80))
    threshold: int
    # Avatar parts this badge unlocks: locked for an explorer until they earn it.
    unlocks: list[uuid.UUID] = Field(
        default_factory=list,
        sa_type=ARRAY(sa.Uuid),
        sa_column_kwargs={"server_default": "{}"},
    )
    sort_order: int = 0
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class EarnedBadge(SQLModel, table=True):
    """A badge one explorer earned, once: the primary key is the earned-once rule, and the
    award is an INSERT ... ON CONFLICT DO NOTHING on it, so a replay or two devices at once
    never award twice. Editing or deleting a badge's criterion never takes one back."""

    __tablename__ = "earned_badge"
    __table_args__ = (
        # The latest badge ("My adventures") and the list, newest first.
        sa.Index("ix_earned_badge_profile_earned", "profile_id", sa.text("earned_at DESC")),
    )

    profile_id: uuid.UUID = _profile_key()
    badge_id: uuid.UUID = Field(foreign_key="badge.id", ondelete="CASCADE", primary_key=True)
    earned_at: datetime = timestamp_field(default_now=True)


class RewardTally(SQLModel, table=True):
    """One counter of one explorer: items completed (overall, per kind, theme, series and
    item), eBooks finished read aloud, quizzes passed and mastered (overall and per
    difficulty). Each counts a fact once (RewardFact)."""

    __tablename__ = "reward_tally"
    __table_args__ = (sa.CheckConstraint("count >= 0", name="count"),)

    profile_id: uuid.UUID = _profile_key()
    key: str = Field(sa_type=sa.String(80), primary_key=True)
    count: int = 0


class RewardFact(SQLModel, table=True):
    """What was counted: a completed item, a quiz passed, a quiz mastered. Counters grow only
    when a fact is new here, so nothing is counted twice, whatever calls again."""

    __tablename__ = "reward_fact"

    profile_id: uuid.UUID = _profile_key()
    what: str = Field(sa_type=sa.String(20), primary_key=True)
    subject_id: uuid.UUID = Field(primary_key=True)
    at: datetime = timestamp_field(default_now=True)


class RewardDay(SQLModel, table=True):
    """One explorer's learning on one day of the family's calendar, as the heartbeats add it:
    the day becomes active (it counts towards a streak) once it holds STREAK_MINUTES of
    learning or a completion, the rule of progress' streaks. `became_active` is what the last
    write did, so the statement that made the day active knows it under the row's lock."""

    __tablename__ = "reward_day"

    profile_id: uuid.UUID = _profile_key()
    day: date = Field(primary_key=True)
    active_ms: int = Field(default=0, sa_type=sa.BigInteger)
    active: bool = False
    became_active: bool = False


class RewardSetting(SQLModel, table=True):
    """A parent's choices for one explorer. No row: rewards on, the parent not told."""

    __tablename__ = "reward_setting"

    profile_id: uuid.UUID = _profile_key()
    enabled: bool = True
    # The parent's own inbox hears of each badge too.
    tell_parent: bool = False
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


TABLES: tuple[type[SQLModel], ...] = (
    Badge,
    EarnedBadge,
    RewardTally,
    RewardFact,
    RewardDay,
    RewardSetting,
)
