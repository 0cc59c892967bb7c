"""The weekly report: one explorer's ISO week (Monday to Sunday, the family's calendar) from
what the other modules keep: learning time and completions (progress), quizzes and their
best stars, the streak, classroom assignments still open, and where help may be needed.

Nothing in it nudges a child to play longer: it is written for the parent, it ranks nothing
and compares no one, and its one suggestion is something already started or assigned."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import lookups
from app.classrooms import service as classrooms_service
from app.classrooms.schemas import AssignmentState, ItemStatus
from app.core.db import session_driver
from app.core.errors import invalid_field
from app.profiles import service as profiles_service
from app.profiles.models import Profile
from app.progress import service as progress_service
from app.progress.schemas import ProgressStatus
from app.quizzes import reports as quiz_reports
from app.reports import queries
from app.reports.schemas import (
    DoneItem,
    HelpItem,
    OpenAssignment,
    QuizOfWeek,
    Streak,
    Suggestion,
    WeeklyReportOut,
    WeekMinutes,
)

# An ISO week of a year from 1000 on; week 53 is there only in the years that have one.
WEEK_PATTERN = r"^([1-9][0-9]{3})-W(0[1-9]|[1-4][0-9]|5[0-3])$"
WEEK = re.compile(WEEK_PATTERN)
# A quiz failed this often (or once with this many hints) and not passed: help may be needed.
HELP_FAILS = 2
HELP_HINTS = 3


def week_name(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_days(name: str) -> tuple[date, date]:
    match = WEEK.match(name)
    try:
        if match is None:
            raise ValueError(name)
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise invalid_field(
            ["query", "week"], "not an ISO week", detail="`week` is an ISO week: 2026-W49."
        ) from exc
    return monday, monday + timedelta(days=6)


async def weekly(
    session: AsyncSession,
    profile: Profile,
    week: str | None,
    now: datetime,
    streak_minutes: int,
    *,
    nickname: bool = True,
) -> WeeklyReportOut:
    conn = await session_driver(session)
    zone = await progress_service.time_zone_of(conn, profile.account_id)
    week = week or week_name(now.astimezone(zone).date())
    monday, sunday = week_days(week)
    since = progress_service.local_start(monday, zone)
    until = progress_service.local_start(sunday + timedelta(days=1), zone)
    activity = await progress_service.activity(
        session, profile.id, profile.account_id, monday, sunday, now
    )
    minutes = WeekMinutes()
    completed: list[DoneItem] = []
    for day in activity.days:
        minutes.video += day.minutes.video
        minutes.ebook += day.minutes.ebook
        minutes.diy += day.minutes.diy
        completed.extend(
            DoneItem(kind=i.kind, item_id=i.item_id, title=i.title, completed_at=i.at)
            for i in day.completed
        )
    minutes.video, minutes.ebook, minutes.diy = (
        round(minutes.video, 1),
        round(minutes.ebook, 1),
        round(minutes.diy, 1),
    )
    minutes.total = round(minutes.video + minutes.ebook + minutes.diy, 1)

    rows = await queries.quizzes(session, profile.id, since, until)
    quizzes = [
        QuizOfWeek(
            quiz_id=r.quiz_id,
            title=r.title,
            best_stars=r.best_stars,
            attempts=int(r.attempts),
            passed=bool(r.passed),
        )
        for r in rows
    ]
    standings = await quiz_reports.standings(session, [profile.id], [q.quiz_id for q in quizzes])
    help_needed = [
        HelpItem(
            kind="quiz", item_id=q.quiz_id, title=q.title, assignment_id=None, assignment_title=None
        )
        for q in quizzes
        if (s := standings.get((profile.id, q.quiz_id))) is not None
        and not s.passed
        and (s.failed >= HELP_FAILS or s.most_hints_in_a_fail >= HELP_HINTS)
    ]

    streak = await progress_service.streak(
        conn, profile.id, zone, min(now, until - timedelta(microseconds=1)), streak_minutes
    )
    mine = await classrooms_service.assignments_for(session, profile, 50, None, now)
    open_assignments: list[OpenAssignment] = []
    suggestion: Suggestion | None = None
    for a in mine.items:
        for entry in a.items:
            if entry.status is ItemStatus.help_needed and not any(
                h.item_id == entry.item_id for h in help_needed
            ):
                help_needed.append(
                    HelpItem(
                        kind=entry.kind.value,
                        item_id=entry.item_id,
                        title=entry.title,
                        assignment_id=a.id,
                        assignment_title=a.title,
                    )
                )
        if a.state is not AssignmentState.open or a.done:
            continue
        open_assignments.append(
            OpenAssignment(
                assignment_id=a.id,
                classroom_name=a.classroom.name,
                title=a.title,
                due_date=a.due_date,
                items_total=len(a.items),
                items_done=sum(e.status is ItemStatus.completed for e in a.items),
            )
        )
        todo = next((e for e in a.items if e.status is not ItemStatus.completed), None)
        if suggestion is None and todo is not None:
            suggestion = Suggestion(
                kind=todo.kind.value, item_id=todo.item_id, title=todo.title, why="assignment"
            )
    if suggestion is None and help_needed:
        first = help_needed[0]
        suggestion = Suggestion(
            kind=first.kind, item_id=first.item_id, title=first.title, why="help"
        )
    if suggestion is None:
        started = await progress_service.list_progress(
            session, profile.id, None, ProgressStatus.in_progress, 1, None
        )
        if started.items:
            item = started.items[0]
            cards = await lookups.cards(conn, [item.item_id])
            card = cards.get(item.item_id)
            suggestion = Suggestion(
                kind=item.kind,
                item_id=item.item_id,
                title=card.title if card else None,
                why="continue",
            )
    return WeeklyReportOut(
        profile_id=profile.id,
        nickname=profile.nickname if nickname else None,
        week=week,
        from_=monday,
        to=sunday,
        timezone=zone.key,
        minutes=minutes,
        completed=completed,
        quizzes=quizzes,
        streak=Streak(current=streak.current, longest=streak.longest),
        help_needed=help_needed,
        open_assignments=open_assignments,
        suggested_next=suggestion,
    )


async def export_reports(session: AsyncSession, account_id: uuid.UUID) -> list[dict[str, Any]]:
    """The weekly reports sent to this family, as they were sent."""
    ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    return [
        {
            "profile_id": str(r.profile_id),
            "week": r.week,
            "sent_at": r.sent_at.isoformat(),
            "report": r.report,
        }
        for r in await queries.export_rows(session, ids)
    ]
