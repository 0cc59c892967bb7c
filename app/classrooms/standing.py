"""Where explorers stand on assigned items, counting only what they did since they joined the
classroom: a teacher sees classroom activity, never a child's home activity from before.

Per explorer and item, a video, eBook or DIY is `not_started`, `in_progress` or `completed`
from progress; a quiz is `completed` once passed, and `help_needed` when it was failed twice,
or failed with several hints.

Since joining (README, "Classrooms"): progress keeps one row per item, not a history, so an
item counts once it was touched at or after the join (its last activity, `updated_at`), and
then as it stands; untouched since, it is `not_started` whatever was done before. A
completion from before the join is dated at the join, so no time from before it shows. A
quiz counts the attempts that ended at or after the join.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms import queries
from app.classrooms.schemas import ItemKind, ItemProgress, ItemStatus, QuizScore, StatusCounts
from app.quizzes import reports as quiz_reports

# A quiz attempt failed with this many hints, or failed twice, means the child needs help.
HELP_FAILS = 2
HELP_HINTS = 3


@dataclass(frozen=True)
class Facts:
    """Progress and quiz standings of some explorers on some items, and when each joined."""

    joined: Mapping[uuid.UUID, datetime]
    progress: dict[tuple[uuid.UUID, uuid.UUID], Any]
    quizzes: dict[tuple[uuid.UUID, uuid.UUID], quiz_reports.Standing]


async def facts(
    session: AsyncSession,
    joined: Mapping[uuid.UUID, datetime],
    items: Iterable[tuple[str, uuid.UUID]],
) -> Facts:
    """Of the explorers in `joined` (profile id: when they joined the classroom)."""
    items = list(items)
    profile_ids = list(joined)
    content = list({i for k, i in items if k != "quiz"})
    quizzes = list({i for k, i in items if k == "quiz"})
    progress = {
        (row.profile_id, row.item_id): row
        for row in await queries.progress_of(session, profile_ids, content)
    }
    standings = await quiz_reports.standings(session, profile_ids, quizzes, since=joined)
    return Facts(joined, progress, standings)


def since_joining(state: Any | None, joined: datetime) -> tuple[ItemStatus, int, datetime | None]:
    """(status, percent, completed_at) of a progress row (`percent`, `completed_at`,
    `updated_at`), as the classroom counts it."""
    if state is None or state.updated_at < joined:
        return ItemStatus.not_started, 0, None
    if state.completed_at is None:
        return ItemStatus.in_progress, state.percent, None
    return ItemStatus.completed, state.percent, max(state.completed_at, joined)


def item_progress(
    facts: Facts,
    profile_id: uuid.UUID,
    kind: str,
    item_id: uuid.UUID,
    title: str | None,
    due: datetime,
    now: datetime,
) -> ItemProgress:
    score = None
    percent = 0
    completed_at: datetime | None = None
    if kind == "quiz":
        standing = facts.quizzes.get((profile_id, item_id))
        if standing is None:
            status = ItemStatus.not_started
        else:
            score = QuizScore(
                attempts=standing.attempts,
                failed_attempts=standing.failed,
                best_percent=standing.best_percent,
                passed=standing.passed,
                hints_used=standing.hints,
            )
            percent = standing.best_percent or 0
            if standing.passed:
                status, completed_at = ItemStatus.completed, standing.passed_at
            elif standing.failed >= HELP_FAILS or standing.most_hints_in_a_fail >= HELP_HINTS:
                status = ItemStatus.help_needed
            else:
                status = ItemStatus.in_progress
    else:
        state = facts.progress.get((profile_id, item_id))
        status, percent, completed_at = since_joining(state, facts.joined[profile_id])
    late = completed_at > due if completed_at is not None else now >= due
    return ItemProgress(
        kind=ItemKind(kind),
        item_id=item_id,
        title=title,
        status=status,
        percent=percent,
        completed_at=completed_at,
        late=late,
        quiz=score,
    )


def count(counts: StatusCounts, entries: Iterable[ItemProgress]) -> None:
    for entry in entries:
        setattr(counts, entry.status.value, getattr(counts, entry.status.value) + 1)
        counts.late += entry.late
