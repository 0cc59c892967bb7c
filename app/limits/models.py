"""Tables of screen-time limits: what a parent set for one explorer, and per day of the
family's calendar the extra minutes granted and the live events already sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class ScreenLimit(SQLModel, table=True):
    """One explorer's limits: a daily allowance (one value, or one per weekday, Monday
    first) and a bedtime window, both in the family's time zone. No row: no limits."""

    __tablename__ = "screen_limit"
    __table_args__ = (
        sa.CheckConstraint("daily_minutes BETWEEN 0 AND 1440", name="daily_minutes"),
        sa.CheckConstraint(
            "weekday_minutes IS NULL OR (cardinality(weekday_minutes) = 7 "
            "AND 0 <= ALL(weekday_minutes) AND 1440 >= ALL(weekday_minutes))",
            name="weekday_minutes",
        ),
        sa.CheckConstraint(
            "daily_minutes IS NULL OR weekday_minutes IS NULL", name="one_allowance"
        ),
        sa.CheckConstraint(
            "(bedtime_start IS NULL) = (bedtime_end IS NULL) "
            "AND (bedtime_start IS NULL OR bedtime_start <> bedtime_end)",
            name="bedtime",
        ),
    )

    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)
    daily_minutes: int | None = Field(default=None, sa_type=sa.SmallInteger)
    weekday_minutes: list[int] | None = Field(default=None, sa_type=sa.ARRAY(sa.SmallInteger))
    bedtime_start: time | None = Field(default=None, sa_type=sa.Time())
    bedtime_end: time | None = Field(default=None, sa_type=sa.Time())
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class LimitDay(SQLModel, table=True):
    """One explorer's day (the family's calendar date): the minutes a parent added, the
    moment until which bedtime is paused by that grant, and the keys of the live events
    already sent (`limit_warning`, `limit_reached`), so a rerun sends nothing twice."""

    __tablename__ = "limit_day"
    __table_args__ = (sa.CheckConstraint("extra_minutes BETWEEN 0 AND 1440", name="extra"),)

    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(sa_type=sa.Date, primary_key=True)
    extra_minutes: int = Field(default=0, sa_type=sa.SmallInteger)
    pass_until: datetime | None = timestamp_field()
    sent: list[str] = Field(
        default_factory=list,
        sa_type=sa.ARRAY(sa.String(80)),
        sa_column_kwargs={"server_default": "{}"},
    )
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


TABLES = (ScreenLimit, LimitDay)
