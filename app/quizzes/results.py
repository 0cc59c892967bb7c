"""One explorer's results: per quiz their best attempt (a pass masters it), the quiz to take
next on a piece of content (app/quizzes/adaptive.py), and the counts other screens show."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import decode_cursor, encode_cursor, parse_datetime
from app.profiles.models import Profile
from app.quizzes import adaptive, queries
from app.quizzes.attempts import close_stale
from app.quizzes.reading import summary
from app.quizzes.schemas import (
    ContentKind,
    Difficulty,
    NextQuiz,
    QuizCounts,
    QuizResult,
    QuizResultPage,
)


async def results(
    session: AsyncSession, profile_id: uuid.UUID, now: datetime, limit: int, cursor: str | None
) -> QuizResultPage:
    await close_stale(session, now, profile_id=profile_id)
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.results(
        session, profile_id, (after[0], after[1]) if after else None, limit + 1
    )
    items = [
        QuizResult(
            quiz=summary(r),
            content_kind=ContentKind(r["content_kind"]),
            content_id=r["content_id"],
            attempts=r["attempts"],
            best_percent=r["percent"],
            best_score=float(r["score"]),
            best_stars=r["stars"],
            mastered=r["mastered"],
            last_attempt_at=r["last_at"],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([items[-1].last_attempt_at, items[-1].quiz.id])
    return QuizResultPage(items=items, next_cursor=next_cursor)


async def next_quiz(
    session: AsyncSession,
    profile: Profile,
    content_kind: ContentKind,
    content_id: uuid.UUID,
    now: datetime,
) -> NextQuiz:
    await close_stale(session, now, profile_id=profile.id)
    rows = await queries.visible_quizzes(session, content_id, content_kind.value, None, None, 100)
    if not rows:
        return NextQuiz(quiz=None, difficulty=None, reason="none")
    history = await queries.history_on_content(session, profile.id, content_id)
    level, reason = adaptive.suggest_level(
        adaptive.START_LEVEL.get(profile.age_band, Difficulty.easy),
        [(Difficulty(h["difficulty"]), bool(h["passed"])) for h in history],
    )
    offer = adaptive.pick_next(
        level,
        reason,
        [(r["id"], Difficulty(r["difficulty"])) for r in rows],
        {h["quiz_id"] for h in history if h["passed"]},
    )
    assert offer is not None  # there is a quiz
    row = next(r for r in rows if r["id"] == offer.quiz_id)
    return NextQuiz(quiz=summary(row), difficulty=offer.difficulty, reason=offer.reason)


async def counts_for(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, since: datetime, until: datetime
) -> QuizCounts:
    """Quizzes taken and passed by one explorer between two instants (on a connection: the
    library screen's hot path, app/quizzes/queries.py)."""
    row = await queries.counts(conn, profile_id, since, until)
    return QuizCounts(taken=row["taken"], passed=row["passed"])
