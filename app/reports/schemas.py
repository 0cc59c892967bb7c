"""The weekly report of one explorer, as a parent reads it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import TimeZone

_ID = "3f2b8c1e-6a4d-4e7b-9c2a-1d5e8f9a0b7c"


class WeekMinutes(BaseModel):
    video: float = 0
    ebook: float = 0
    diy: float = 0
    total: float = 0


class DoneItem(BaseModel):
    kind: str
    item_id: uuid.UUID
    title: str | None
    completed_at: datetime


class QuizOfWeek(BaseModel):
    quiz_id: uuid.UUID
    title: str
    best_stars: int | None = Field(description="1 to 3, over the week's finished attempts")
    attempts: int
    passed: bool


class HelpItem(BaseModel):
    kind: str
    item_id: uuid.UUID
    title: str | None
    assignment_id: uuid.UUID | None = Field(description="When a classroom assigned it")
    assignment_title: str | None


class OpenAssignment(BaseModel):
    assignment_id: uuid.UUID
    classroom_name: str
    title: str
    due_date: date
    items_total: int
    items_done: int


class Suggestion(BaseModel):
    kind: str
    item_id: uuid.UUID
    title: str | None
    why: str = Field(description="`assignment`, `help` or `continue`")


class Streak(BaseModel):
    current: int
    longest: int


class WeeklyReportOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile_id": _ID,
                    "nickname": "Ama",
                    "week": "2026-W49",
                    "from": "2026-11-30",
                    "to": "2026-12-06",
                    "timezone": "Africa/Accra",
                    "minutes": {"video": 42.5, "ebook": 18.0, "diy": 12.0, "total": 72.5},
                    "completed": [
                        {
                            "kind": "ebook",
                            "item_id": _ID,
                            "title": "Kente colours",
                            "completed_at": "2026-12-02T16:10:00Z",
                        }
                    ],
                    "quizzes": [
                        {
                            "quiz_id": _ID,
                            "title": "Colours of kente",
                            "best_stars": 3,
                            "attempts": 2,
                            "passed": True,
                        }
                    ],
                    "streak": {"current": 4, "longest": 9},
                    "help_needed": [],
                    "open_assignments": [],
                    "suggested_next": {
                        "kind": "video",
                        "item_id": _ID,
                        "title": "Ananse and the pot",
                        "why": "continue",
                    },
                }
            ]
        },
        populate_by_name=True,
    )

    profile_id: uuid.UUID
    nickname: str | None
    week: str = Field(description="ISO week, e.g. 2026-W49 (Monday to Sunday)")
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    timezone: TimeZone
    minutes: WeekMinutes
    completed: list[DoneItem]
    quizzes: list[QuizOfWeek]
    streak: Streak
    help_needed: list[HelpItem] = Field(
        description="Quizzes failed twice or with many hints, and assigned items a classroom "
        "marks help_needed"
    )
    open_assignments: list[OpenAssignment]
    suggested_next: Suggestion | None
