"""Reminders are for days without learning, and nothing calls a resting explorer: not at
bedtime, not once the day's time is used up (no reminder, no nudge, no push)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from app.notifications.models import Category
from app.notifications.ticker import tick
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send

API = "/api/v1"


async def _setup(client: httpx.AsyncClient, fam: Family, body: dict) -> None:
    zone = await client.patch(
        f"{API}/accounts/me", json={"timezone": "Africa/Accra"}, headers=fam.parent
    )
    assert zone.status_code == 200
    put = await client.put(
        f"{API}/profiles/{fam.profile_id}/notification-preferences", json=body, headers=fam.parent
    )
    assert put.status_code == 200, put.text


async def _learn(runtime: Runtime, fam: Family, at: datetime, minutes: int) -> None:
    async with runtime.db.session() as session:
        await session.execute(
            sa.text(
                "INSERT INTO learning_time (profile_id, bucket, kind, active_ms) "
                "VALUES (:p, :b, 'ebook', :ms)"
            ).bindparams(p=uuid.UUID(fam.profile_id), b=at, ms=minutes * 60_000)
        )


async def _reminder_days(runtime: Runtime, fam: Family) -> list[str]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT dedup_key FROM notification WHERE profile_id = :p "
                "AND category = 'reminder' ORDER BY created_at"
            ).bindparams(p=uuid.UUID(fam.profile_id))
        )
        return [r.dedup_key for r in rows]


async def _days(runtime: Runtime, start: datetime, days: int) -> None:
    now = start
    while now < start + timedelta(days=days):
        await tick(runtime, now=now)
        now += timedelta(minutes=30)


async def test_no_reminder_on_a_day_the_explorer_already_learned(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    fam = await make_family(runtime, client, "learned.parent@example.com")
    await _setup(client, fam, {"reminders": {"days": [1, 2, 3, 4, 5, 6, 7], "time": "17:00"}})
    # Read in the morning of the 2nd; nothing on the 1st or the 3rd.
    await _learn(runtime, fam, datetime(2026, 6, 2, 8, 0, tzinfo=UTC), 10)
    await _days(runtime, datetime(2026, 6, 1, 12, 0, tzinfo=UTC), 3)
    assert await _reminder_days(runtime, fam) == ["reminder:2026-06-01", "reminder:2026-06-03"]


async def test_nothing_calls_an_explorer_at_bedtime_or_after_the_days_time(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    fam = await make_family(runtime, client, "resting.parent@example.com")
    await _setup(
        client,
        fam,
        {
            "reminders": {"days": [1, 2, 3, 4, 5, 6, 7], "time": "19:45"},
            "categories": {"account": {"in_app": True, "push": True}},
        },
    )
    limits = await client.put(
        f"{API}/profiles/{fam.profile_id}/limits",
        json={"daily_minutes": 0, "bedtime": {"start": "19:30", "end": "06:30"}},
        headers=fam.parent,
    )
    assert limits.status_code == 200
    await _days(runtime, datetime(2026, 6, 1, 12, 0, tzinfo=UTC), 2)
    assert await _reminder_days(runtime, fam) == []  # bedtime, and no time allowed at all

    # A notification still reaches the inbox, but no push goes to a resting explorer's device.
    await client.post(f"{API}/accounts/me/push-consent", json={"granted": True}, headers=fam.parent)
    device = await client.post(
        f"{API}/devices", json={"platform": "android", "token": "token-rest-1"}, headers=fam.kid
    )
    assert device.status_code in (200, 201), device.text
    made = await send(
        runtime, fam, "rest", category=Category.account, now=datetime(2026, 6, 4, 12, 0, tzinfo=UTC)
    )
    assert made is not None
    async with runtime.db.session() as session:
        queued = await session.scalar(
            sa.text("SELECT count(*) FROM outbox_message WHERE name = 'notifications.push'")
        )
        waiting = await session.scalar(
            sa.text("SELECT push_at FROM notification WHERE id = :i").bindparams(i=made.id)
        )
    assert queued == 0
    assert waiting is None
