"""Classrooms in and out: what teachers send and see, what parents see before joining, and
what an explorer sees of their assignments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from app.accounts.schemas import TimeZone
from app.avatars.schemas import AvatarSelection
from app.profiles.schemas import AgeBand

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Grade = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    Field(examples=["Primary 3", "Class 2B"]),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=32),
    Field(description="The classroom's join code (spaces and dashes are ignored)"),
]
MAX_ITEMS = 20


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClassroomIn(_In):
    name: Name
    grade: Grade | None = None
    age_band: AgeBand | None = None
    timezone: TimeZone | None = Field(
        default=None, description="Due dates are days of this calendar (default: yours)"
    )

    @model_validator(mode="after")
    def _grade_or_band(self) -> ClassroomIn:
        if self.grade is None and self.age_band is None:
            raise ValueError("Give the classroom a grade or an age band.")
        return self


class ClassroomPatch(_In):
    name: Name | None = None
    grade: Grade | None = None
    age_band: AgeBand | None = None
    timezone: TimeZone | None = None
    code_enabled: StrictBool | None = Field(
        default=None, description="false: the join code stops working (until switched on)"
    )


class TeacherRole(StrEnum):
    owner = "owner"
    co_teacher = "co_teacher"


class TeacherOut(BaseModel):
    account_id: uuid.UUID
    display_name: str | None
    role: TeacherRole


class InviteOut(BaseModel):
    id: uuid.UUID
    classroom_id: uuid.UUID
    classroom_name: str
    email: str
    created_at: datetime


class ClassroomOut(BaseModel):
    id: uuid.UUID
    name: str
    grade: str | None
    age_band: AgeBand | None
    timezone: TimeZone
    join_code: str
    code_enabled: bool
    archived: bool
    archived_at: datetime | None
    teacher_display_name: str | None
    my_role: TeacherRole | None = Field(description="null for an admin who is not a teacher here")
    teachers: list[TeacherOut]
    pending_invites: list[InviteOut]
    member_count: int
    created_at: datetime


class ClassroomCard(BaseModel):
    """What a parent sees of a classroom: before joining, and in the child's list."""

    id: uuid.UUID
    name: str
    grade: str | None
    age_band: AgeBand | None
    teacher_display_name: str | None


class JoinIn(_In):
    code: Code


class Enrolment(BaseModel):
    classroom: ClassroomCard
    profile_id: uuid.UUID
    joined_at: datetime


class InviteIn(_In):
    email: EmailStr


class MemberOut(BaseModel):
    """What a teacher sees of a child: nickname, avatar and age band, nothing else."""

    profile_id: uuid.UUID
    nickname: str
    age_band: AgeBand
    avatar: AvatarSelection
    avatar_url: str
    joined_at: datetime


class ItemKind(StrEnum):
    video = "video"
    ebook = "ebook"
    diy = "diy"
    quiz = "quiz"


class ItemIn(_In):
    kind: ItemKind
    item_id: uuid.UUID


Items = Annotated[list[ItemIn], Field(min_length=1, max_length=MAX_ITEMS)]


class AssignmentIn(_In):
    title: Title
    note: Note = ""
    items: Items
    start_date: date | None = Field(default=None, description="Shown from this day on")
    due_date: date = Field(description="Due by the end of this day, in the classroom's zone")


class AssignmentPatch(_In):
    title: Title | None = None
    note: Note | None = None
    items: Items | None = None
    start_date: date | None = None
    due_date: date | None = None


class ReorderIn(_In):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class ItemOut(BaseModel):
    kind: ItemKind
    item_id: uuid.UUID
    title: str | None = Field(description="null when the item is no longer published")


class AssignmentState(StrEnum):
    scheduled = "scheduled"  # its start date has not come yet
    open = "open"
    closed = "closed"


class AssignmentOut(BaseModel):
    id: uuid.UUID
    classroom_id: uuid.UUID
    title: str
    note: str
    start_date: date | None
    due_date: date
    timezone: TimeZone
    starts_at: datetime | None = Field(description="The start of start_date, UTC")
    due_at: datetime = Field(description="The end of due_date (exclusive), UTC")
    state: AssignmentState
    position: int
    closed_at: datetime | None
    items: list[ItemOut]
    created_at: datetime


class ItemStatus(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    help_needed = "help_needed"


class QuizScore(BaseModel):
    attempts: int
    failed_attempts: int
    best_percent: int | None
    passed: bool
    hints_used: int = Field(description="Hints seen, over every attempt")


class ItemProgress(BaseModel):
    kind: ItemKind
    item_id: uuid.UUID
    title: str | None
    status: ItemStatus
    percent: int = Field(description="Videos, eBooks and DIYs: how much was done")
    completed_at: datetime | None
    late: bool = Field(description="Completed after the due time, or still not done after it")
    quiz: QuizScore | None = None


class MyAssignment(BaseModel):
    """An assignment as the explorer sees it, with their own progress on each item."""

    id: uuid.UUID
    classroom: ClassroomCard
    title: str
    note: str
    start_date: date | None
    due_date: date
    due_at: datetime
    timezone: TimeZone
    state: AssignmentState
    items: list[ItemProgress]
    done: bool


class DueSoon(BaseModel):
    """An open assignment due in the next days that the explorer has not finished."""

    assignment_id: uuid.UUID
    classroom_id: uuid.UUID
    classroom_name: str
    title: str
    due_date: date
    due_at: datetime
    items_total: int
    items_done: int
    late: bool


class ExplorerReport(BaseModel):
    profile_id: uuid.UUID
    nickname: str
    age_band: AgeBand
    avatar_url: str
    items: list[ItemProgress]


class StatusCounts(BaseModel):
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    help_needed: int = 0
    late: int = 0


class AssignmentReport(BaseModel):
    assignment: AssignmentOut
    counts: StatusCounts = Field(description="Per explorer and item")
    explorers: list[ExplorerReport]


class ExplorerSummary(BaseModel):
    profile_id: uuid.UUID
    nickname: str
    age_band: AgeBand
    avatar_url: str
    counts: StatusCounts


class AssignmentSummary(BaseModel):
    assignment_id: uuid.UUID
    title: str
    due_date: date
    state: AssignmentState
    counts: StatusCounts


class ClassroomReport(BaseModel):
    classroom_id: uuid.UUID
    name: str
    assignments: list[AssignmentSummary]
    explorers: list[ExplorerSummary]
    counts: StatusCounts


class AlertsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"help_needed": False}]}
    )

    help_needed: StrictBool = Field(
        description="Tell me when an explorer may need help on an assignment (on by default)"
    )


class AlertsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"help_needed": True}]})

    help_needed: bool
