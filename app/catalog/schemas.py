from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    create_model,
    model_validator,
)

from app.core.contract import NOT_BLANK

# Trimmed, then at least one character: the pattern says so (a blank title is refused).
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=160, pattern=NOT_BLANK),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$", to_lower=True)]
Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, min_length=1, max_length=40, pattern=NOT_BLANK
    ),
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
# The largest value of an `integer` column: past it, PostgreSQL refuses the row (a 500 once).
INT_MAX = 2**31 - 1


class Kind(StrEnum):
    video = "video"
    ebook = "ebook"
    diy = "diy"


class Status(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


class VideoCategory(StrEnum):
    stories = "stories"
    music = "music"
    dance = "dance"
    science = "science"
    culture = "culture"


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


AGE_BANDS = {"3-5": (3, 5), "6-8": (6, 8), "9-12": (9, 12)}


class Sort(StrEnum):
    newest = "newest"
    by_title = "title"


# --- read models -----------------------------------------------------------------------


class ThemeOut(BaseModel):
    id: uuid.UUID
    kind: Kind
    slug: str
    title: str
    description: str
    colour: str
    sort_order: int
    cover_url: str | None


class Card(BaseModel):
    """A catalogue item as lists and screens show it."""

    id: uuid.UUID
    kind: Kind
    title: str
    theme_id: uuid.UUID
    age_min: int
    age_max: int
    language: str
    tags: list[str]
    published_at: datetime | None
    image_url: str | None = Field(description="Thumbnail or cover; redirects to the file")
    duration_ms: int | None = None
    series_id: uuid.UUID | None = None
    episode: int | None = None
    category: str | None = None
    author: str | None = None
    difficulty: str | None = None
    minutes: int | None = None


class CardPage(BaseModel):
    items: list[Card]
    next_cursor: str | None = None


class CaptionOut(BaseModel):
    language: str
    url: str | None


class VideoDetail(Card):
    """One item as the catalogue holds it (its page adds the quizzes: app/library)."""

    description: str
    season: int | None
    media_url: str | None
    captions: list[CaptionOut]
    status: Status


class PageOut(BaseModel):
    number: int
    text: str
    illustration_url: str | None
    narration_url: str | None
    word_timings: list[list[int]]


class EbookDetail(Card):
    """One item as the catalogue holds it (its page adds the quizzes: app/library)."""

    description: str
    reading_level: int
    pages: list[PageOut]
    status: Status


class MaterialOut(BaseModel):
    name: str
    quantity: str
    ask_a_grown_up: StrictBool


class StepOut(BaseModel):
    number: int
    text: str
    image_url: str | None
    video_url: str | None


class DiyDetail(Card):
    """One item as the catalogue holds it (its page adds the quizzes: app/library)."""

    description: str
    materials: list[MaterialOut]
    steps: list[StepOut]
    status: Status


class SeriesOut(BaseModel):
    id: uuid.UUID
    slug: str
    title: str
    description: str
    theme_id: uuid.UUID
    cover_url: str | None
    episodes: list[Card]


class SeriesSummary(BaseModel):
    id: uuid.UUID
    slug: str
    title: str
    theme_id: uuid.UUID
    cover_url: str | None


class SearchHit(Card):
    score: float


class SearchResults(BaseModel):
    items: list[SearchHit]
    # The list shape every list has; search answers its best matches, up to `limit`.
    next_cursor: str | None = Field(default=None, description="Always null: no further page")


class Row(BaseModel):
    title: str
    theme: ThemeOut | None = None
    category: str | None = None
    items: list[Card]


class Screen(BaseModel):
    featured: list[Card]
    rows: list[Row]


# --- admin input -----------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThemeIn(_In):
    kind: Kind
    slug: Slug
    title: Title
    description: str = Field(default="", max_length=2000)
    colour: Colour = "#ffb300"
    sort_order: int = Field(default=0, ge=0, le=INT_MAX)
    cover_asset_id: uuid.UUID | None = None


class ThemeUpdate(_In):
    slug: Slug | None = None
    title: Title | None = None
    description: str | None = Field(default=None, max_length=2000)
    colour: Colour | None = None
    sort_order: int | None = Field(default=None, ge=0, le=INT_MAX)
    cover_asset_id: uuid.UUID | None = None


class SeriesIn(_In):
    theme_id: uuid.UUID
    slug: Slug
    title: Title
    description: str = Field(default="", max_length=4000)
    cover_asset_id: uuid.UUID | None = None


class SeriesUpdate(_In):
    slug: Slug | None = None
    title: Title | None = None
    description: str | None = Field(default=None, max_length=4000)
    cover_asset_id: uuid.UUID | None = None


class _ContentIn(_In):
    theme_id: uuid.UUID
    title: Title
    description: str = Field(default="", max_length=4000)
    age_min: int = Field(default=3, ge=0, le=18)
    age_max: int = Field(default=12, ge=0, le=18)
    language: Language = "en"
    tags: list[Tag] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _ages(self) -> _ContentIn:
        if self.age_min > self.age_max:
            raise ValueError("age_min cannot be above age_max")
        return self


class CaptionIn(_In):
    language: Language
    asset_id: uuid.UUID


class VideoIn(_ContentIn):
    series_id: uuid.UUID | None = None
    season: int | None = Field(default=None, ge=1, le=INT_MAX)
    episode: int | None = Field(default=None, ge=1, le=INT_MAX)
    category: VideoCategory = VideoCategory.stories
    duration_ms: int | None = Field(default=None, ge=0, le=INT_MAX)
    media_asset_id: uuid.UUID | None = None
    thumbnail_asset_id: uuid.UUID | None = None
    captions: list[CaptionIn] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _episode(self) -> VideoIn:
        if (self.series_id is None) != (self.episode is None):
            raise ValueError("a video in a series needs an episode number, and only then")
        return self


class PageIn(_In):
    text: str = Field(min_length=1, max_length=5000)
    illustration_asset_id: uuid.UUID | None = None
    narration_asset_id: uuid.UUID | None = None
    word_timings: list[
        Annotated[list[Annotated[int, Field(ge=0, le=INT_MAX)]], Field(min_length=2, max_length=2)]
    ] = Field(default_factory=list, description="[start_ms, end_ms] per word of the text")

    @model_validator(mode="after")
    def _timings(self) -> PageIn:
        if not self.word_timings:
            return self
        words = len(self.text.split())
        if len(self.word_timings) != words:
            raise ValueError(f"word_timings has {len(self.word_timings)} entries for {words} words")
        previous_end = 0
        for index, (start, end) in enumerate(self.word_timings):
            if start < previous_end or end <= start:
                raise ValueError(f"word_timings[{index}] is out of order or empty")
            previous_end = end
        return self


class EbookIn(_ContentIn):
    author: str = Field(default="", max_length=120)
    reading_level: int = Field(default=1, ge=1, le=10)
    cover_asset_id: uuid.UUID | None = None
    pages: list[PageIn] = Field(default_factory=list, max_length=200)


class MaterialIn(_In):
    name: Title
    quantity: str = Field(default="", max_length=60)
    ask_a_grown_up: StrictBool = False


class StepIn(_In):
    text: str = Field(min_length=1, max_length=2000)
    image_asset_id: uuid.UUID | None = None
    video_asset_id: uuid.UUID | None = None


class DiyIn(_ContentIn):
    difficulty: Difficulty = Difficulty.easy
    minutes: int = Field(default=20, ge=1, le=600)
    cover_asset_id: uuid.UUID | None = None
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)
    steps: list[StepIn] = Field(default_factory=list, max_length=50)


class ScheduleIn(_In):
    publish_at: AwareDatetime = Field(description="With its time zone, e.g. 2027-01-01T09:00:00Z")


def _no_defaults(schema: dict[str, Any]) -> None:
    # Left out means unchanged: a default in the document would claim otherwise.
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """An edit of `model`: its fields with their constraints, each optional, none nullable
    that the create model does not allow as null, no other field accepted. The merged result
    is then checked as a create would be (cross-field rules included)."""
    fields: dict[str, Any] = {
        field: (info.annotation, Field(default=None, description=info.description))
        for field, info in model.model_fields.items()
    }
    for field, info in model.model_fields.items():
        fields[field][1].metadata = list(info.metadata)
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra=_no_defaults),
        __doc__=f"Some fields of {model.__name__}; the others keep their value.",
        **fields,
    )


VideoPatch = partial(VideoIn, "VideoPatch")
EbookPatch = partial(EbookIn, "EbookPatch")
DiyPatch = partial(DiyIn, "DiyPatch")


class ReorderIn(_In):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class AdminItem(BaseModel):
    id: uuid.UUID
    kind: Kind
    title: str
    status: Status
    published_at: datetime | None
    sort_order: int


class VideoAdmin(AdminItem):
    fields: VideoIn


class EbookAdmin(AdminItem):
    fields: EbookIn


class DiyAdmin(AdminItem):
    fields: DiyIn


AdminDetail = VideoAdmin | EbookAdmin | DiyAdmin
ADMIN_DETAILS: dict[Kind, type[VideoAdmin] | type[EbookAdmin] | type[DiyAdmin]] = {
    Kind.video: VideoAdmin,
    Kind.ebook: EbookAdmin,
    Kind.diy: DiyAdmin,
}


class BulkResult(BaseModel):
    ids: list[uuid.UUID]
