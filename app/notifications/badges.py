"""Telling of a badge: the explorer's inbox and live stream, and the parent's inbox when the
parent asked (app/rewards). The award wrote this task in its own transaction; a retry sends
nothing twice (each inbox keeps one notification per dedup key, and the stream event goes
with the explorer's notification when it is new)."""

from __future__ import annotations

import uuid

from app.core.db import session_driver
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.outbox.registry import TaskContext
from app.rewards import service as rewards_service


async def badge_earned(ctx: TaskContext) -> None:
    profile_id = uuid.UUID(ctx.payload["profile_id"])
    badge_id = uuid.UUID(ctx.payload["badge_id"])
    found = await rewards_service.announcement(
        await session_driver(ctx.session), profile_id, badge_id
    )
    if found is None:  # the explorer is gone, or a parent turned rewards off since
        return
    badge = found["badge"]
    account_id = found["account_id"]
    dedup_key = f"badge:{badge_id}"
    sent = await notifications_service.notify(
        ctx.session,
        account_id=account_id,
        profile_id=profile_id,
        category=Category.reward,
        title=f"New badge: {badge.title}!",
        body=badge.description or "You earned a new badge. Well done!",
        link=f"wonderspaced://badges/{badge_id}",
        dedup_key=dedup_key,
    )
    if sent is not None:
        await notifications_service.add_event(
            ctx.session, account_id, profile_id, "badge_earned", badge.model_dump(mode="json")
        )
    if found["tell_parent"]:
        await notifications_service.notify(
            ctx.session,
            account_id=account_id,
            profile_id=None,
            category=Category.reward,
            title=f"{found['nickname']} earned a badge: {badge.title}",
            body=badge.description or "A badge for learning well.",
            link=f"wonderspaced://profiles/{profile_id}/badges",
            dedup_key=f"badge:{profile_id}:{badge_id}",
        )
