"""Where explorers stand on assigned items: per explorer and item, a video, eBook or DIY is
`not_started`, `in_progress` or `completed` from progress; a quiz is `completed` once passed,
and `help_needed` when it was failed twice, or failed with several hints."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
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
    """Progress and quiz standings of some explorers on some items."""

    progress: dict[tuple[uuid.UUID, uuid.UUID], Any]
    quizzes: dict[tuple[uuid.UUID, uuid.UUID], quiz_reports.Standing]


async def facts(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID], items: Iterable[tuple[str, uuid.UUID]]
) -> Facts:
    items = list(items)
    content = list({i for k, i in items if k != "quiz"})
    quizzes = list({i for k, i in items if k == "quiz"})
    progress = {
        (row.profile_id, row.item_id): row
        for row in await queries.progress_of(session, profile_ids, content)
    }
    return Facts(progress, await quiz_reports.standings(session, profile_ids, quizzes))


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
        if state is None:
            status = ItemStatus.not_started
        else:
            percent = state.percent
            completed_at = state.completed_at
            status = ItemStatus.completed if completed_at else ItemStatus.in_progress
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
