"""Statements of the weekly report, each built once and run on the session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.reports.models import WeeklyReport

_report = table_of(WeeklyReport)

# One explorer's closed quiz attempts in a week: per quiz, its best stars.
_QUIZZES = sa.text("""
SELECT a.quiz_id, q.title, max(a.stars) AS best_stars, count(*) AS attempts,
       bool_or(a.passed) AS passed
FROM quiz_attempt a JOIN quiz q ON q.id = a.quiz_id
WHERE a.profile_id = :profile_id AND a.closed_at >= :since AND a.closed_at < :until
GROUP BY a.quiz_id, q.title
ORDER BY max(a.closed_at) DESC
LIMIT 50
""").bindparams(sa.bindparam("profile_id", type_=sa.Uuid))


async def quizzes(
    session: AsyncSession, profile_id: uuid.UUID, since: datetime, until: datetime
) -> Sequence[Any]:
    params = {"profile_id": profile_id, "since": since, "until": until}
    return (await session.execute(_QUIZZES, params)).all()


# Explorers whose parent turned the weekly report on (any channel), with the family's zone
# and address: the tick reads each one's local Sunday evening exactly.
_SUBSCRIBED = sa.text("""
SELECT p.profile_id, p.account_id, p.channels -> 'weekly_report' AS channels,
       p.nickname_in_email, a.timezone, a.email, f.nickname
FROM notification_preference p
JOIN account a ON a.id = p.account_id
JOIN profile f ON f.id = p.profile_id
WHERE p.profile_id > :after
  AND (coalesce((p.channels -> 'weekly_report' ->> 'in_app')::boolean, false)
    OR coalesce((p.channels -> 'weekly_report' ->> 'push')::boolean, false)
    OR coalesce((p.channels -> 'weekly_report' ->> 'email')::boolean, false))
ORDER BY p.profile_id
LIMIT :limit
""").bindparams(sa.bindparam("after", type_=sa.Uuid))


async def subscribed(session: AsyncSession, after: uuid.UUID, limit: int) -> Sequence[Any]:
    return (await session.execute(_SUBSCRIBED, {"after": after, "limit": limit})).all()


_RECORD = (
    insert(_report)
    .values(
        profile_id=sa.bindparam("profile_id"),
        week=sa.bindparam("week"),
        sent_at=sa.bindparam("sent_at"),
        report=sa.bindparam("report", type_=_report.c.report.type),
    )
    .on_conflict_do_nothing(index_elements=[_report.c.profile_id, _report.c.week])
    .returning(_report.c.week)
)


async def record(
    session: AsyncSession, profile_id: uuid.UUID, week: str, sent_at: datetime, report: Any
) -> bool:
    """Keeps the report of this week; False when it was sent already."""
    params = {"profile_id": profile_id, "week": week, "sent_at": sent_at, "report": report}
    return (await session.execute(_RECORD, params)).first() is not None


_EXPORT = (
    sa.select(_report.c.profile_id, _report.c.week, _report.c.sent_at, _report.c.report)
    .where(_report.c.profile_id == sa.any_(sa.bindparam("ids", type_=sa.ARRAY(sa.Uuid))))
    .order_by(_report.c.profile_id, _report.c.week)
)


async def export_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Any]:
    return (await session.execute(_EXPORT, {"ids": list(ids)})).all()
