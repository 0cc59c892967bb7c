"""The periodic tick: new content that became visible (published, or scheduled and its
time came), reminders at local time, "continue where you left off", scheduled
announcements, pushes that waited for quiet hours, and pruning old stream events and
tickets.

Runs in every server every NOTIFICATION_TICK_SECONDS and as `python -m app.jobs
send-reminders`; one instance at a time (an advisory lock), and every send is deduplicated
per recipient, so overlapping or repeated ticks send nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.limits import service as limits_service
from app.notifications import queries
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.notifications.quiet import quiet_until
from app.notifications.schemas import Channels
from app.outbox.service import enqueue
from app.progress import service as progress_service
from app.progress.schemas import ProgressStatus
from app.quizzes import service as quizzes_service

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x4E4F54494659  # "NOTIFY"
NEW_CONTENT = "new_content"
# A publish commits a moment after its published_at: each scan looks back this much more,
# and the dedup keys make the overlap harmless.
_OVERLAP = timedelta(minutes=10)
# A reminder is sent within this long after its time (a tick missed while no instance ran
# does not send it at bedtime).
REMINDER_WINDOW = timedelta(hours=2)
# "Continue where you left off": late afternoon, local time, for something left at least
# this long ago.
NUDGE_FROM, NUDGE_UNTIL = time(16, 0), time(19, 0)
NUDGE_IDLE, NUDGE_MAX_AGE = timedelta(hours=12), timedelta(days=14)
BATCH = 500


async def new_content(session: AsyncSession, now: datetime, interval: float) -> int:
    since = await queries.get_mark(session, NEW_CONTENT)
    since = (since or now - timedelta(seconds=max(interval, 60) * 2)) - _OVERLAP
    items = await queries.newly_visible(session, since, now)
    for item in items:
        await enqueue(
            session,
            notifications_service.FANOUT_TASK,
            {
                "kind": item.kind,
                "item_id": str(item.id),
                "title": item.title,
                "theme_id": str(item.theme_id),
                "series_id": str(item.series_id) if item.series_id else None,
            },
            dedup_key=f"fanout:{item.id}",
        )
    await queries.set_mark(session, NEW_CONTENT, now)
    return len(items)


async def reminders(db: Database, now: datetime) -> tuple[int, int]:
    """Reminders and nudges due now; the dedup key is the local date, so a day has one
    whatever DST does to it (an hour repeated, an hour skipped) and however often we run.

    Only children with one due and not sent today are read, a batch per transaction; a
    child whose sending fails is logged and skipped (its savepoint rolled back), and the
    next tick tries it again."""
    sent = nudged = 0
    after: uuid.UUID | None = None
    while True:
        async with db.session() as session:
            rows = await queries.due_reminders(
                session,
                now,
                after=after,
                limit=BATCH,
                reminder_window=REMINDER_WINDOW,
                nudge_hours=(NUDGE_FROM, NUDGE_UNTIL),
                nudge_idle=(NUDGE_IDLE, NUDGE_MAX_AGE),
            )
            for row in rows:
                try:
                    async with session.begin_nested():
                        reminded, nudge = await _remind(session, row, now)
                except Exception:
                    logger.exception("reminder failed", extra={"profile_id": str(row.profile_id)})
                    continue
                sent += reminded
                nudged += nudge
        if len(rows) < BATCH:
            return sent, nudged
        after = rows[-1].profile_id


async def _remind(session: AsyncSession, row: queries.Row, now: datetime) -> tuple[int, int]:
    zone = notifications_service.local_zone(row.timezone)
    local = now.astimezone(zone)
    if quiet_until(now, row.quiet_start, row.quiet_end, zone) is not None:
        return 0, 0
    conn = await limits_service.connection(session)
    if await limits_service.resting(conn, row.profile_id, now):
        # Bedtime, or today's time used up: nothing calls the explorer back.
        return 0, 0
    sent = 0
    today = local.date().isoformat()
    if (
        row.reminder_time is not None
        and local.isoweekday() in (row.reminder_days or [])
        # A reminder is for a day without learning yet.
        and not await _learned_today(session, row.profile_id, zone, now)
    ):
        due = datetime.combine(local.date(), row.reminder_time, tzinfo=zone)
        # On a spring-forward day a time in the gap comes due just after it.
        due = due.astimezone(UTC)
        if due <= now < due + REMINDER_WINDOW:
            made = await notifications_service.notify(
                session,
                account_id=row.account_id,
                profile_id=row.profile_id,
                category=Category.reminder,
                title="Time for an adventure!",
                body="A story, a song or something to make is waiting for you.",
                link="wonderspaced://home",
                dedup_key=f"reminder:{today}",
                expires_at=now + timedelta(hours=12),
                now=now,
            )
            sent = int(made is not None)
    channels = dict(row.channels or {}).get(Category.progress.value)
    allowed = channels and (Channels.model_validate(channels).in_app or channels.get("push"))
    if allowed and NUDGE_FROM <= local.time().replace(tzinfo=None) < NUDGE_UNTIL:
        return sent, await _nudge(session, row, now, today)
    return sent, 0


async def _learned_today(
    session: AsyncSession, profile_id: uuid.UUID, zone: ZoneInfo, now: datetime
) -> bool:
    """Any learning time today (the family's day) or a quiz taken."""
    conn = await limits_service.connection(session)
    today = now.astimezone(zone).date()
    start = progress_service.local_start(today, zone)
    if await limits_service.learned_ms(conn, profile_id, start, now + timedelta(seconds=1)):
        return True
    quizzes = await quizzes_service.counts_for(conn, profile_id, start, now + timedelta(seconds=1))
    return quizzes.taken > 0


async def _nudge(session: AsyncSession, row: queries.Row, now: datetime, today: str) -> int:
    page = await progress_service.list_progress(
        session, row.profile_id, None, ProgressStatus.in_progress, 1, None
    )
    if not page.items:
        return 0
    item = page.items[0]
    # Read through progress: an item finished since is "completed" and never nudged.
    if item.updated_at > now - NUDGE_IDLE or item.updated_at < now - NUDGE_MAX_AGE:
        return 0
    made = await notifications_service.notify(
        session,
        account_id=row.account_id,
        profile_id=row.profile_id,
        category=Category.progress,
        title="Pick up where you left off",
        body=f"Your {item.kind} is waiting, {item.percent}% done.",
        link=f"wonderspaced://{item.kind}s/{item.item_id}",
        dedup_key=f"progress:{today}",
        expires_at=now + timedelta(hours=12),
        now=now,
    )
    return int(made is not None)


async def waited_pushes(session: AsyncSession, now: datetime) -> int:
    rows = await queries.due_pushes(session, now)
    for row in rows:
        await queries.set_push_at(session, row.id, None)
        await enqueue(
            session,
            notifications_service.PUSH_TASK,
            {"notification_id": str(row.id)},
            dedup_key=f"push:{row.id}:{row.push_at.isoformat()}",
        )
    return len(rows)


async def announcements(session: AsyncSession, now: datetime) -> int:
    rows = await queries.due_announcements(session, now)
    for row in rows:
        await notifications_service.start_announcement(session, row.id)
    return len(rows)


async def _part(db: Database, work: Callable[[AsyncSession], Awaitable[int]]) -> tuple[int]:
    async with db.session() as session:
        return (await work(session),)


async def tick(runtime: Runtime, now: datetime | None = None) -> str:
    """Every part in its own transaction: one that fails (logged, and tried again next tick)
    rolls back alone, and the others still send."""
    at = now or datetime.now(UTC)
    settings = runtime.settings
    db = runtime.db
    before = at - timedelta(hours=settings.notification_event_retention_hours)
    parts: list[tuple[tuple[str, ...], Callable[[], Awaitable[tuple[int, ...]]]]] = [
        (
            ("new_items",),
            lambda: _part(db, lambda s: new_content(s, at, settings.notification_tick_seconds)),
        ),
        (("reminders", "nudges"), lambda: reminders(db, at)),
        (("pushes",), lambda: _part(db, lambda s: waited_pushes(s, at))),
        (("announcements",), lambda: _part(db, lambda s: announcements(s, at))),
        (("events_pruned",), lambda: _part(db, lambda s: queries.prune_events(s, before))),
        (("tickets_pruned",), lambda: _part(db, lambda s: queries.prune_tickets(s, before))),
    ]
    counts: dict[str, int | str] = {}
    # The lock's transaction stays open while the parts run, each in a transaction of its
    # own: one instance at a time, and the lock goes with the connection if this one dies.
    async with db.session() as lock:
        if not await queries.try_lock(lock, _LOCK_KEY):
            return "another tick is running"
        for names, part in parts:
            done: tuple[int | str, ...]
            try:
                done = await part()
            except Exception:
                logger.exception("notifications tick: a part failed", extra={"part": names[0]})
                done = ("failed",) * len(names)
            counts.update(zip(names, done, strict=True))
    logger.info("notifications tick", extra=counts)
    return ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
