"""`/profiles/{profile_id}/reports/weekly`: a parent's summary of one explorer's week."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import response_example
from app.core.parts import SettingsDep
from app.profiles.scope import ParentProfileDep
from app.reports import service
from app.reports.examples import GET_WEEKLY_REPORT_OUT
from app.reports.schemas import WeeklyReportOut

router = APIRouter(prefix="/profiles/{profile_id}/reports", tags=["reports"])


@router.get(
    "/weekly",
    name="get_weekly_report",
    response_model=WeeklyReportOut,
    responses={
        **problem_responses(401, 403, 404, 422),
        **response_example(200, GET_WEEKLY_REPORT_OUT),
    },
    summary="Read one explorer's week: minutes, completions, quizzes, streak, help and next.",
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
            pattern=service.WEEK_PATTERN,
        ),
    ] = None,
) -> WeeklyReportOut:
    """Answers the explorer's ISO week (Monday to Sunday in the family's time zone): minutes
    of learning by kind, items completed (with titles), quizzes with their best stars, the
    streak, items where help may be needed (a quiz of the week not yet passed and failed
    twice, or once with 3 hints or more; or an assigned item its classroom marks
    `help_needed`), open classroom assignments and one suggested next item (something
    assigned, needing help, or already started); nothing in it ranks or compares.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** `week` is an ISO week, `YYYY-Www` (422 `validation_error` otherwise); this
    week when left out.

    **Retries:** a read; repeating it changes nothing (this week's report grows as the week
    goes on).
    """
    return await service.weekly(session, profile, week, clock(), settings.streak_minutes)
