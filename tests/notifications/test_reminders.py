"""Reminders, nudges and quiet hours on a simulated clock: many days, time zones, DST."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from app.notifications.quiet import push_window
from app.notifications.ticker import tick
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send

API = "/api/v1"


async def _setup(client: httpx.AsyncClient, fam: Family, zone: str, body: dict) -> None:
    assert (
        await client.patch(f"{API}/accounts/me", json={"timezone": zone}, headers=fam.parent)
    ).status_code == 200
    put = await client.put(
        f"{API}/profiles/{fam.profile_id}/notification-preferences", json=body, headers=fam.parent
    )
    assert put.status_code == 200, put.text


async def _run(runtime: Runtime, start: datetime, days: int, step_minutes: int = 30) -> None:
    # Every half hour: four ticks inside each two-hour reminder window.
    now = start
    while now < start + timedelta(days=days):
        await tick(runtime, now=now)
        now += timedelta(minutes=step_minutes)


async def _reminders(runtime: Runtime, profile_id: str) -> list[datetime]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT created_at FROM notification "
                "WHERE profile_id = :p AND category = 'reminder' "
                "ORDER BY created_at"
            ).bindparams(p=uuid.UUID(profile_id))
        )
        return [r[0] for r in rows]


async def test_once_per_local_day_across_the_autumn_dst_change(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    fam = await make_family(runtime, client, "ny.parent@example.com")
    # 01:30 happens twice in New York on 1 November 2026.
    await _setup(
        client,
        fam,
        "America/New_York",
        {"reminders": {"days": [1, 2, 3, 4, 5, 6, 7], "time": "01:30"}},
    )
    await _run(runtime, datetime(2026, 10, 30, 0, 0, tzinfo=UTC), days=4)
    sent = await _reminders(runtime, fam.profile_id)
    zone = ZoneInfo("America/New_York")
    local_days = [s.astimezone(zone).date().isoformat() for s in sent]
    assert local_days == ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]
    assert all(time(1, 30) <= s.astimezone(zone).time() < time(2, 0) for s in sent)
    # A rerun of any moment sends nothing twice.
    await tick(runtime, now=sent[2] + timedelta(minutes=1))
    assert len(await _reminders(runtime, fam.profile_id)) == 4


async def test_spring_forward_gap_and_chosen_weekdays_in_another_zone(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    fam = await make_family(runtime, client, "la.parent@example.com")
    # 02:30 does not exist in Los Angeles on 8 March 2026 (a Sunday); Sundays and Tuesdays.
    await _setup(
        client, fam, "America/Los_Angeles", {"reminders": {"days": [7, 2], "time": "02:30"}}
    )
    await _run(runtime, datetime(2026, 3, 6, 8, 0, tzinfo=UTC), days=5)
    zone = ZoneInfo("America/Los_Angeles")
    sent = [s.astimezone(zone) for s in await _reminders(runtime, fam.profile_id)]
    assert [s.date().isoformat() for s in sent] == ["2026-03-08", "2026-03-10"]
    assert sent[0].time() >= time(3, 0)  # just after the skipped hour, the same day


async def test_never_in_quiet_hours_and_pushes_wait_for_them(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    fam = await make_family(runtime, client, "accra.parent@example.com")
    await _setup(
        client,
        fam,
        "Africa/Accra",
        {
            "reminders": {"days": [1, 2, 3, 4, 5, 6, 7], "time": "20:00"},
            "quiet_hours": {"start": "19:30", "end": "07:00"},
            "categories": {"new_content": {"in_app": True, "push": True}},
        },
    )
    await _run(runtime, datetime(2026, 6, 1, 0, 0, tzinfo=UTC), days=3, step_minutes=30)
    assert await _reminders(runtime, fam.profile_id) == []
    # A push asked for at 22:00 Accra (UTC) waits until 07:00.
    await client.post(f"{API}/accounts/me/push-consent", json={"granted": True}, headers=fam.parent)
    await client.post(
        f"{API}/devices", json={"platform": "android", "token": "token-quiet-1"}, headers=fam.kid
    )
    from app.notifications.models import Category

    late = datetime(2026, 6, 4, 22, 0, tzinfo=UTC)
    made = await send(runtime, fam, "late", category=Category.new_content, now=late)
    async with runtime.db.session() as session:
        push_at = await session.scalar(
            sa.text("SELECT push_at FROM notification WHERE id = :i").bindparams(i=made.id)
        )
        queued = await session.scalar(
            sa.text("SELECT count(*) FROM outbox_message WHERE name = 'notifications.push'")
        )
    assert push_at == datetime(2026, 6, 5, 7, 0, tzinfo=UTC)
    assert queued == 0
    await tick(runtime, now=datetime(2026, 6, 5, 7, 5, tzinfo=UTC))
    async with runtime.db.session() as session:
        queued = await session.scalar(
            sa.text("SELECT count(*) FROM outbox_message WHERE name = 'notifications.push'")
        )
    assert queued == 1


def test_a_push_ttl_never_reaches_into_quiet_hours() -> None:
    zone = ZoneInfo("Europe/London")
    start, end = time(21, 0), time(7, 0)
    at_six_pm = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # 18:00 in London
    wait, ttl = push_window(at_six_pm, start, end, zone, 24 * 3600)
    assert wait is None
    assert ttl == 3 * 3600
    at_eleven = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)
    wait, ttl = push_window(at_eleven, start, end, zone, 3600)
    assert wait == datetime(2026, 6, 2, 6, 0, tzinfo=UTC)
    assert ttl == 0
    just_before = datetime(2026, 6, 1, 19, 59, 30, tzinfo=UTC)  # 30 s before quiet hours
    wait, _ = push_window(just_before, start, end, zone, 3600)
    assert wait == datetime(2026, 6, 2, 6, 0, tzinfo=UTC)


async def _sql(runtime: Runtime, statement: str, **params: object) -> list[sa.Row]:
    async with runtime.db.session() as session:
        result = await session.execute(sa.text(statement).bindparams(**params))
        return list(result.all()) if result.returns_rows else []


async def test_a_failing_family_or_part_of_the_tick_does_not_stop_the_others(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    every_day = [1, 2, 3, 4, 5, 6, 7]
    london = await make_family(runtime, client, "london.parent@example.com")
    await _setup(
        client, london, "Europe/London", {"reminders": {"days": every_day, "time": "18:00"}}
    )
    # A zone this server does not know (the API refuses it; a newer zone database or a hand
    # edit can still leave one): read as UTC, pushes included.
    nowhere = await make_family(runtime, client, "nowhere.parent@example.com", "Nia")
    await _setup(client, nowhere, "UTC", {"reminders": {"days": every_day, "time": "17:00"}})
    consent = await client.post(
        f"{API}/accounts/me/push-consent", json={"granted": True}, headers=nowhere.parent
    )
    assert consent.status_code == 200
    device = await client.post(
        f"{API}/devices", json={"platform": "ios", "token": "token-nowhere"}, headers=nowhere.kid
    )
    assert device.status_code == 200
    await _sql(
        runtime,
        "UPDATE account SET timezone = 'Mars/Olympus' WHERE id = :a",
        a=nowhere.account_id,
    )
    # A family whose notifications cannot be written at all.
    broken = await make_family(runtime, client, "broken.parent@example.com", "Bo")
    await _setup(client, broken, "UTC", {"reminders": {"days": every_day, "time": "17:00"}})
    await _sql(
        runtime,
        "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$",
    )
    await _sql(
        runtime,
        "CREATE TRIGGER refuse_broken BEFORE INSERT ON notification FOR EACH ROW "
        f"WHEN (NEW.profile_id = '{broken.profile_id}') EXECUTE FUNCTION pg_temp.refuse()",
    )
    # A push waiting for quiet hours whose release fails: that part of the tick fails.
    now = datetime(2026, 6, 1, 17, 10, tzinfo=UTC)
    waiting = await send(runtime, london, "waiting", now=now - timedelta(hours=1))
    await _sql(
        runtime,
        "UPDATE notification SET push_at = :at WHERE id = :i",
        at=now - timedelta(minutes=5),
        i=waiting.id,
    )
    await _sql(
        runtime,
        "CREATE TRIGGER refuse_release BEFORE UPDATE ON notification FOR EACH ROW "
        "WHEN (OLD.push_at IS NOT NULL AND NEW.push_at IS NULL) "
        "EXECUTE FUNCTION pg_temp.refuse()",
    )
    announced = await _sql(
        runtime,
        "INSERT INTO announcement (id, title, body, link, audience, send_at, reached, "
        "created_at) VALUES (gen_random_uuid(), 'News', 'Hello all', 'wonderspaced://home', "
        "'everyone', :at, 0, :at) RETURNING id",
        at=now - timedelta(minutes=1),
    )

    summary = await tick(runtime, now=now)

    assert "2 reminders" in summary
    assert "failed pushes" in summary
    assert "1 announcements" in summary
    assert len(await _reminders(runtime, london.profile_id)) == 1
    assert len(await _reminders(runtime, nowhere.profile_id)) == 1
    assert await _reminders(runtime, broken.profile_id) == []
    queued = await _sql(
        runtime,
        "SELECT payload ->> 'notification_id' FROM outbox_message "
        "WHERE name = 'notifications.push'",
    )
    nowhere_reminder = await _sql(
        runtime,
        "SELECT id::text FROM notification WHERE profile_id = :p AND category = 'reminder'",
        p=uuid.UUID(nowhere.profile_id),
    )
    assert [r[0] for r in queued] == [nowhere_reminder[0][0]]
    (sent_at,) = (
        await _sql(runtime, "SELECT sent_at FROM announcement WHERE id = :i", i=announced[0][0])
    )[0]
    assert sent_at == now
    marks = await _sql(runtime, "SELECT until FROM notification_tick WHERE name = 'new_content'")
    assert [m[0] for m in marks] == [now]
    # The failed part changed nothing and is tried again by the next tick.
    (push_at,) = (
        await _sql(runtime, "SELECT push_at FROM notification WHERE id = :i", i=waiting.id)
    )[0]
    assert push_at == now - timedelta(minutes=5)
