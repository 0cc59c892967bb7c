"""Question analytics for editors: per question over finished attempts, aggregates only, with
small counts hidden (a figure from fewer than MIN_ATTEMPTS attempts could point at a child)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.quizzes import queries
from app.quizzes.attempts import close_stale
from app.quizzes.problems import field_error, invalid
from app.quizzes.schemas import QuestionStats, QuestionType, QuizStats, WrongChoice

TOO_HARD = 0.30
TOO_EASY = 0.95
# Fewer finished attempts than this say nothing about a question yet.
MIN_ATTEMPTS = 5
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 366


def flag(attempts: int, share: float | None) -> str:
    if attempts < MIN_ATTEMPTS or share is None:
        return "not_enough_data"
    if share < TOO_HARD:
        return "too_hard"
    if share > TOO_EASY:
        return "too_easy"
    return "ok"


def small(count: int) -> int | Literal["fewer than 5"]:
    """A count of attempts from 1 to MIN_ATTEMPTS - 1 could point at a child."""
    return "fewer than 5" if 0 < count < MIN_ATTEMPTS else count


def days(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The UTC days asked for (both included): the last DEFAULT_STATS_DAYS by default."""
    end = end or now.astimezone(UTC).date()
    start = start or end - timedelta(days=DEFAULT_STATS_DAYS - 1)
    if start > end:
        raise invalid([field_error(["query", "from"], "`from` is after `to`.", "value_error")])
    if (end - start).days >= MAX_STATS_DAYS:
        raise invalid(
            [field_error(["query", "to"], f"Ask for at most {MAX_STATS_DAYS} days.", "value_error")]
        )
    return start, end


async def stats(
    session: AsyncSession,
    quiz_id: uuid.UUID,
    start: date | None,
    end: date | None,
    now: datetime,
) -> QuizStats:
    """Per question, over attempts finished between two UTC days (both included): no
    explorer is named or counted apart."""
    start, end = days(start, end, now)
    if await queries.quiz_row(session, quiz_id) is None:
        raise NotFound("No such quiz.")
    await close_stale(session, now, quiz_id=quiz_id)
    since = datetime.combine(start, time(), UTC)
    until = datetime.combine(end + timedelta(days=1), time(), UTC)
    overall, per_question, wrong = await queries.stats(session, quiz_id, since, until)
    wrong_by_question = {w["question_id"]: w for w in wrong}
    questions = []
    for row in per_question:
        attempts = int(row["attempts"])
        share = row["correct"] / attempts if attempts else None
        w = wrong_by_question.get(row["id"])
        # Below the minimum a figure is one child's (a day with one attempt shows their
        # answer): counts say "fewer than 5", shares and the wrong choice are left out.
        enough = attempts >= MIN_ATTEMPTS
        questions.append(
            QuestionStats(
                question_id=row["id"],
                position=row["position"],
                prompt=row["prompt"],
                type=QuestionType(row["type"]),
                attempts=small(attempts),
                answered=int(row["answered"]) if enough else small(int(row["answered"])),
                correct_share=round(share, 3) if enough and share is not None else None,
                hint_share=round(row["hints"] / attempts, 3) if enough else None,
                most_chosen_wrong_choice=WrongChoice(
                    choice_id=w["id"], text=w["text"], times=int(w["times"])
                )
                if w and enough
                else None,
                flag=flag(attempts, share),
            )
        )
    total = int(overall["attempts"])
    average = overall["average_percent"] if total >= MIN_ATTEMPTS else None
    passed = overall["passed_share"] if total >= MIN_ATTEMPTS else None
    return QuizStats(
        quiz_id=quiz_id,
        from_=start,
        to=end,
        min_attempts=MIN_ATTEMPTS,
        attempts=small(total),
        passed_share=round(passed, 3) if passed is not None else None,
        average_percent=round(average, 1) if average is not None else None,
        questions=questions,
    )
