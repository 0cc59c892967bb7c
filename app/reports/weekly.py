"""Sending the weekly report: on Sunday from 18:00 in the family's time zone, to the parents
who turned it on for an explorer (the `weekly_report` preference category, off by default:
in-app, push, email).

One report per explorer and ISO week: the row kept in `weekly_report` is written first, and
only a new row sends, so a rerun, an overlapping tick or a second instance sends nothing
twice; the inbox and the outbox dedup on the same key besides. The email is plain text
through the outbox (no images, so no tracking pixel) and names the child only when the
parent allowed it (`nickname_in_email`)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.emails import service as emails_service
from app.limits import service as limits_service
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.notifications.schemas import Channels
from app.profiles import service as profiles_service
from app.reports import queries
from app.reports.schemas import WeeklyReportOut
from app.reports.service import week_name, weekly

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

SEND_AT = time(18, 0)
SUNDAY = 6  # date.weekday()
BATCH = 200


def due_week(now: datetime, zone_name: str) -> str | None:
    """The ISO week whose report is due at `now` in this zone (Sunday from 18:00), if any."""
    local = now.astimezone(limits_service.zone_of(zone_name))
    if local.weekday() != SUNDAY or local.time().replace(tzinfo=None) < SEND_AT:
        return None
    return week_name(local.date())


def _text(report: WeeklyReportOut, name: str) -> str:
    m = report.minutes
    lines = [
        f"{name}'s week ({report.from_.isoformat()} to {report.to.isoformat()}):",
        "",
        f"Learning time: {m.total:g} minutes "
        f"(videos {m.video:g}, books {m.ebook:g}, make-it projects {m.diy:g}).",
        f"Streak: {report.streak.current} days.",
    ]
    if report.completed:
        lines += ["", "Finished:"] + [f"- {i.title or i.kind}" for i in report.completed[:20]]
    if report.quizzes:
        lines += ["", "Quizzes:"] + [
            f"- {q.title}: {q.best_stars or 0} of 3 stars" for q in report.quizzes[:20]
        ]
    if report.help_needed:
        lines += ["", "Might like some help with:"] + [
            f"- {h.title or h.kind}" for h in report.help_needed[:10]
        ]
    if report.open_assignments:
        lines += ["", "Still open from class:"] + [
            f"- {a.title} (due {a.due_date.isoformat()})" for a in report.open_assignments[:10]
        ]
    if report.suggested_next is not None:
        lines += ["", f"Something to do together next: {report.suggested_next.title or ''}"]
    lines += [
        "",
        "You can change or turn off this email in the app, under notification settings.",
    ]
    return "\n".join(lines)


async def _send(session: AsyncSession, row: Any, week: str, now: datetime, streak: int) -> bool:
    channels = Channels.model_validate(dict(row.channels))
    profile = await profiles_service.get(session, row.profile_id)
    if profile is None:
        return False
    report = await weekly(session, profile, week, now, streak, nickname=row.nickname_in_email)
    kept = report.model_dump(mode="json", by_alias=True)
    if not await queries.record(session, row.profile_id, week, now, kept):
        return False
    name = row.nickname if row.nickname_in_email else "Your explorer"
    key = f"weekly-report:{row.profile_id}:{week}"
    if channels.in_app or channels.push:
        await notifications_service.notify(
            session,
            account_id=row.account_id,
            profile_id=None,
            category=Category.weekly_report,
            title=f"{name}'s week"[:120],
            body=f"{report.minutes.total:g} minutes of learning, "
            f"{len(report.completed)} finished, {len(report.quizzes)} quizzes.",
            link=f"wonderspaced://profiles/{row.profile_id}/reports/weekly?week={week}",
            dedup_key=key,
            now=now,
            channels=Channels(in_app=channels.in_app, push=channels.push),
        )
    if channels.email:
        await emails_service.send_email(
            session,
            to=row.email,
            subject=f"{name}'s week on Wonderspaced",
            text=_text(report, name),
            dedup_key=key,
        )
    return True


async def send_weekly_reports(runtime: Runtime, now: datetime | None = None) -> str:
    at = now or datetime.now(UTC)
    sent = 0
    after = uuid.UUID(int=0)
    while True:
        async with runtime.db.session() as session:
            rows = await queries.subscribed(session, after, BATCH)
            for row in rows:
                week = due_week(at, row.timezone)
                if week is None:
                    continue
                try:
                    async with session.begin_nested():
                        sent += await _send(session, row, week, at, runtime.settings.streak_minutes)
                except Exception:
                    logger.exception(
                        "weekly report failed", extra={"profile_id": str(row.profile_id)}
                    )
        if len(rows) < BATCH:
            break
        after = rows[-1].profile_id
    return f"{sent} weekly reports"
