"""The periodic tick: new content that became visible (published, or scheduled and its
time came), reminders at local time, "continue where you left off", scheduled
announcements, pushes that waited for quiet hours, and pruning old stream events.

Runs in every server every NOTIFICATION_TICK_SECONDS and as `python -m app.jobs
send-reminders`; one instance at a time (an advisory lock), and every send is deduplicated
per recipient, so overlapping or repeated ticks send nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications import queries
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.notifications.quiet import quiet_until
from app.notifications.schemas import Channels
from app.outbox.service import enqueue
from app.progress import service as progress_service
from app.progress.schemas import ProgressStatus
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
NUDGE_IDLE = timedelta(hours=12)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


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


async def reminders(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """Reminders and nudges due now; the dedup key is the local date, so a day has one
    whatever DST does to it (an hour repeated, an hour skipped) and however often we run."""
    sent = nudged = 0
    for row in await queries.reminder_preferences(session):
        zone = _zone(row.timezone)
        local = now.astimezone(zone)
        if quiet_until(now, row.quiet_start, row.quiet_end, zone) is not None:
            continue
        today = local.date().isoformat()
        if row.reminder_time is not None and local.isoweekday() in (row.reminder_days or []):
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
                sent += made is not None
        channels = dict(row.channels or {}).get(Category.progress.value)
        allowed = channels and (Channels.model_validate(channels).in_app or channels.get("push"))
        if allowed and NUDGE_FROM <= local.time().replace(tzinfo=None) < NUDGE_UNTIL:
            nudged += await _nudge(session, row, now, today)
    return sent, nudged


async def _nudge(session: AsyncSession, row: sa.Row, now: datetime, today: str) -> int:  # type: ignore[type-arg]
    page = await progress_service.list_progress(
        session, row.profile_id, None, ProgressStatus.in_progress, 1, None
    )
    if not page.items:
        return 0
    item = page.items[0]
    # Read through progress: an item finished since is "completed" and never nudged.
    if item.updated_at > now - NUDGE_IDLE or item.updated_at < now - timedelta(days=14):
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
        await queries.set_push_state(session, row.id, push_at=None)
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


async def tick(runtime: Runtime, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    settings = runtime.settings
    async with runtime.db.session() as session:
        if not await session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_LOCK_KEY))):
            return "another tick is running"
        items = await new_content(session, now, settings.notification_tick_seconds)
        sent, nudged = await reminders(session, now)
        pushes = await waited_pushes(session, now)
        announced = await announcements(session, now)
        pruned = await queries.prune_events(
            session, now - timedelta(hours=settings.notification_event_retention_hours)
        )
    counts = {
        "new_items": items,
        "reminders": sent,
        "nudges": nudged,
        "pushes": pushes,
        "announcements": announced,
        "events_pruned": pruned,
    }
    logger.info("notifications tick", extra=counts)
    return ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
