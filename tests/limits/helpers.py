"""Shared by the limits tests: the family's zone, limits, and learning time as heartbeats
record it (quarter-hour buckets), written straight for the long stretches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress.fixtures import Clock, Explorer, at


async def set_zone(client: httpx.AsyncClient, who: Explorer, zone: str) -> None:
    response = await client.patch(
        "/api/v1/accounts/me", json={"timezone": zone}, headers=who.parent
    )
    assert response.status_code == 200, response.text


async def set_limits(client: httpx.AsyncClient, who: Explorer, body: dict[str, Any]) -> None:
    response = await client.put(who.url("/limits"), json=body, headers=who.parent)
    assert response.status_code == 200, response.text


async def learned(runtime: Runtime, who: Explorer, start: datetime, minutes: int) -> None:
    """`minutes` of video learning time from `start` on, as the heartbeats record it."""
    async with runtime.db.session() as session:
        left, when = minutes * 60_000, start
        while left > 0:
            bucket = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
            room = int((bucket + timedelta(minutes=15) - when).total_seconds() * 1000)
            ms = min(left, room)
            await session.execute(
                sa.text(
                    "INSERT INTO learning_time (profile_id, bucket, kind, active_ms) "
                    "VALUES (:p, :b, 'video', :ms) ON CONFLICT (profile_id, bucket, kind) "
                    "DO UPDATE SET active_ms = learning_time.active_ms + excluded.active_ms"
                ).bindparams(p=uuid.UUID(who.profile_id), b=bucket, ms=ms)
            )
            left -= ms
            when = bucket + timedelta(minutes=15)


async def heartbeat(
    client: httpx.AsyncClient, who: Explorer, video: str, clock: Clock, position: int = 10_000
) -> httpx.Response:
    return await client.put(
        who.url(f"/progress/video/{video}"),
        json={
            "position_ms": position,
            "watched": [[position - 10_000, position]],
            "sent_at": at(clock),
        },
        headers=who.kid,
    )


async def today(client: httpx.AsyncClient, who: Explorer) -> dict[str, Any]:
    response = await client.get(who.url("/limits/today"), headers=who.parent)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
