"""The explorer's screens: catalogue cards with their progress."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.avatars.schemas import AvatarSelection
from app.catalog.schemas import Card, DiyDetail, EbookDetail, Screen, VideoDetail
from app.classrooms.schemas import DueSoon
from app.progress.schemas import Minutes, ProgressOut
from app.quizzes.schemas import QuizSummary
from app.rewards.schemas import LatestBadge


class Section(StrEnum):
    continue_ = "continue"
    completed = "completed"
    saved = "saved"
    recommended = "recommended"


class LibraryCard(Card):
    """A catalogue card, as lists and screens show it, with this explorer's progress."""

    progress: ProgressOut | None = None
    saved_at: datetime | None = None


class LibraryPage(BaseModel):
    items: list[LibraryCard]
    next_cursor: str | None = None


class StreakOut(BaseModel):
    current: int = Field(description="Learning days in the run that reaches today")
    longest: int
    learned_today: bool


class LibraryStats(BaseModel):
    minutes_this_week: Minutes = Field(description="Since Sunday, in the family's time zone")
    items_completed: int
    current_streak: int
    longest_streak: int
    quizzes_taken: int = Field(description="Quizzes this explorer has finished an attempt of")
    quizzes_passed: int = Field(description="Quizzes this explorer has passed (mastered)")


class Library(BaseModel):
    """ "My adventures" in one round trip."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    continue_: list[LibraryCard] = Field(alias="continue", description="Newest activity first")
    completed: list[LibraryCard]
    saved: list[LibraryCard]
    recommended: list[LibraryCard]
    stats: LibraryStats
    due_soon: list[DueSoon] = Field(
        default_factory=list,
        description="Classroom assignments due in the next days, soonest first",
    )
    latest_badge: LatestBadge | None = Field(
        default=None, description="The newest badge earned (null while rewards are off)"
    )


class ExplorerOut(BaseModel):
    id: uuid.UUID
    nickname: str
    age_band: str
    avatar: AvatarSelection
    avatar_url: str


class MyExplorer(BaseModel):
    """The explorer's own tab: who they are, their streak, what to continue, what they did."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    explorer: ExplorerOut
    streak: StreakOut
    continue_: list[LibraryCard] = Field(alias="continue")
    recent: list[LibraryCard] = Field(description="Recent completions, newest first")
    latest_badge: LatestBadge | None = Field(
        default=None, description="The newest badge earned (null while rewards are off)"
    )


# --- pages that combine the catalogue with quizzes and classrooms ------------------------


class VideoOut(VideoDetail):
    quizzes: list[QuizSummary] = Field(default=[], description="Published quizzes")


class EbookOut(EbookDetail):
    quizzes: list[QuizSummary] = Field(default=[], description="Published quizzes")


class DiyOut(DiyDetail):
    quizzes: list[QuizSummary] = Field(default=[], description="Published quizzes")


class ExplorerScreen(Screen):
    """A screen for one explorer (`?profile_id=`): the explore tab adds what is due soon."""

    due_soon: list[DueSoon] | None = Field(
        default=None,
        description="With `profile_id` on the explore tab: the explorer's classroom "
        "assignments due in the next days, soonest first",
    )
