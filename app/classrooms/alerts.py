"""Teachers hear when a child struggles: once an enrolled explorer's standing on an
assigned quiz becomes `help_needed` (the rule in app/classrooms/standing.py: failed twice,
or failed with several hints, counting since the explorer joined), each teacher of the
classroom (its owner and co-teachers) gets one notification per explorer and assignment:
in the inbox, on the stream, and pushed to the devices they registered.

It says which assignment and which item, and the child's nickname as the classroom shows
it; never anything about the child's parent. A teacher can turn these off per classroom.

A tick (with the notifications tick's interval) reads the failed attempts closed since a
little before its previous run; the inbox's dedup key (`help-needed:{assignment}:{child}`)
makes overlaps and reruns send nothing twice."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms import assignments, queries
from app.classrooms.schemas import ItemStatus
from app.classrooms.standing import facts, item_progress
from app.notifications import service as notifications_service
from app.notifications.models import Category

if TYPE_CHECKING:
    import uuid

    from app.runtime import Runtime

logger = logging.getLogger(__name__)

# How far back each run looks: several tick intervals, so a missed run is caught up.
LOOKBACK = timedelta(hours=1)


async def help_needed(session: AsyncSession, now: datetime) -> int:
    sent = 0
    rows = await queries.help_candidates(session, now - LOOKBACK, now)
    off: dict[uuid.UUID, set[uuid.UUID]] = {}
    for row in rows:
        known = await facts(session, {row.profile_id: row.joined_at}, [("quiz", row.quiz_id)])
        titles = await assignments.titles(session, [("quiz", row.quiz_id)])
        entry = item_progress(
            known, row.profile_id, "quiz", row.quiz_id, titles.get(row.quiz_id), now, now
        )
        if entry.status is not ItemStatus.help_needed:
            continue
        if row.classroom_id not in off:
            off[row.classroom_id] = await queries.alerts_off_for(session, row.classroom_id)
        teachers = [row.owner_id, *await queries.teachers(session, row.classroom_id)]
        nickname = (await queries.profiles(session, [row.profile_id]))[0].nickname
        for teacher in teachers:
            if teacher is None or teacher in off[row.classroom_id]:
                continue
            made = await notifications_service.notify(
                session,
                account_id=teacher,
                profile_id=None,
                category=Category.classroom,
                title=f"{nickname} may need help"[:120],
                body=f"{entry.title or 'A quiz'} in \u201c{row.assignment_title}\u201d "
                f"({row.classroom_name}).",
                link=f"wonderspaced://classrooms/{row.classroom_id}/assignments/"
                f"{row.assignment_id}",
                dedup_key=f"help-needed:{row.assignment_id}:{row.profile_id}",
                now=now,
            )
            sent += made is not None
    return sent


async def tick(runtime: Runtime, now: datetime | None = None) -> str:
    async with runtime.db.session() as session:
        sent = await help_needed(session, now or datetime.now(UTC))
    logger.info("help-needed alerts", extra={"sent": sent})
    return f"{sent} help-needed alerts"


async def alerts_on(session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    return not await queries.alerts_off(session, classroom_id, account_id)


async def set_alerts(
    session: AsyncSession, classroom_id: uuid.UUID, account_id: uuid.UUID, on: bool
) -> bool:
    await queries.set_alerts(session, classroom_id, account_id, on)
    return on
