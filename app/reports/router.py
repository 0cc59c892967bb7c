"""`/profiles/{profile_id}/reports/weekly`: a parent's summary of one explorer's week."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.parts import SettingsDep
from app.profiles.scope import ParentProfileDep
from app.reports import service
from app.reports.schemas import WeeklyReportOut

router = APIRouter(prefix="/profiles/{profile_id}/reports", tags=["reports"])


@router.get(
    "/weekly",
    name="get_weekly_report",
    response_model=WeeklyReportOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Parents: one explorer's week: minutes, completions, quizzes, streak, help, next",
)
async def weekly(
    profile: ParentProfileDep,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    week: Annotated[
        str | None,
        Query(
            description="ISO week (Monday to Sunday in the family's time zone); this week "
            "when left out",
            examples=["2026-W49"],
            max_length=8,
        ),
    ] = None,
) -> WeeklyReportOut:
    """Minutes by kind, items completed (with titles), quizzes with their best stars, the
    streak, items where help may be needed, open classroom assignments and one suggested
    next item (something assigned or already started). Parent of the profile only: an
    explorer's token gets 403, another family's profile 404; a week that is not
    `YYYY-Www` is a 422. A read: asking again changes nothing."""
    return await service.weekly(session, profile, week, clock(), settings.streak_minutes)
