"""Background work of notifications, each an idempotent outbox handler: a push to the
recipient's devices, and fan-outs (new content to followers, announcements) in batches."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from app.core.db import Database
from app.integrations.push import MAX_PUSH_BYTES, PushMessage, PushOutcome, PushSender
from app.notifications import queries
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.notifications.quiet import push_window
from app.notifications.schemas import Audience, NotificationOut
from app.outbox.registry import Registration, TaskContext
from app.outbox.service import enqueue

BATCH = 200


class PushRetry(Exception):
    """FCM asked us to come back later (quota, a server error): the outbox retries."""


def _visible_text(n: NotificationOut, nickname: str | None) -> tuple[str, str]:
    """What a locked screen shows. Stored texts never hold a child's nickname; it is added
    here only when the parent allowed it."""
    title = f"{nickname}: {n.title}" if nickname else n.title
    return title[:120], n.body


def _fit(message: PushMessage) -> PushMessage:
    body = message.body
    while body and message.size() > MAX_PUSH_BYTES - 256:
        body = body[: len(body) // 2]
        message = PushMessage(
            message.token,
            message.title,
            body,
            message.collapse_key,
            message.ttl_seconds,
            message.data,
        )
    return message


async def push(ctx: TaskContext, *, db: Database, sender: PushSender) -> None:
    session = ctx.session
    row = await queries.notification_by_id(session, uuid.UUID(ctx.payload["notification_id"]))
    if row is None or row.pushed_at is not None or row.read_at or row.archived_at:
        return  # deleted with its family, already pushed, or already read in the app
    n = NotificationOut.of(row)
    now = datetime.now(UTC)
    if n.expires_at is not None and n.expires_at <= now:
        return
    if not await queries.has_consent(session, row.account_id):
        return
    prefs = await notifications_service.preferences(session, n.profile_id) if n.profile_id else None
    quiet = prefs.quiet_hours if prefs else None
    zone = notifications_service.local_zone(await queries.timezone_of(session, row.account_id))
    wait, ttl = push_window(
        now,
        quiet.start if quiet else None,
        quiet.end if quiet else None,
        zone,
        notifications_service.TTL_SECONDS[n.category],
    )
    if wait is not None:
        # A retry that fell into quiet hours: the tick sends it when they end.
        await queries.set_push_at(session, n.id, wait)
        return
    # A retry goes to the devices the last try could not reach, not to those it did.
    reached = set(row.pushed_device_ids or ())
    devices = [
        d
        for d in await queries.devices_for(session, row.account_id, n.profile_id)
        if d.id not in reached
    ]
    if not devices:
        await queries.set_pushed(session, n.id, now)
        return
    nickname = None
    if n.profile_id and prefs and prefs.nickname_on_lock_screen:
        nickname = await queries.nickname_of(session, n.profile_id)
    title, body = _visible_text(n, nickname)
    messages = [
        _fit(
            PushMessage(
                token=d.token,
                title=title,
                body=body,
                # A retried push replaces the one a device may already show.
                collapse_key=f"n-{n.id.hex[:24]}",
                ttl_seconds=ttl,
                data={"notification_id": str(n.id), "link": n.link, "category": n.category.value},
            )
        )
        for d in devices
    ]
    results = await sender.send(messages)
    gone = [r.token for r in results if r.outcome is PushOutcome.gone]
    retry = sum(r.outcome is PushOutcome.retry for r in results)
    if gone or retry:
        # Committed on its own: a retry below rolls the handler's writes back.
        by_token = {d.token: d.id for d in devices}
        async with db.session() as own:
            await queries.delete_tokens(own, gone)
            if retry:
                sent = [by_token[r.token] for r in results if r.outcome is PushOutcome.sent]
                await queries.add_pushed_devices(own, n.id, sent)
    if retry:
        raise PushRetry(f"{retry} pushes to retry")
    await queries.set_pushed(session, n.id, now)


async def fanout(ctx: TaskContext) -> None:
    """New content in a followed theme or series: one notification per follower (however
    many follow both), a batch per delivery, the next batch enqueued behind it."""
    p = ctx.payload
    session = ctx.session
    targets = [("theme", uuid.UUID(p["theme_id"]))]
    if p.get("series_id"):
        targets.append(("series", uuid.UUID(p["series_id"])))
    after = uuid.UUID(p["after"]) if p.get("after") else None
    batch = await queries.followers(session, targets, after, BATCH)
    for follower in batch:
        await notifications_service.notify(
            session,
            account_id=follower.account_id,
            profile_id=follower.profile_id,
            category=Category.new_content,
            title="Something new to explore",
            body=p["title"],
            link=f"wonderspaced://{p['kind']}s/{p['item_id']}",
            dedup_key=f"new:{p['item_id']}",
        )
    if len(batch) == BATCH:
        last = str(batch[-1].profile_id)
        await enqueue(
            session, ctx.name, {**p, "after": last}, dedup_key=f"fanout:{p['item_id']}:{last}"
        )


async def announce(ctx: TaskContext) -> None:
    session = ctx.session
    ident = uuid.UUID(ctx.payload["announcement_id"])
    a = await queries.get_announcement(session, ident)
    if a is None:
        return
    after = uuid.UUID(ctx.payload["after"]) if ctx.payload.get("after") else None
    reached = 0
    last: uuid.UUID | None = None
    if Audience(a.audience) is Audience.everyone:
        rows = await queries.parents(session, after, BATCH)
        for r in rows:
            last = r.id
            sent = await notifications_service.notify(
                session,
                account_id=r.id,
                profile_id=None,
                category=Category.announcement,
                title=a.title,
                body=a.body,
                link=a.link,
                dedup_key=f"announce:{ident}",
            )
            reached += sent is not None
    else:
        rows = await queries.followers(session, [(a.target_kind, a.target_id)], after, BATCH)
        for r in rows:
            last = r.profile_id
            sent = await notifications_service.notify(
                session,
                account_id=r.account_id,
                profile_id=r.profile_id,
                category=Category.announcement,
                title=a.title,
                body=a.body,
                link=a.link,
                dedup_key=f"announce:{ident}",
            )
            reached += sent is not None
    if reached:
        await queries.add_reached(session, ident, reached)
    if len(rows) == BATCH and last is not None:
        await enqueue(
            session,
            ctx.name,
            {"announcement_id": str(ident), "after": str(last)},
            dedup_key=f"announce:{ident}:{last}",
        )


def handlers(db: Database, sender: PushSender) -> Mapping[str, Registration]:
    from functools import partial

    return {
        notifications_service.PUSH_TASK: Registration(partial(push, db=db, sender=sender)),
        notifications_service.FANOUT_TASK: Registration(fanout),
        notifications_service.ANNOUNCE_TASK: Registration(announce),
    }
