"""The catalogue: themes, series, videos, eBooks with read-aloud pages, DIY tutorials, and
one search document per item."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

STATUSES = "('draft', 'scheduled', 'published', 'archived')"
KINDS = "('video', 'ebook', 'diy')"
# Visible outside the admin routes: published, or scheduled and its time has come (the whole
# rule is app.catalog.queries.visible; the partial indexes below hold its status part).
VISIBLE_STATUSES = ("published", "scheduled")
VISIBLE = f"status IN {VISIBLE_STATUSES!r}"


def _asset(**kwargs: Any) -> Any:
    # RESTRICT: an asset in use cannot be deleted (content never silently loses a file);
    # indexed, so that check and the public asset route are index lookups.
    return Field(
        default=None, foreign_key="media_asset.id", ondelete="RESTRICT", index=True, **kwargs
    )


class Theme(SQLModel, table=True):
    __tablename__ = "theme"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.CheckConstraint("colour ~ '^#[0-9a-f]{6}$'", name="colour"),
        sa.Index("ix_theme_kind_order", "kind", "sort_order"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(sa_type=sa.String(8))
    slug: str = Field(sa_type=sa.String(80), unique=True)
    title: str = Field(sa_type=sa.String(120))
    description: str = Field(default="", sa_type=sa.Text)
    colour: str = Field(default="#ffb300", sa_type=sa.String(7))
    sort_order: int = 0
    cover_asset_id: uuid.UUID | None = _asset()
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class ContentBase(SQLModel):
    """Columns every catalogue item shares."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    theme_id: uuid.UUID = Field(foreign_key="theme.id", ondelete="RESTRICT")
    title: str = Field(sa_type=sa.String(160))
    description: str = Field(default="", sa_type=sa.Text)
    status: str = Field(default="draft", sa_type=sa.String(10))
    # Set when published (now) or scheduled (the future time); visible once it has passed.
    published_at: datetime | None = timestamp_field()
    age_min: int = 3
    age_max: int = 12
    language: str = Field(default="en", sa_type=sa.String(16))
    tags: list[str] = Field(default_factory=list, sa_type=ARRAY(sa.String(40)))
    sort_order: int = 0
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


def _content_args(table: str) -> tuple[Any, ...]:
    return (
        sa.CheckConstraint(f"status IN {STATUSES}", name="status"),
        sa.CheckConstraint("age_min >= 0 AND age_max <= 18 AND age_min <= age_max", name="ages"),
        sa.CheckConstraint(
            "status NOT IN ('published', 'scheduled') OR published_at IS NOT NULL",
            name="published_at",
        ),
        sa.Index(
            f"ix_{table}_visible_theme_newest",
            "theme_id",
            sa.text("published_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text(VISIBLE),
        ),
        sa.Index(
            f"ix_{table}_visible_newest",
            sa.text("published_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text(VISIBLE),
        ),
        sa.Index(f"ix_{table}_tags", "tags", postgresql_using="gin"),
    )


class Series(SQLModel, table=True):
    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES}", name="status"),
        sa.CheckConstraint(
            "status NOT IN ('published', 'scheduled') OR published_at IS NOT NULL",
            name="published_at",
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    theme_id: uuid.UUID = Field(foreign_key="theme.id", ondelete="RESTRICT", index=True)
    slug: str = Field(sa_type=sa.String(80), unique=True)
    title: str = Field(sa_type=sa.String(160))
    description: str = Field(default="", sa_type=sa.Text)
    status: str = Field(default="draft", sa_type=sa.String(10))
    published_at: datetime | None = timestamp_field()
    cover_asset_id: uuid.UUID | None = _asset()
    sort_order: int = 0
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class Video(ContentBase, table=True):
    __tablename__ = "video"
    __table_args__ = (
        *_content_args("video"),
        sa.UniqueConstraint("series_id", "season", "episode"),
        sa.CheckConstraint("(series_id IS NULL) = (episode IS NULL)", name="episode"),
    )

    series_id: uuid.UUID | None = Field(
        default=None, foreign_key="series.id", ondelete="RESTRICT", index=True
    )
    season: int | None = None
    episode: int | None = None
    # The Adventure Show category: music, dance, stories, science, culture (DIY is its own)
    category: str = Field(default="stories", sa_type=sa.String(20))
    # Taken from the media asset when it is ready (never typed in): known means playable.
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    media_asset_id: uuid.UUID | None = _asset()
    thumbnail_asset_id: uuid.UUID | None = _asset()


class VideoCaption(SQLModel, table=True):
    __tablename__ = "video_caption"

    video_id: uuid.UUID = Field(foreign_key="video.id", ondelete="CASCADE", primary_key=True)
    language: str = Field(sa_type=sa.String(16), primary_key=True)
    asset_id: uuid.UUID = Field(foreign_key="media_asset.id", ondelete="RESTRICT", index=True)


class Ebook(ContentBase, table=True):
    __tablename__ = "ebook"
    __table_args__ = _content_args("ebook")

    author: str = Field(default="", sa_type=sa.String(120))
    reading_level: int = Field(default=1)
    cover_asset_id: uuid.UUID | None = _asset()


class EbookPage(SQLModel, table=True):
    __tablename__ = "ebook_page"
    __table_args__ = (
        sa.CheckConstraint("number >= 1", name="number"),
        sa.CheckConstraint(
            "narration_source IN ('tts', 'human') AND narration_asset_id IS NOT NULL "
            "OR narration_source IS NULL",
            name="narration_source",
        ),
    )

    ebook_id: uuid.UUID = Field(foreign_key="ebook.id", ondelete="CASCADE", primary_key=True)
    number: int = Field(primary_key=True)
    text: str = Field(sa_type=sa.Text)
    illustration_asset_id: uuid.UUID | None = _asset()
    narration_asset_id: uuid.UUID | None = _asset()
    # Who made the narration: a text-to-speech engine (replaced by a later generation) or a
    # person (a recording, never overwritten by a generation).
    narration_source: str | None = Field(default=None, sa_type=sa.String(8))
    # [[start_ms, end_ms], ...], one per word of `text`, in order
    word_timings: list[list[int]] = Field(default_factory=list, sa_type=JSONB)


class Diy(ContentBase, table=True):
    __tablename__ = "diy"
    __table_args__ = (
        *_content_args("diy"),
        sa.CheckConstraint("difficulty IN ('easy', 'medium', 'hard')", name="difficulty"),
        sa.CheckConstraint("minutes > 0", name="minutes"),
    )

    difficulty: str = Field(default="easy", sa_type=sa.String(8))
    minutes: int = 20
    cover_asset_id: uuid.UUID | None = _asset()


class DiyMaterial(SQLModel, table=True):
    __tablename__ = "diy_material"

    diy_id: uuid.UUID = Field(foreign_key="diy.id", ondelete="CASCADE", primary_key=True)
    position: int = Field(primary_key=True)
    name: str = Field(sa_type=sa.String(120))
    quantity: str = Field(default="", sa_type=sa.String(60))
    ask_a_grown_up: bool = False


class DiyStep(SQLModel, table=True):
    __tablename__ = "diy_step"
    __table_args__ = (sa.CheckConstraint("number >= 1", name="number"),)

    diy_id: uuid.UUID = Field(foreign_key="diy.id", ondelete="CASCADE", primary_key=True)
    number: int = Field(primary_key=True)
    text: str = Field(sa_type=sa.Text)
    image_asset_id: uuid.UUID | None = _asset()
    video_asset_id: uuid.UUID | None = _asset()


class SearchDocument(SQLModel, table=True):
    """One row per catalogue item, kept in step by the catalogue service: the stored
    tsvector (titles, descriptions, tags, eBook text) has a GIN index, the title a trigram
    index for typo tolerance."""

    __tablename__ = "search_document"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.Index("ix_search_document_vector", "vector", postgresql_using="gin"),
        sa.Index(
            "ix_search_document_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
    )

    content_id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(sa_type=sa.String(8))
    theme_id: uuid.UUID = Field(foreign_key="theme.id", ondelete="CASCADE")
    title: str = Field(sa_type=sa.String(160))
    status: str = Field(sa_type=sa.String(10))
    published_at: datetime | None = timestamp_field()
    age_min: int
    age_max: int
    language: str = Field(sa_type=sa.String(16))
    vector: str = Field(sa_type=TSVECTOR)
