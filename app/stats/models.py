"""Daily rollups (UTC days): aggregates only, never a profile id or a nickname."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

KINDS = "('video', 'ebook', 'diy')"


class DailyStat(SQLModel, table=True):
    """The service's figures of one day. `active_7d` and `active_30d` are the distinct
    explorers active in the 7 and 30 days ending that day: distinct counts cannot be summed
    from daily ones, so they are counted when the day is rolled up."""

    __tablename__ = "daily_stat"

    day: date = Field(primary_key=True)
    new_accounts: int = 0
    new_profiles: int = 0
    active_explorers: int = 0
    active_7d: int = 0
    active_30d: int = 0
    video_ms: int = Field(default=0, sa_type=sa.BigInteger)
    ebook_ms: int = Field(default=0, sa_type=sa.BigInteger)
    diy_ms: int = Field(default=0, sa_type=sa.BigInteger)
    starts: int = 0
    completions: int = 0
    quiz_attempts: int = 0
    quiz_passed: int = 0


class DailyItemStat(SQLModel, table=True):
    """Per item and day: explorers who started it and who completed it."""

    __tablename__ = "daily_item_stat"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.Index("ix_daily_item_stat_kind_item", "kind", "item_id", "day"),
    )

    day: date = Field(primary_key=True)
    kind: str = Field(sa_type=sa.String(8), primary_key=True)
    item_id: uuid.UUID = Field(primary_key=True)
    starts: int = 0
    completions: int = 0


class DailyQuizStat(SQLModel, table=True):
    """Per quiz and day: attempts closed and how many passed, with the item it is on."""

    __tablename__ = "daily_quiz_stat"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.Index("ix_daily_quiz_stat_kind_item", "kind", "item_id", "day"),
    )

    day: date = Field(primary_key=True)
    quiz_id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(sa_type=sa.String(8))
    item_id: uuid.UUID
    attempts: int = 0
    passed: int = 0


TABLES = (DailyStat, DailyItemStat, DailyQuizStat)
