"""Notifications: who gets what, through which channel, and when.

Everything that sends is written in the caller's transaction: the inbox row, the stream
event (its number from the account's counter) and the push task in the outbox. Nothing
leaves before the commit: the stream's doorbell rings after it, the push task is handed to
the task backend after it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import Caller
from app.auth.revocation import Revocations
from app.core.errors import Forbidden, NotFound, Unauthorized, invalid_field
from app.core.pagination import Page, build_page, decode_cursor, parse_datetime
from app.integrations.broker import ring_after_commit
from app.limits import service as limits_service
from app.notifications import queries
from app.notifications.deeplinks import LinkRules
from app.notifications.models import Category
from app.notifications.quiet import push_window
from app.notifications.schemas import (
    AnnouncementIn,
    AnnouncementOut,
    Audience,
    Channels,
    DeviceIn,
    DeviceOut,
    FollowKind,
    FollowOut,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    QuietHours,
    Reminders,
    Target,
)
from app.outbox.service import enqueue
from app.profiles import service as profiles_service

PUSH_TASK = "notifications.push"
FANOUT_TASK = "notifications.fanout"
ANNOUNCE_TASK = "notifications.announce"

TICKET_SECONDS = 60

# In-app and push per category until a parent chooses. Nudges (progress) are off: a parent
# turns them on. New content from a followed theme and the editors' announcements show in
# the app, and push only if the parent says so.
DEFAULT_CHANNELS: dict[Category, Channels] = {
    Category.new_content: Channels(in_app=True, push=False),
    Category.reminder: Channels(in_app=True, push=True),
    Category.progress: Channels(in_app=False, push=False),
    Category.classroom: Channels(in_app=True, push=True),
    Category.account: Channels(in_app=True, push=True),
    Category.announcement: Channels(in_app=True, push=False),
    Category.weekly_report: Channels(in_app=False, push=False, email=False),
    # A badge shows in the app; never a push that calls a child back to play.
    Category.reward: Channels(in_app=True, push=False),
}
# How long a push may wait for an offline device: a reminder is stale after two hours.
TTL_SECONDS: dict[str, int] = {
    Category.new_content: 24 * 3600,
    Category.reminder: 2 * 3600,
    Category.progress: 6 * 3600,
    Category.classroom: 24 * 3600,
    Category.account: 24 * 3600,
    Category.announcement: 24 * 3600,
    Category.weekly_report: 24 * 3600,
    Category.reward: 24 * 3600,
}


def channel(account_id: uuid.UUID) -> str:
    return f"account:{account_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def local_zone(name: str) -> ZoneInfo:
    """The family's time zone; one this server does not know (a newer zone database wrote
    it, or a hand edit) is UTC rather than a failure of everything sent to the family."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- preferences -----------------------------------------------------------------------------


def _preferences(row: Any) -> PreferencesOut:
    stored = dict(row.channels) if row is not None else {}
    categories = {
        category: Channels.model_validate(stored[category.value])
        if category.value in stored
        else default
        for category, default in DEFAULT_CHANNELS.items()
    }
    quiet = None
    reminders = None
    if row is not None and row.quiet_start is not None and row.quiet_end is not None:
        quiet = QuietHours(start=row.quiet_start, end=row.quiet_end)
    if row is not None and row.reminder_time is not None and row.reminder_days:
        reminders = Reminders(days=list(row.reminder_days), time=row.reminder_time)
    return PreferencesOut(
        categories=categories,
        quiet_hours=quiet,
        reminders=reminders,
        nickname_on_lock_screen=bool(row.nickname_on_lock_screen) if row is not None else False,
        nickname_in_email=bool(row.nickname_in_email) if row is not None else False,
    )


async def preferences(session: AsyncSession, profile_id: uuid.UUID) -> PreferencesOut:
    return _preferences(await queries.get_preference(session, profile_id))


async def put_preferences(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID, body: PreferencesIn
) -> PreferencesOut:
    channels = {
        c.value: ch.model_dump() for c, ch in {**DEFAULT_CHANNELS, **body.categories}.items()
    }
    await queries.put_preference(
        session,
        {
            "profile_id": profile_id,
            "account_id": account_id,
            "channels": channels,
            "quiet_start": body.quiet_hours.start if body.quiet_hours else None,
            "quiet_end": body.quiet_hours.end if body.quiet_hours else None,
            "reminder_days": body.reminders.days if body.reminders else [],
            "reminder_time": body.reminders.time if body.reminders else None,
            "nickname_on_lock_screen": body.nickname_on_lock_screen,
            "nickname_in_email": body.nickname_in_email,
        },
    )
    return await preferences(session, profile_id)


# --- sending -----------------------------------------------------------------------------------


async def notify(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
    category: Category,
    title: str,
    body: str,
    link: str,
    dedup_key: str,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    channels: Channels | None = None,
) -> NotificationOut | None:
    """One notification for one inbox (a child's, or the parent's when `profile_id` is
    None); None when the parent turned the category off or it was sent before. `channels`:
    what the caller read of the parent's choice for a message about a child sent to the
    parent's own inbox (the weekly report)."""
    now = now or _now()
    prefs = await preferences(session, profile_id) if profile_id else None
    if channels is not None:
        wanted = channels
    elif prefs is not None:
        wanted = prefs.categories[category]
    elif category is Category.announcement:
        wanted = await _family_wants(session, account_id, category)
    else:
        wanted = Channels(in_app=True, push=True)
    if not wanted.in_app and not wanted.push:
        return None
    row = await queries.insert_notification(
        session,
        {
            "account_id": account_id,
            "profile_id": profile_id,
            "category": category.value,
            "title": title[:120],
            "body": body[:400],
            "link": link[:300],
            "dedup_key": dedup_key[:200],
            "expires_at": expires_at,
            "created_at": now,
        },
    )
    if row is None:
        return None
    out = NotificationOut.of(row)
    await add_event(session, account_id, profile_id, "notification", out.model_dump(mode="json"))
    if (
        wanted.push
        and await queries.has_consent(session, account_id)
        # No push reaches an explorer whose bedtime or daily time has come.
        and not (profile_id and await _resting(session, profile_id, now))
    ):
        await schedule_push(session, out, account_id, prefs, now)
    return out


async def _resting(session: AsyncSession, profile_id: uuid.UUID, now: datetime) -> bool:
    return await limits_service.resting(await limits_service.connection(session), profile_id, now)


async def _family_wants(
    session: AsyncSession, account_id: uuid.UUID, category: Category
) -> Channels:
    """What the parent's own inbox gets of a category a parent sets per explorer: a channel
    is on when it is on for any explorer of the family (an explorer who has no preferences
    yet counts with the defaults), the defaults in a family without explorers. A parent who
    turned the category off for every explorer gets none of it."""
    stored = await queries.family_channels(session, account_id)
    choices = [
        Channels.model_validate(channels[category.value])
        if channels is not None and category.value in channels
        else DEFAULT_CHANNELS[category]
        for channels in stored
    ] or [DEFAULT_CHANNELS[category]]
    return Channels(in_app=any(c.in_app for c in choices), push=any(c.push for c in choices))


async def add_event(
    session: AsyncSession,
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
    kind: str,
    data: dict[str, Any],
) -> int:
    seq = await queries.insert_event(session, account_id, profile_id, kind, data)
    ring_after_commit(session, channel(account_id))
    return seq


async def schedule_push(
    session: AsyncSession,
    notification: NotificationOut,
    account_id: uuid.UUID,
    prefs: PreferencesOut | None,
    now: datetime,
) -> None:
    zone = local_zone(await queries.timezone_of(session, account_id))
    quiet = prefs.quiet_hours if prefs else None
    wait, _ = push_window(
        now,
        quiet.start if quiet else None,
        quiet.end if quiet else None,
        zone,
        TTL_SECONDS[notification.category],
    )
    if wait is not None:
        # The tick sends it once quiet hours are over.
        await queries.set_push_at(session, notification.id, wait)
        return
    await enqueue(
        session,
        PUSH_TASK,
        {"notification_id": str(notification.id)},
        dedup_key=f"push:{notification.id}",
    )


# --- the inbox ---------------------------------------------------------------------------------


async def inbox_scope(
    session: AsyncSession, caller: Caller, profile_id: uuid.UUID | None
) -> queries.Scope:
    """Which rows the caller's list reads: an explorer its own; a parent the family's, or
    one child's when `profile_id` is given (another family's child is 404)."""
    if profile_id is not None:
        await profiles_service.get_for(session, caller, profile_id)
        return queries.Scope(caller.account_id, profile_id)
    return own_scope(caller)


def own_scope(caller: Caller) -> queries.Scope:
    """What a caller may act on by id: an explorer its own inbox, a parent the family's."""
    if caller.is_explorer:
        return queries.Scope(caller.account_id, caller.profile_id)
    return queries.Scope(caller.account_id, every=True)


async def list_inbox(
    session: AsyncSession,
    caller: Caller,
    profile_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page[NotificationOut]:
    scope = await inbox_scope(session, caller, profile_id)
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.list_inbox(session, scope, status, _now(), after, limit + 1)
    return build_page(rows, limit, lambda r: [r.created_at, r.id], NotificationOut.of)


async def unread_count(session: AsyncSession, caller: Caller, profile_id: uuid.UUID | None) -> int:
    return await queries.unread_count(
        session, await inbox_scope(session, caller, profile_id), _now()
    )


async def mark(
    session: AsyncSession, caller: Caller, ident: uuid.UUID, column: str
) -> NotificationOut:
    before = await queries.get_notification(session, own_scope(caller), ident)
    if before is None:
        raise NotFound("No such notification.")
    row = await queries.mark(session, own_scope(caller), ident, column, _now())
    assert row is not None
    out = NotificationOut.of(row)
    if getattr(before, column) is None:
        # Every device of the family hears it: a message read on the tablet is read on the
        # phone too.
        await add_event(
            session,
            caller.account_id,
            out.profile_id,
            column.removesuffix("_at"),
            {
                "id": str(out.id),
                "seen_at": _iso(out.seen_at),
                "read_at": _iso(out.read_at),
                "archived_at": _iso(out.archived_at),
            },
        )
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def read_all(session: AsyncSession, caller: Caller, profile_id: uuid.UUID | None) -> int:
    scope = await inbox_scope(session, caller, profile_id)
    now = _now()
    rows = await queries.read_all(session, scope, now)
    by_recipient: dict[uuid.UUID | None, list[str]] = {}
    for row in rows:
        by_recipient.setdefault(row.profile_id, []).append(str(row.id))
    for recipient, ids in by_recipient.items():
        await add_event(
            session,
            caller.account_id,
            recipient,
            "read_all",
            {"ids": ids, "read_at": now.isoformat()},
        )
    return len(rows)


# --- stream tickets ------------------------------------------------------------------------------


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


async def issue_ticket(session: AsyncSession, caller: Caller) -> str:
    ticket = secrets.token_urlsafe(32)
    now = _now()
    await queries.add_ticket(
        session,
        {
            "ticket_hash": _hash(ticket),
            "account_id": caller.account_id,
            "profile_id": caller.profile_id,
            "role": caller.role.value,
            "issued_us": caller.issued_us,
            "issued_at": now,
            "expires_at": now + timedelta(seconds=TICKET_SECONDS),
        },
    )
    return ticket


async def redeem_ticket(session: AsyncSession, revocations: Revocations, ticket: str) -> Caller:
    """The caller the ticket stands for, with its token's issue time: a ticket asked for
    before a revocation is refused like the token that asked for it (revoking does not
    delete tickets; this check is what ends them)."""
    from app.accounts.models import Role

    if len(ticket) > 200:
        raise Unauthorized("This stream ticket is not valid.", code="invalid_ticket")
    row = await queries.redeem_ticket(session, _hash(ticket), _now())
    if row is None:
        raise Unauthorized(
            "This stream ticket is not valid, was used already or has expired.",
            code="invalid_ticket",
        )
    caller = Caller(row.account_id, Role(row.role), "ticket", row.profile_id, row.issued_us)
    if await revocations.is_revoked(caller.account_id, caller.profile_id, caller.issued_us):
        raise Unauthorized("This sign-in has ended; sign in again.", code="invalid_token")
    return caller


# --- devices and consent -------------------------------------------------------------------------


async def register_device(session: AsyncSession, caller: Caller, body: DeviceIn) -> DeviceOut:
    profile_id = body.profile_id
    if caller.is_explorer:
        # A child's tablet gets that child's pushes, whatever it says.
        if profile_id is not None and profile_id != caller.profile_id:
            raise NotFound("No such explorer.")
        profile_id = caller.profile_id
    elif profile_id is not None:
        await profiles_service.get_for(session, caller, profile_id)
    if not await queries.hold_consent(session, caller.account_id):
        raise Forbidden(
            "A parent has to allow push notifications first.", code="push_consent_required"
        )
    row = await queries.upsert_device(
        session,
        {
            "account_id": caller.account_id,
            "profile_id": profile_id,
            "platform": body.platform.value,
            "token": body.token,
        },
    )
    return DeviceOut(
        id=row.id, platform=row.platform, profile_id=row.profile_id, created_at=row.created_at
    )


async def remove_device(session: AsyncSession, caller: Caller, device_id: uuid.UUID) -> None:
    # An explorer removes only its own devices.
    if not await queries.delete_device(session, device_id, caller.account_id, caller.profile_id):
        raise NotFound("No such device.")


async def set_push_consent(
    session: AsyncSession, account_id: uuid.UUID, granted: bool
) -> tuple[datetime | None, int]:
    if granted:
        return await queries.grant_consent(session, account_id), 0
    # Revoking forgets every push token of the family at once.
    return None, await queries.revoke_consent(session, account_id)


# --- follows --------------------------------------------------------------------------------


async def follow(
    session: AsyncSession,
    account_id: uuid.UUID,
    profile_id: uuid.UUID,
    kind: FollowKind,
    target: uuid.UUID,
) -> FollowOut:
    if not await queries.target_exists(session, kind.value, target):
        raise NotFound(f"No such {kind.value}.")
    followed = await queries.put_follow(
        session,
        {
            "profile_id": profile_id,
            "account_id": account_id,
            "target_kind": kind.value,
            "target_id": target,
        },
    )
    return FollowOut(kind=kind, id=target, followed_at=followed)


async def unfollow(
    session: AsyncSession, profile_id: uuid.UUID, kind: FollowKind, target: uuid.UUID
) -> None:
    await queries.delete_follow(session, profile_id, kind.value, target)


# --- announcements --------------------------------------------------------------------------


def _targets(target: Target | None) -> list[tuple[str, uuid.UUID]]:
    return [(target.kind.value, target.id)] if target else []


async def audience_size(session: AsyncSession, audience: Audience, target: Target | None) -> int:
    if audience is Audience.everyone:
        return await queries.count_parents(session)
    return await queries.count_followers(session, _targets(target))


def _announcement(row: Any, size: int, now: datetime) -> AnnouncementOut:
    target = Target(kind=row.target_kind, id=row.target_id) if row.target_kind else None
    status = "sent" if row.reached >= size else "sending"
    if row.sent_at is None:
        status = "scheduled"
    return AnnouncementOut(
        id=row.id,
        title=row.title,
        body=row.body,
        link=row.link,
        audience=row.audience,
        target=target,
        send_at=row.send_at,
        sent_at=row.sent_at,
        status=status,
        audience_size=size,
        reached=row.reached,
    )


async def announce(
    session: AsyncSession, author: uuid.UUID, body: AnnouncementIn, links: LinkRules
) -> AnnouncementOut:
    now = _now()
    if not links.allows(body.link):
        raise invalid_field(
            ["body", "link"],
            "A link into the app (wonderspaced://... or under APP_LINK_BASE), or an https "
            "address on a host of ANNOUNCEMENT_LINK_HOSTS.",
        )
    if body.target is not None and not await queries.target_exists(
        session, body.target.kind.value, body.target.id
    ):
        raise invalid_field(["body", "target", "id"], f"No such {body.target.kind.value}.")
    size = await audience_size(session, body.audience, body.target)
    if body.preview:
        return AnnouncementOut(
            id=None,
            title=body.title,
            body=body.body,
            link=body.link,
            audience=body.audience,
            target=body.target,
            send_at=body.send_at,
            sent_at=None,
            status="preview",
            audience_size=size,
            reached=0,
        )
    send_at = body.send_at or now
    row = await queries.insert_announcement(
        session,
        {
            "title": body.title,
            "body": body.body,
            "link": body.link,
            "audience": body.audience.value,
            "target_kind": body.target.kind.value if body.target else None,
            "target_id": body.target.id if body.target else None,
            "send_at": send_at,
            "sent_at": now if send_at <= now else None,
            "created_by": author,
        },
    )
    if row.sent_at is not None:
        await start_announcement(session, row.id)
    return _announcement(row, size, now)


async def start_announcement(session: AsyncSession, ident: uuid.UUID) -> None:
    await enqueue(
        session, ANNOUNCE_TASK, {"announcement_id": str(ident)}, dedup_key=f"announce:{ident}"
    )


async def get_announcement(session: AsyncSession, ident: uuid.UUID) -> AnnouncementOut:
    row = await queries.get_announcement(session, ident)
    if row is None:
        raise NotFound("No such announcement.")
    target = Target(kind=row.target_kind, id=row.target_id) if row.target_kind else None
    return _announcement(row, await audience_size(session, Audience(row.audience), target), _now())


# --- export ----------------------------------------------------------------------------------


def _jsonable(row: Any, drop: Sequence[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row._mapping.items():
        if key in drop:
            continue
        if isinstance(value, (datetime, time)):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID):
            value = str(value)
        out[key] = value
    return out


async def export_notifications(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    consent = await queries.consent_row(session, account_id)
    return {
        "inbox": [
            _jsonable(r, ("account_id", "dedup_key", "push_at", "pushed_device_ids"))
            for r in await queries.export_rows(session, "inbox", account_id)
        ],
        # The token is included: it is the family's data, and what deletion removes.
        "devices": [
            _jsonable(r, ("account_id",))
            for r in await queries.export_rows(session, "devices", account_id)
        ],
        "follows": [
            _jsonable(r, ("account_id",))
            for r in await queries.export_rows(session, "follows", account_id)
        ],
        "preferences": [
            _jsonable(r, ("account_id",))
            for r in await queries.export_rows(session, "preferences", account_id)
        ],
        # What the family's live streams carried, as long as it is kept for replay.
        "events": [
            _jsonable(r, ("account_id",))
            for r in await queries.export_rows(session, "events", account_id)
        ],
        # When the family's devices asked for a stream ticket and used it; never the ticket.
        "stream_tickets": [
            _jsonable(r) for r in await queries.export_rows(session, "stream_tickets", account_id)
        ],
        "push_consent": {"granted_at": consent.granted_at.isoformat()} if consent else None,
    }
