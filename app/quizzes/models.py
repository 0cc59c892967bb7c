"""Quizzes on catalogue items: questions and their choices, and each explorer's attempts
and answers. The rules that the database can hold are held there (see __table_args__)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

KINDS = "('video', 'ebook', 'diy')"
STATUSES = "('draft', 'scheduled', 'published', 'archived')"
DIFFICULTIES = "('easy', 'medium', 'hard')"
QUESTION_TYPES = "('single_choice', 'multiple_choice', 'true_false', 'ordering', 'picture_choice')"


def _asset() -> Any:
    # RESTRICT, like the catalogue: an asset a quiz shows cannot be deleted under it.
    return Field(default=None, foreign_key="media_asset.id", ondelete="RESTRICT", index=True)


def _content(table: str) -> Any:
    # The quiz goes with its content.
    return Field(default=None, foreign_key=f"{table}.id", ondelete="CASCADE", index=True)


class Quiz(SQLModel, table=True):
    """A quiz on exactly one video, eBook or DIY: one foreign key per kind, exactly one set,
    and `content_kind` naming it (both checked by the database)."""

    __tablename__ = "quiz"
    __table_args__ = (
        sa.CheckConstraint(f"content_kind IN {KINDS}", name="content_kind"),
        sa.CheckConstraint(
            "num_nonnulls(video_id, ebook_id, diy_id) = 1 AND CASE content_kind "
            "WHEN 'video' THEN video_id IS NOT NULL WHEN 'ebook' THEN ebook_id IS NOT NULL "
            "ELSE diy_id IS NOT NULL END",
            name="one_content",
        ),
        sa.CheckConstraint(f"difficulty IN {DIFFICULTIES}", name="difficulty"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="status"),
        sa.CheckConstraint(
            "status NOT IN ('published', 'scheduled') OR published_at IS NOT NULL",
            name="published_at",
        ),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark"),
        sa.CheckConstraint("feedback_mode IN ('instant', 'at_end')", name="feedback_mode"),
        sa.CheckConstraint(
            "time_suggestion_seconds IS NULL OR time_suggestion_seconds > 0", name="time"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    content_kind: str = Field(sa_type=sa.String(8))
    video_id: uuid.UUID | None = _content("video")
    ebook_id: uuid.UUID | None = _content("ebook")
    diy_id: uuid.UUID | None = _content("diy")
    title: str = Field(sa_type=sa.String(160))
    difficulty: str = Field(default="easy", sa_type=sa.String(8))
    status: str = Field(default="draft", sa_type=sa.String(10))
    published_at: datetime | None = timestamp_field()
    pass_mark: int = Field(default=70, sa_type=sa.SmallInteger)
    feedback_mode: str = Field(default="instant", sa_type=sa.String(8))
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    time_suggestion_seconds: int | None = None
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_question"
    __table_args__ = (
        # Deferred: a reorder swaps positions inside one transaction.
        sa.UniqueConstraint(
            "quiz_id",
            "position",
            name="uq_quiz_question_position",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.CheckConstraint(f"type IN {QUESTION_TYPES}", name="type"),
        sa.CheckConstraint("position >= 0", name="position"),
        sa.CheckConstraint("points BETWEEN 1 AND 100", name="points"),
        sa.CheckConstraint("char_length(prompt) BETWEEN 1 AND 500", name="prompt"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    quiz_id: uuid.UUID = Field(foreign_key="quiz.id", ondelete="CASCADE")
    position: int
    type: str = Field(sa_type=sa.String(16))
    prompt: str = Field(sa_type=sa.Text)
    image_asset_id: uuid.UUID | None = _asset()
    narration_asset_id: uuid.UUID | None = _asset()
    hint: str = Field(default="", sa_type=sa.Text)
    explanation: str = Field(default="", sa_type=sa.Text)
    points: int = Field(default=1, sa_type=sa.SmallInteger)


class QuizChoice(SQLModel, table=True):
    """A choice of a question; for an ordering question an item, `position` its place in
    the right order."""

    __tablename__ = "quiz_choice"
    __table_args__ = (
        sa.UniqueConstraint(
            "question_id",
            "position",
            name="uq_quiz_choice_position",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.CheckConstraint("position >= 0", name="position"),
        sa.CheckConstraint("text <> '' OR image_asset_id IS NOT NULL", name="text_or_image"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    question_id: uuid.UUID = Field(foreign_key="quiz_question.id", ondelete="CASCADE")
    position: int
    text: str = Field(default="", sa_type=sa.String(200))
    image_asset_id: uuid.UUID | None = _asset()
    correct: bool = False
    feedback: str = Field(default="", sa_type=sa.Text)


class QuizAttempt(SQLModel, table=True):
    """One explorer's go at a quiz. The question order (and each question's choice order) is
    fixed when it starts; the score is written once, when it closes (submitted, or after a
    day left open). At most one open attempt per explorer and quiz."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        sa.CheckConstraint(
            "closed_reason IS NULL OR closed_reason IN ('submitted', 'expired')",
            name="closed_reason",
        ),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (closed_reason IS NULL) AND (closed_at IS NULL) = "
            "(percent IS NULL) AND (closed_at IS NULL) = (passed IS NULL) AND "
            "(closed_at IS NULL) = (stars IS NULL)",
            name="closed",
        ),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        sa.CheckConstraint("stars BETWEEN 1 AND 3", name="stars"),
        sa.Index(
            "uq_quiz_attempt_open",
            "profile_id",
            "quiz_id",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
        sa.Index("ix_quiz_attempt_profile_quiz", "profile_id", "quiz_id"),
        sa.Index("ix_quiz_attempt_quiz_closed", "quiz_id", "closed_at"),
        sa.Index(
            "ix_quiz_attempt_open_started",
            "started_at",
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    quiz_id: uuid.UUID = Field(foreign_key="quiz.id", ondelete="CASCADE")
    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE")
    question_order: list[uuid.UUID] = Field(sa_type=ARRAY(sa.Uuid()))
    # {question_id: [choice_id, ...]}: the order the explorer sees each question's choices in.
    choice_orders: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    started_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    closed_at: datetime | None = timestamp_field()
    closed_reason: str | None = Field(default=None, sa_type=sa.String(10))
    score: Decimal | None = Field(default=None, sa_type=sa.Numeric(8, 1))
    max_score: int | None = None
    percent: int | None = Field(default=None, sa_type=sa.SmallInteger)
    passed: bool | None = None
    stars: int | None = Field(default=None, sa_type=sa.SmallInteger)


class QuizResponse(SQLModel, table=True):
    """The answer to one question of one attempt (the key: one per question)."""

    __tablename__ = "quiz_response"
    __table_args__ = (
        sa.CheckConstraint("points_awarded >= 0", name="points_awarded"),
        sa.Index("ix_quiz_response_question", "question_id"),
    )

    attempt_id: uuid.UUID = Field(
        foreign_key="quiz_attempt.id", ondelete="CASCADE", primary_key=True
    )
    question_id: uuid.UUID = Field(
        foreign_key="quiz_question.id", ondelete="CASCADE", primary_key=True
    )
    # The choices picked; for an ordering question the items in the order given.
    choice_ids: list[uuid.UUID] = Field(sa_type=ARRAY(sa.Uuid()))
    hint_used: bool = False
    correct: bool = False
    points_awarded: Decimal = Field(default=Decimal(0), sa_type=sa.Numeric(6, 1))
    answered_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
