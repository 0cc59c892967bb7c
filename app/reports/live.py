"""What an explorer's devices hear of the limits, on the family's live stream: `limit_warning`
five minutes before a lock, `limit_reached` at it, and `limit_extended` when a parent grants
more time. Every open stream of that explorer (each device) and the parent's get the event.

Warnings and locks come from a tick (every LIMITS_TICK_SECONDS) over the explorers with
limits who learned in the last half hour (those a lock would interrupt), so the heartbeat
pays nothing for them; each is sent once per day and lock (a key kept in the explorer's
day), so a rerun or two instances send nothing twice. A grant is sent by a task right
after its commit."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.limits import service as limits_service
from app.limits.rules import State
from app.notifications import service as notifications_service
from app.outbox.registry import TaskContext

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

WARNING = "limit_warning"
REACHED = "limit_reached"
EXTENDED = "limit_extended"
_RECENT = timedelta(minutes=30)
BATCH = 500


async def limits_changed(ctx: TaskContext) -> None:
    """A parent granted time: the explorer's devices leave their lock screen at once."""
    payload = ctx.payload
    await notifications_service.add_event(
        ctx.session,
        uuid.UUID(payload["account_id"]),
        uuid.UUID(payload["profile_id"]),
        EXTENDED,
        {"profile_id": payload["profile_id"], "today": payload["today"]},
    )


async def tick(runtime: Runtime, now: datetime | None = None) -> str:
    at = now or datetime.now(UTC)
    sent = 0
    after = uuid.UUID(int=0)
    while True:
        async with runtime.db.session() as session:
            found = await limits_service.watched(session, at - _RECENT, after, BATCH)
            conn = await limits_service.connection(session)
            for profile_id, account_id in found:
                day = await limits_service.day_of(conn, profile_id, at)
                if day is None or day[0].state is State.ok or day[0].key is None:
                    continue
                today, zone = day
                kind = REACHED if today.state is State.locked else WARNING
                if not await limits_service.mark_sent(
                    session, profile_id, today.day, f"{kind}:{today.key}"
                ):
                    continue
                out = limits_service.today_out(today, zone, today.used_ms, at)
                await notifications_service.add_event(
                    session,
                    account_id,
                    profile_id,
                    kind,
                    {"profile_id": str(profile_id), "today": out.model_dump(mode="json")},
                )
                sent += 1
        if len(found) < BATCH:
            break
        after = found[-1][0]
    logger.info("limits tick", extra={"events": sent})
    return f"{sent} limit events"
