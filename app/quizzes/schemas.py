"""Quiz request and response models. What explorers read (QuizOut, AttemptOut) has no field
that could tell which choice is right: no `correct`, no explanation, no feedback. Those
appear only in an answer's result (instant mode), a submitted attempt's result, and the
editors' own reads (AdminQuiz).

This module imports nothing of the catalogue: the catalogue's detail schemas use
QuizSummary."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from app.catalog.schemas import ContentKind as ContentKind
from app.catalog.schemas import Difficulty as Difficulty
from app.catalog.schemas import PublicationStatus

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ChoiceText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]

MAX_QUESTIONS = 50
MAX_CHOICES = 10


QuizStatus = PublicationStatus


class FeedbackMode(StrEnum):
    instant = "instant"
    at_end = "at_end"


class QuestionType(StrEnum):
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    true_false = "true_false"
    ordering = "ordering"
    picture_choice = "picture_choice"


# --- editors' input ----------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChoiceIn(_In):
    id: uuid.UUID | None = Field(
        default=None, description="Keep this choice (its id) when editing; omit for a new one"
    )
    text: ChoiceText = ""
    image_asset_id: uuid.UUID | None = None
    correct: StrictBool = Field(
        default=False, description="Ignored for ordering: the list order is"
    )
    feedback: LongText = ""


class QuestionIn(_In):
    id: uuid.UUID | None = Field(
        default=None, description="Keep this question (its id and statistics) when editing"
    )
    type: QuestionType
    prompt: Prompt
    image_asset_id: uuid.UUID | None = None
    narration_asset_id: uuid.UUID | None = Field(
        default=None, description="The prompt read aloud, for explorers who cannot read yet"
    )
    hint: LongText = ""
    explanation: LongText = ""
    points: StrictInt = Field(default=1, ge=1, le=100)
    choices: list[ChoiceIn] = Field(
        min_length=1,
        max_length=MAX_CHOICES,
        description="For ordering: the items in the right order",
    )


class QuizIn(_In):
    content_kind: ContentKind
    content_id: uuid.UUID
    title: Title
    difficulty: Difficulty = Difficulty.easy
    pass_mark: StrictInt = Field(default=70, ge=0, le=100, description="Percent needed to pass")
    feedback_mode: FeedbackMode = FeedbackMode.instant
    shuffle_questions: StrictBool = False
    shuffle_choices: StrictBool = False
    time_suggestion_seconds: StrictInt | None = Field(default=None, ge=1, le=24 * 3600)
    questions: list[QuestionIn] = Field(min_length=1, max_length=MAX_QUESTIONS)


class QuizPatch(_In):
    """Any fields of QuizIn; `questions`, when sent, is the whole new list (questions and
    choices sent with their id are kept, with their statistics)."""

    title: Title | None = None
    difficulty: Difficulty | None = None
    pass_mark: StrictInt | None = Field(default=None, ge=0, le=100)
    feedback_mode: FeedbackMode | None = None
    shuffle_questions: StrictBool | None = None
    shuffle_choices: StrictBool | None = None
    time_suggestion_seconds: StrictInt | None = Field(default=None, ge=1, le=24 * 3600)
    questions: list[QuestionIn] | None = Field(default=None, min_length=1, max_length=MAX_QUESTIONS)


class QuizBulk(_In):
    items: list[QuizIn] = Field(min_length=1, max_length=200)


class ReorderIn(_In):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_QUESTIONS)


# --- what explorers read -----------------------------------------------------------------


class QuizSummary(BaseModel):
    """A quiz as a content page lists it."""

    id: uuid.UUID
    title: str
    difficulty: Difficulty
    question_count: int


class ChoiceOut(BaseModel):
    id: uuid.UUID
    text: str
    image_url: str | None


class QuestionOut(BaseModel):
    id: uuid.UUID
    type: QuestionType
    prompt: str
    image_url: str | None
    narration_url: str | None
    hint: str | None = Field(description="Shown when the explorer asks; halves the points")
    points: int
    choices: list[ChoiceOut] = Field(description="For ordering: the items, mixed up")


class QuizOut(BaseModel):
    id: uuid.UUID
    content_kind: ContentKind
    content_id: uuid.UUID
    title: str
    difficulty: Difficulty
    pass_mark: int
    feedback_mode: FeedbackMode
    time_suggestion_seconds: int | None
    question_count: int
    questions: list[QuestionOut]


class QuizPage(BaseModel):
    items: list[QuizOut]
    next_cursor: str | None = None


# --- attempts ----------------------------------------------------------------------------


class AnswerIn(_In):
    choice_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_CHOICES)
    order: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_CHOICES, description="Ordering questions: every item"
    )
    hint_used: StrictBool = False

    @model_validator(mode="after")
    def _one_of(self) -> AnswerIn:
        if (self.choice_ids is None) == (self.order is None):
            raise ValueError("send either choice_ids or order (ordering questions)")
        return self


HINT_USED = (
    "The explorer looked at the question's hint: it halves the question's points and stays "
    "seen. On a question without a hint it costs nothing and is recorded as false."
)


class ChoiceAnswer(_In):
    """Single choice, multiple choice and true or false: the choices picked."""

    choice_ids: list[uuid.UUID] = Field(max_length=MAX_CHOICES)
    hint_used: StrictBool = Field(default=False, description=HINT_USED)


class OrderAnswer(_In):
    """Ordering questions: every item, in the explorer's order."""

    order: list[uuid.UUID] = Field(max_length=MAX_CHOICES, description="Every item, once")
    hint_used: StrictBool = Field(default=False, description=HINT_USED)


def _one_of(schema: dict[str, Any]) -> None:
    # The two shapes exclude each other (no extra fields): exactly one matches.
    schema["oneOf"] = schema.pop("anyOf")


class AnswerBody(RootModel[ChoiceAnswer | OrderAnswer]):
    """`choice_ids` or `order`, by the type of the question."""

    model_config = ConfigDict(json_schema_extra=_one_of)

    def answer(self) -> AnswerIn:
        return AnswerIn(**self.root.model_dump())


class AnswerOut(BaseModel):
    question_id: uuid.UUID
    choice_ids: list[uuid.UUID] | None
    order: list[uuid.UUID] | None
    hint_used: StrictBool
    # Instant feedback only; null in at_end mode until the attempt is submitted.
    correct: StrictBool | None = None
    explanation: str | None = None
    feedback: list[str] | None = Field(
        default=None, description="Instant mode: what the chosen choices say"
    )
    correct_choice_ids: list[uuid.UUID] | None = Field(
        default=None, description="Instant mode: the right choices (ordering: the right order)"
    )


class AttemptOut(BaseModel):
    id: uuid.UUID
    quiz_id: uuid.UUID
    status: str = Field(description="open, submitted or expired")
    feedback_mode: FeedbackMode
    started_at: datetime
    expires_at: datetime
    questions: list[QuestionOut] = Field(description="In this attempt's order")
    answers: list[AnswerOut]


class QuestionResult(BaseModel):
    question_id: uuid.UUID
    prompt: str
    type: QuestionType
    answered: bool
    choice_ids: list[uuid.UUID] | None
    order: list[uuid.UUID] | None
    correct: StrictBool
    hint_used: StrictBool
    points: int
    points_awarded: float
    explanation: str
    correct_choice_ids: list[uuid.UUID]


class AttemptResult(BaseModel):
    attempt_id: uuid.UUID
    quiz_id: uuid.UUID
    status: str = Field(description="submitted, or expired (closed a day after it started)")
    closed_at: datetime
    score: float
    max_score: int
    percent: int
    pass_mark: int
    passed: bool
    stars: int = Field(ge=1, le=3)
    questions: list[QuestionResult]


class QuizResult(BaseModel):
    quiz: QuizSummary
    content_kind: ContentKind
    content_id: uuid.UUID
    attempts: int
    best_percent: int
    best_score: float
    best_stars: int
    mastered: bool
    last_attempt_at: datetime


class QuizResultPage(BaseModel):
    items: list[QuizResult]
    next_cursor: str | None = None


class NextQuiz(BaseModel):
    quiz: QuizSummary | None = Field(description="None when there is nothing left to take")
    difficulty: Difficulty | None
    reason: str = Field(
        description="start (fits the age band), up (after a pass), down (after two fails), "
        "again (keep practising this level), all_mastered, none (no quiz on this content)"
    )


class QuizCounts(BaseModel):
    """For the library's stats and the parents' activity summary."""

    taken: int = Field(description="Quizzes with an attempt finished in the period")
    passed: int = Field(description="Quizzes passed in the period")


# --- editors' reads ----------------------------------------------------------------------


class AdminChoice(BaseModel):
    id: uuid.UUID
    text: str
    image_asset_id: uuid.UUID | None
    correct: StrictBool
    feedback: str


class AdminQuestion(BaseModel):
    id: uuid.UUID
    position: int
    type: QuestionType
    prompt: str
    image_asset_id: uuid.UUID | None
    narration_asset_id: uuid.UUID | None
    hint: str
    explanation: str
    points: int
    choices: list[AdminChoice]


class AdminQuiz(BaseModel):
    id: uuid.UUID
    content_kind: ContentKind
    content_id: uuid.UUID
    title: str
    difficulty: Difficulty
    status: QuizStatus
    published_at: datetime | None
    pass_mark: int
    feedback_mode: FeedbackMode
    shuffle_questions: StrictBool
    shuffle_choices: StrictBool
    time_suggestion_seconds: int | None
    created_at: datetime
    updated_at: datetime
    questions: list[AdminQuestion]


class AdminQuizItem(BaseModel):
    id: uuid.UUID
    content_kind: ContentKind
    content_id: uuid.UUID
    title: str
    difficulty: Difficulty
    status: QuizStatus
    question_count: int
    created_at: datetime


class AdminQuizPage(BaseModel):
    items: list[AdminQuizItem]
    next_cursor: str | None = None


class BulkResult(BaseModel):
    ids: list[uuid.UUID]


class Deleted(BaseModel):
    id: uuid.UUID
    outcome: str = Field(description="deleted, or archived when explorers have attempts")


class WrongChoice(BaseModel):
    choice_id: uuid.UUID
    text: str
    times: int


# A count of attempts, or "fewer than 5" below min_attempts (it could point at a child).
SmallCount = int | Literal["fewer than 5"]


class QuestionStats(BaseModel):
    question_id: uuid.UUID
    position: int
    prompt: str
    type: QuestionType
    attempts: SmallCount = Field(description="Finished attempts that showed this question")
    answered: SmallCount
    correct_share: float | None = Field(
        description="Answered correctly / attempts; none below min_attempts"
    )
    hint_share: float | None
    most_chosen_wrong_choice: WrongChoice | None
    flag: str = Field(
        description="too_hard (under 30% correct), too_easy (over 95%), ok, or "
        "not_enough_data (fewer attempts than min_attempts)"
    )


class QuizStats(BaseModel):
    quiz_id: uuid.UUID
    from_: date = Field(alias="from")
    to: date
    min_attempts: int
    attempts: SmallCount
    passed_share: float | None
    average_percent: float | None
    questions: list[QuestionStats]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
