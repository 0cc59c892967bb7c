"""Quiz results of several explorers on given quizzes, for other modules' reports
(classrooms): attempts, best score, passing, hints. Reads only."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.quizzes import queries

__all__ = ["Standing", "standings", "visible_titles"]


@dataclass(frozen=True)
class Standing:
    """One explorer on one quiz, over every attempt."""

    attempts: int  # finished ones
    failed: int
    best_percent: int | None
    passed: bool
    passed_at: datetime | None  # the first passing attempt's close
    open: bool  # an attempt is under way
    hints: int  # hints seen, over every attempt
    most_hints_in_a_fail: int


async def standings(
    session: AsyncSession,
    profile_ids: Sequence[uuid.UUID],
    quiz_ids: Sequence[uuid.UUID],
    since: Mapping[uuid.UUID, datetime] | None = None,
) -> dict[tuple[uuid.UUID, uuid.UUID], Standing]:
    """By (profile, quiz); a pair with no attempt at all is left out. With `since`, only the
    attempts of each profile that ended at or after its instant count (one under way: that
    began then or after), e.g. since the explorer joined a classroom."""
    if not profile_ids or not quiz_ids:
        return {}
    ids = list(profile_ids)
    instants = [(since or {}).get(profile_id) for profile_id in ids]
    return {
        (r["profile_id"], r["quiz_id"]): Standing(
            attempts=int(r["attempts"]),
            failed=int(r["failed"]),
            best_percent=r["best_percent"],
            passed=bool(r["passed"]),
            passed_at=r["passed_at"],
            open=bool(r["open"]),
            hints=int(r["hints"]),
            most_hints_in_a_fail=int(r["most_hints_in_a_fail"]),
        )
        for r in await queries.standings(session, ids, quiz_ids, instants)
    }


async def visible_titles(
    session: AsyncSession, quiz_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Titles of the quizzes among `quiz_ids` an explorer may take now."""
    if not quiz_ids:
        return {}
    return {r["id"]: r["title"] for r in await queries.visible_titles(session, quiz_ids)}
