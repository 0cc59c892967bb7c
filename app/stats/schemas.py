from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

FEWER_THAN_5 = "fewer than 5"
# A count of explorers: the number, or "fewer than 5" when it is small enough to point at
# a child.
Explorers = int | Literal["fewer than 5"]


class Interval(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class ContentSort(StrEnum):
    starts = "starts"
    completions = "completions"
    completion_rate = "completion_rate"


class OverviewPoint(BaseModel):
    start: date = Field(description="First day of the period (weeks start on Monday)")
    end: date = Field(description="Last day of the period within the range asked for")
    new_accounts: int
    new_profiles: Explorers
    active_explorers: Explorers = Field(description="Daily active explorers, averaged")
    dau: Explorers = Field(description="Active explorers on the period's last day")
    wau: Explorers = Field(description="Active in the 7 days ending the period's last day")
    mau: Explorers = Field(description="Active in the 30 days ending the period's last day")
    minutes_watched: int | None = Field(description="Videos; none when fewer than 5 explorers")
    minutes_read: int | None = Field(description="eBooks; none when fewer than 5 explorers")
    minutes_diy: int | None = Field(description="DIYs; none when fewer than 5 explorers")
    starts: Explorers
    completions: Explorers
    quiz_attempts: Explorers
    quiz_pass_rate: float | None = Field(description="Passed / attempts; none under 5 attempts")
    partial: list[str] = Field(
        default_factory=list,
        description="Figures that leave out cells (a day, or an item's day) of fewer than 5, "
        "which count nothing here",
    )


class Overview(BaseModel):
    from_: date = Field(alias="from")
    to: date
    interval: Interval
    includes_today: bool = Field(description="Today's partial figures, from the live tables")
    points: list[OverviewPoint]

    model_config = {"populate_by_name": True}


class ContentFigures(BaseModel):
    kind: Literal["video", "ebook", "diy"]
    id: uuid.UUID
    title: str
    theme_id: uuid.UUID
    starts: Explorers
    completions: Explorers
    completion_rate: float | None = Field(description="None when fewer than 5 completed")
    quiz_attempts: Explorers
    quiz_pass_rate: float | None = Field(description="None under 5 attempts")
    partial: list[str] = Field(
        default_factory=list,
        description="Figures that leave out days of fewer than 5, which count nothing here",
    )


class ContentStats(BaseModel):
    from_: date = Field(alias="from")
    to: date
    sort: ContentSort
    items: list[ContentFigures]
    # The list shape every list has; a ranking is its top `limit`, one page.
    next_cursor: None = Field(
        default=None, description="Always null: the top `limit` items by `sort`, one page"
    )

    model_config = {"populate_by_name": True}
