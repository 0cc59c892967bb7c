"""Badges as editors write them and as an explorer sees them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)

from app.catalog.schemas import Kind

# A streak badge asks for at most this many days (app/rewards/queries.py counts a streak
# within STREAK_WINDOW_DAYS).
MAX_STREAK_DAYS = 300
MAX_COUNT = 1000


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


Count = Annotated[int, Field(ge=1, le=MAX_COUNT, description="How many it takes")]


class OfKind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_kind: Kind


class OfTheme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme_id: uuid.UUID


class OfSeries(BaseModel):
    model_config = ConfigDict(extra="forbid")

    series_id: uuid.UUID


class OfItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: uuid.UUID


class ItemsCompleted(BaseModel):
    """Items finished (a video watched, an eBook read, a DIY made): all of them, or (`of`)
    only those of one kind, one theme, one series or one item."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["items_completed"]
    count: Count
    of: OfKind | OfTheme | OfSeries | OfItem | None = Field(
        default=None,
        description="Which items count: one of `item_kind`, `theme_id`, `series_id`, `item_id`",
    )


class QuizzesPassed(BaseModel):
    """Different quizzes passed (passing one again counts once), of any or one difficulty."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["quizzes_passed"]
    count: Count
    difficulty: Difficulty | None = None


class QuizzesMastered(BaseModel):
    """Different quizzes mastered: passed with three stars (90% or more)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["quizzes_mastered"]
    count: Count
    difficulty: Difficulty | None = None


class StreakDays(BaseModel):
    """A streak of this many learning days (the streak "My adventures" shows: one missed day a
    week is forgiven)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["streak_days"]
    days: int = Field(ge=2, le=MAX_STREAK_DAYS)


class DiysFinished(BaseModel):
    """DIY projects finished (every step done)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["diys_finished"]
    count: Count


class EbooksReadAloud(BaseModel):
    """eBooks finished while being read aloud."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["ebooks_read_aloud"]
    count: Count


Criterion = Annotated[
    ItemsCompleted | QuizzesPassed | QuizzesMastered | StreakDays | DiysFinished | EbooksReadAloud,
    Field(discriminator="kind"),
]

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]

_EXAMPLE_IN: dict[str, Any] = {
    "slug": "folktale-fan",
    "title": "Folktale fan",
    "description": "You read three folktales of Ghana!",
    "picture_asset_id": None,
    "criterion": {"kind": "items_completed", "count": 3, "of": {"item_kind": "ebook"}},
    "unlocks": [],
    "sort_order": 10,
}


class BadgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_IN]})

    slug: Slug
    title: Title
    description: Description = ""
    picture_asset_id: uuid.UUID | None = None
    criterion: Criterion
    unlocks: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="Avatar parts this badge unlocks"
    )
    sort_order: int = Field(default=0, ge=0, le=10_000)


class BadgePatch(BaseModel):
    """Only what is sent changes; null leaves a field as it is, except `picture_asset_id`
    (null removes the picture). A new criterion applies to what comes next: explorers who
    earned the badge keep it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"criterion": {"kind": "items_completed", "count": 4, "of": {"item_kind": "ebook"}}}
            ]
        },
    )

    title: Title | None = None
    description: Description | None = None
    picture_asset_id: uuid.UUID | None = None
    criterion: Criterion | None = None
    unlocks: list[uuid.UUID] | None = Field(default=None, max_length=20)
    sort_order: int | None = Field(default=None, ge=0, le=10_000)


class BadgeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE_IN,
                    "id": "6f1c2b9e-3f4a-5b6c-8d7e-9f0a1b2c3d4e",
                    "picture_url": None,
                    "created_at": "2026-12-08T09:00:00Z",
                    "updated_at": "2026-12-08T09:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    slug: str
    title: str
    description: str
    picture_asset_id: uuid.UUID | None
    picture_url: str | None = Field(description="Where anyone may fetch the picture")
    criterion: Criterion
    unlocks: list[uuid.UUID]
    sort_order: int
    created_at: datetime
    updated_at: datetime


class BadgeCard(BaseModel):
    """A badge as an explorer sees it."""

    id: uuid.UUID
    title: str
    description: str
    picture_url: str | None
    unlocks: list[uuid.UUID] = Field(description="Avatar parts it unlocks")


class EarnedOut(BaseModel):
    badge: BadgeCard
    earned_at: datetime


class NextOut(BaseModel):
    badge: BadgeCard
    progress: int = Field(description="How far the explorer is, e.g. 2 (of 3 folktales)")
    goal: int = Field(description="What earns it, e.g. 3")


class LatestBadge(BaseModel):
    """The explorer's newest badge, for "My adventures" and the my-explorer tab."""

    id: uuid.UUID
    title: str
    description: str
    picture_url: str | None
    earned_at: datetime


_CARD: dict[str, Any] = {
    "id": "6f1c2b9e-3f4a-5b6c-8d7e-9f0a1b2c3d4e",
    "title": "Folktale fan",
    "description": "You read three folktales of Ghana!",
    "picture_url": None,
    "unlocks": [],
}


class ProfileBadges(BaseModel):
    """What an explorer earned (newest first) and the badges nearest to being earned. Empty,
    with `enabled` false, while a parent has turned rewards off."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enabled": True,
                    "earned": [{"badge": _CARD, "earned_at": "2026-12-08T09:00:00Z"}],
                    "next": [
                        {"badge": {**_CARD, "title": "Story listener"}, "progress": 2, "goal": 3}
                    ],
                }
            ]
        }
    )

    enabled: bool
    earned: list[EarnedOut]
    next: list[NextOut]


class RewardSettings(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"enabled": True, "tell_parent": True}]},
    )

    enabled: StrictBool = Field(
        description="Badges earned and shown, and avatar parts locked until earned"
    )
    tell_parent: StrictBool = Field(
        default=False, description="The parent's inbox hears of each badge too"
    )
