"""Heartbeats in, resume states and activity out."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

from app.accounts.schemas import TimeZone
from app.catalog.schemas import Kind

MAX_MS = 24 * 3600 * 1000  # no video is a day long: a bound, not a rule


def _ordered(interval: tuple[int, int]) -> tuple[int, int]:
    if interval[1] < interval[0]:
        raise ValueError("an interval ends after it starts: [start_ms, end_ms]")
    return interval


Millis = Annotated[StrictInt, Field(ge=0, le=MAX_MS)]
Interval = Annotated[tuple[Millis, Millis], AfterValidator(_ordered)]


def _text_time(value: object) -> object:
    # JSON has no date-time: a number is not read as seconds since 1970.
    if not isinstance(value, (str, datetime)):
        raise ValueError("an ISO 8601 date-time with a time zone")
    return value


SentAt = Annotated[
    AwareDatetime,
    BeforeValidator(_text_time),
    Field(description="When the app sent this heartbeat (ISO 8601 with a time zone)"),
]


class _Beat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sent_at: SentAt


class VideoBeat(_Beat):
    position_ms: Millis = Field(description="Where playback is now")
    watched: list[Interval] = Field(
        default_factory=list,
        max_length=500,
        description="[[start_ms, end_ms], ...] really played since the last heartbeat",
    )


class EbookBeat(_Beat):
    page: StrictInt = Field(ge=1, le=10_000, description="The page open now")
    pages_read: list[Annotated[StrictInt, Field(ge=1, le=10_000)]] = Field(
        default_factory=list, max_length=1000
    )
    read_aloud: StrictBool = False


class DiyBeat(_Beat):
    steps_done: list[Annotated[StrictInt, Field(ge=1, le=10_000)]] = Field(
        default_factory=list, max_length=1000, description="Step numbers done"
    )


class ProgressStatus(StrEnum):
    in_progress = "in_progress"
    completed = "completed"


class ProgressOut(BaseModel):
    """Where an explorer is with one item: enough to resume it on any device."""

    kind: Kind
    item_id: uuid.UUID
    status: ProgressStatus
    percent: int
    position_ms: int | None = Field(default=None, description="Videos: where to resume")
    page: int | None = Field(default=None, description="eBooks: the page to open")
    pages_read: list[int] | None = Field(default=None, description="eBooks")
    read_aloud: StrictBool | None = Field(default=None, description="eBooks: last read aloud")
    steps_done: list[int] | None = Field(default=None, description="DIYs")
    watched_ms: int | None = Field(default=None, description="Videos: distinct time played")
    seconds_spent: int
    started_at: datetime
    completed_at: datetime | None
    updated_at: datetime


class ProgressPage(BaseModel):
    items: list[ProgressOut]
    next_cursor: str | None = None


class Minutes(BaseModel):
    video: float = 0
    ebook: float = 0
    diy: float = 0


class ActivityItem(BaseModel):
    kind: Kind
    item_id: uuid.UUID
    title: str | None = Field(description="None once the item is no longer in the catalogue")
    at: datetime


class ActivityDay(BaseModel):
    date: date
    minutes: Minutes
    started: list[ActivityItem]
    completed: list[ActivityItem]


class Activity(BaseModel):
    timezone: TimeZone
    from_: date = Field(alias="from")
    to: date
    days: list[ActivityDay]
    quizzes_taken: int = Field(description="Quizzes with an attempt finished in the period")
    quizzes_passed: int = Field(description="Quizzes passed in the period")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
