"""Quiz results of several explorers on given quizzes, for other modules' reports
(classrooms): attempts, best score, passing, hints. Reads only; fixed SQL on the request's
own connection."""

# SQL text from constants only; every value is bound by asyncpg.
# ruff: noqa: S608

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


_STANDINGS_SQL = """
SELECT a.profile_id, a.quiz_id,
    count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS attempts,
    count(*) FILTER (WHERE a.closed_at IS NOT NULL AND NOT a.passed) AS failed,
    max(a.percent) AS best_percent,
    coalesce(bool_or(a.passed), false) AS passed,
    min(a.closed_at) FILTER (WHERE a.passed) AS passed_at,
    bool_or(a.closed_at IS NULL) AS open,
    coalesce(sum(h.hints), 0)::int AS hints,
    coalesce(max(h.hints) FILTER (WHERE a.closed_at IS NOT NULL AND NOT a.passed), 0)::int
        AS most_hints_in_a_fail
FROM unnest($1::uuid[], $3::timestamptz[]) AS s(profile_id, since)
JOIN quiz_attempt a ON a.profile_id = s.profile_id
CROSS JOIN LATERAL (
    SELECT count(*) AS hints FROM quiz_response r WHERE r.attempt_id = a.id AND r.hint_used
) h
WHERE a.quiz_id = ANY($2::uuid[])
    AND (s.since IS NULL OR coalesce(a.closed_at, a.started_at) >= s.since)
GROUP BY a.profile_id, a.quiz_id
"""


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
    conn = await queries.connection(session)
    rows = await conn.fetch(_STANDINGS_SQL, ids, list(quiz_ids), instants)
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
        for r in rows
    }


async def visible_titles(
    session: AsyncSession, quiz_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Titles of the quizzes among `quiz_ids` an explorer may take now."""
    if not quiz_ids:
        return {}
    conn = await queries.connection(session)
    rows = await conn.fetch(
        f"SELECT q.id, q.title FROM quiz q WHERE q.id = ANY($1::uuid[]) AND {queries.VISIBLE_QUIZ}",
        list(quiz_ids),
    )
    return {r["id"]: r["title"] for r in rows}
