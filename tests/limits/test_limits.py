"""Limits through the API: who may set them, the day they make, and the lock the server
keeps on an explorer's play, across midnight, daylight-saving changes and a family's move."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import sqlalchemy as sa

from app.reports.live import tick
from app.runtime import Runtime
from tests.limits.helpers import heartbeat, learned, set_limits, set_zone, today, utc
from tests.progress.fixtures import Catalogue, Clock, Explorer
from tests.support.auth import kid_token

WEEK = {
    "monday": 30,
    "tuesday": 30,
    "wednesday": 20,
    "thursday": 30,
    "friday": 45,
    "saturday": 60,
    "sunday": 0,
}


async def test_a_parent_sets_limits_an_explorer_may_not_another_family_cannot_see(
    client: httpx.AsyncClient, explorer: Explorer, stranger: Explorer
) -> None:
    body = {"weekday_minutes": WEEK, "bedtime": {"start": "19:30", "end": "06:30"}}
    put = await client.put(explorer.url("/limits"), json=body, headers=explorer.parent)
    assert put.status_code == 200, put.text
    assert put.json()["weekday_minutes"] == WEEK
    assert put.json()["bedtime"] == {"start": "19:30:00", "end": "06:30:00"}
    got = await client.get(explorer.url("/limits"), headers=explorer.parent)
    assert got.json() == put.json()

    kid = await client.put(explorer.url("/limits"), json={}, headers=explorer.kid)
    assert kid.status_code == 403
    assert kid.json()["code"] == "parents_only"
    assert (await client.get(explorer.url("/limits"), headers=explorer.kid)).status_code == 403
    extend = await client.post(
        explorer.url("/limits/extend"), json={"minutes": 10}, headers=explorer.kid
    )
    assert extend.status_code == 403
    for method, path in (("GET", "/limits"), ("PUT", "/limits"), ("GET", "/limits/today")):
        other = await client.request(
            method,
            explorer.url(path),
            json=body if method == "PUT" else None,
            headers=stranger.parent,
        )
        assert other.status_code == 404, (method, path)
    # The explorer reads its own day (its app shows the lock from it).
    assert (
        await client.get(explorer.url("/limits/today"), headers=explorer.kid)
    ).status_code == 200

    both = await client.put(
        explorer.url("/limits"),
        json={"daily_minutes": 30, "weekday_minutes": WEEK},
        headers=explorer.parent,
    )
    assert both.status_code == 422
    cleared = await client.put(explorer.url("/limits"), json={}, headers=explorer.parent)
    assert cleared.json()["daily_minutes"] is None
    assert cleared.json()["bedtime"] is None


async def test_the_allowance_locks_play_until_midnight_and_keeps_what_was_played(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    await set_zone(client, explorer, "Africa/Accra")  # UTC all year
    await set_limits(client, explorer, {"daily_minutes": 30})
    clock.set(utc(2026, 6, 3, 15, 0))
    await learned(runtime, explorer, utc(2026, 6, 3, 9, 0), 26)
    day = await today(client, explorer)
    assert day["state"] == "wind_down"
    assert day["reason"] == "allowance"
    assert day["minutes_used"] == 26.0
    assert day["minutes_left"] == 4.0
    # Play goes on to the line: the heartbeat that reaches it is recorded.
    first = await heartbeat(client, explorer, catalogue.video, clock)
    assert first.status_code == 200, first.text
    await learned(runtime, explorer, utc(2026, 6, 3, 14, 50), 4)
    day = await today(client, explorer)
    assert day["state"] == "locked"
    assert day["until"] == "2026-06-04T00:00:00Z"

    clock.advance(10)
    refused = await heartbeat(client, explorer, catalogue.video, clock, 20_000)
    assert refused.status_code == 403
    assert refused.json()["code"] == "limit_reached"
    assert refused.headers["Retry-After"] == str(9 * 3600 - 10)
    start = await client.post(
        explorer.url("/quizzes/00000000-0000-0000-0000-000000000001/attempts"), headers=explorer.kid
    )
    assert start.json()["code"] == "limit_reached"
    answer = await client.put(
        explorer.url(f"/attempts/{uuid.uuid4()}/answers/{uuid.uuid4()}"),
        json={"choice_ids": [str(uuid.uuid4())]},
        headers=explorer.kid,
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "limit_reached"
    for path in (
        f"/api/v1/tabs/explore?profile_id={explorer.profile_id}",
        f"/api/v1/tabs/my-explorer?profile_id={explorer.profile_id}",
        "/api/v1/tabs/videos",
        f"/api/v1/videos/{catalogue.video}",
    ):
        screen = await client.get(path, headers=explorer.kid)
        assert screen.status_code == 403, path
        assert screen.json()["code"] == "limit_reached"
    # My adventures, the inbox and a grown-up's reads stay open.
    assert (await client.get(explorer.url("/library"), headers=explorer.kid)).status_code == 200
    assert (await client.get("/api/v1/notifications", headers=explorer.kid)).status_code == 200
    assert (
        await client.get(f"/api/v1/videos/{catalogue.video}", headers=explorer.parent)
    ).status_code == 200
    kept = await client.get(
        explorer.url(f"/progress/video/{catalogue.video}"), headers=explorer.kid
    )
    assert kept.status_code == 200
    assert kept.json()["watched_ms"] == 10_000

    # Midnight: a new day, nothing used.
    clock.set(utc(2026, 6, 4, 0, 0, 5))
    again = await heartbeat(client, explorer, catalogue.video, clock, 20_000)
    assert again.status_code == 200, again.text
    assert (await today(client, explorer))["minutes_used"] < 1


async def test_bedtime_across_midnight_in_the_family_zone_and_the_wind_down(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    await set_zone(client, explorer, "America/New_York")
    await set_limits(client, explorer, {"bedtime": {"start": "19:30", "end": "06:30"}})
    clock.set(utc(2026, 6, 3, 23, 26))  # 19:26 in New York (EDT)
    day = await today(client, explorer)
    assert day["state"] == "wind_down"
    assert day["reason"] == "bedtime"
    assert day["until"] == "2026-06-03T23:30:00Z"
    assert (await heartbeat(client, explorer, catalogue.video, clock)).status_code == 200
    clock.set(utc(2026, 6, 4, 3, 0))  # 23:00 local, the next UTC day
    refused = await heartbeat(client, explorer, catalogue.video, clock, 20_000)
    assert refused.status_code == 403
    # Until 06:30 local: 10:30 UTC.
    assert refused.headers["Retry-After"] == str(int(7.5 * 3600))
    clock.set(utc(2026, 6, 4, 10, 30))
    assert (await heartbeat(client, explorer, catalogue.video, clock, 20_000)).status_code == 200


async def test_daylight_saving_days_and_bedtime(
    client: httpx.AsyncClient, runtime: Runtime, explorer: Explorer, clock: Clock
) -> None:
    await set_zone(client, explorer, "America/New_York")
    await set_limits(
        client, explorer, {"daily_minutes": 60, "bedtime": {"start": "19:30", "end": "06:30"}}
    )
    # 1 November 2026 has 25 hours: 01:30 comes twice. Both count for that day.
    await learned(runtime, explorer, utc(2026, 11, 1, 5, 30), 20)  # 01:30 EDT
    await learned(runtime, explorer, utc(2026, 11, 1, 6, 30), 20)  # 01:30 EST
    clock.set(utc(2026, 11, 1, 15, 0))
    day = await today(client, explorer)
    assert day["date"] == "2026-11-01"
    assert day["minutes_used"] == 40.0
    # That evening's bedtime ends at 06:30 EST: 11:30 UTC, an hour later in UTC than before.
    clock.set(utc(2026, 11, 2, 1, 0))
    day = await today(client, explorer)
    assert day["state"] == "locked"
    assert day["until"] == "2026-11-02T11:30:00Z"
    clock.set(utc(2026, 10, 31, 1, 0))
    assert (await today(client, explorer))["until"] == "2026-10-31T10:30:00Z"
    # Spring forward (8 March 2026, a 23-hour day): bedtime still starts at 19:30 local.
    clock.set(utc(2026, 3, 8, 23, 20))  # 19:20 EDT
    day = await today(client, explorer)
    assert day["state"] == "ok"
    assert day["until"] == "2026-03-08T23:30:00Z"


async def test_a_family_that_moves_reads_its_day_in_the_new_zone(
    client: httpx.AsyncClient, runtime: Runtime, explorer: Explorer, clock: Clock
) -> None:
    await set_zone(client, explorer, "Africa/Accra")
    await set_limits(client, explorer, {"daily_minutes": 30})
    await learned(runtime, explorer, utc(2026, 6, 3, 10, 0), 30)
    clock.set(utc(2026, 6, 3, 20, 0))
    assert (await today(client, explorer))["state"] == "locked"
    # In Tokyo it is already 5 o'clock on the 4th: a new day, nothing used yet (that play
    # was on the evening of the 3rd there).
    await set_zone(client, explorer, "Asia/Tokyo")
    day = await today(client, explorer)
    assert day["date"] == "2026-06-04"
    assert day["state"] == "ok"
    assert day["minutes_used"] == 0


async def test_a_parent_extends_with_the_pin_and_the_lock_ends_at_once(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    await set_zone(client, explorer, "Africa/Accra")
    await set_limits(
        client, explorer, {"daily_minutes": 20, "bedtime": {"start": "19:30", "end": "06:30"}}
    )
    pin = await client.put("/api/v1/accounts/me/pin", json={"pin": "2468"}, headers=explorer.parent)
    assert pin.status_code == 204, pin.text
    # A new PIN ends the explorer's sign-in: the app starts kid mode again with it.
    explorer.kid = await kid_token(client, explorer.parent, explorer.profile_id, pin="2468")
    clock.set(utc(2026, 6, 3, 16, 0))
    await learned(runtime, explorer, utc(2026, 6, 3, 15, 0), 20)
    assert (await heartbeat(client, explorer, catalogue.video, clock)).status_code == 403

    url = explorer.url("/limits/extend")
    assert (await client.post(url, json={"minutes": 15}, headers=explorer.parent)).json()[
        "code"
    ] == "pin_required"
    wrong = await client.post(url, json={"minutes": 15, "pin": "1111"}, headers=explorer.parent)
    assert wrong.json()["code"] == "wrong_pin"
    granted = await client.post(url, json={"minutes": 15, "pin": "2468"}, headers=explorer.parent)
    assert granted.status_code == 200, granted.text
    assert granted.json()["state"] == "ok"
    assert granted.json()["minutes_allowed"] == 35
    assert (await heartbeat(client, explorer, catalogue.video, clock)).status_code == 200

    # At bedtime, ten more minutes pause it for ten minutes.
    clock.set(utc(2026, 6, 3, 19, 40))
    assert (await heartbeat(client, explorer, catalogue.video, clock, 20_000)).status_code == 403
    more = await client.post(url, json={"minutes": 10, "pin": "2468"}, headers=explorer.parent)
    assert more.json()["state"] == "ok"
    assert (await heartbeat(client, explorer, catalogue.video, clock, 20_000)).status_code == 200
    clock.set(utc(2026, 6, 3, 19, 47))
    assert (await today(client, explorer))["state"] == "wind_down"
    clock.set(utc(2026, 6, 3, 19, 51))
    assert (await heartbeat(client, explorer, catalogue.video, clock, 30_000)).status_code == 403
    async with runtime.db.session() as session:
        extra = await session.scalar(
            sa.text("SELECT extra_minutes FROM limit_day WHERE profile_id = :p").bindparams(
                p=uuid.UUID(explorer.profile_id)
            )
        )
    assert extra == 25


async def _events(runtime: Runtime, who: Explorer) -> list[tuple[str, dict]]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT type, data FROM notification_event WHERE profile_id = :p ORDER BY seq"
            ).bindparams(p=uuid.UUID(who.profile_id))
        )
        return [(r.type, r.data) for r in rows]


async def test_the_stream_hears_the_warning_the_lock_and_a_grant_once_each(
    client: httpx.AsyncClient, runtime: Runtime, explorer: Explorer, clock: Clock
) -> None:
    await set_zone(client, explorer, "Africa/Accra")
    await set_limits(client, explorer, {"daily_minutes": 30})
    await learned(runtime, explorer, utc(2026, 6, 3, 14, 0), 26)
    now = utc(2026, 6, 3, 14, 40)
    await tick(runtime, now)
    await tick(runtime, now + timedelta(seconds=30))  # a rerun sends nothing twice
    await learned(runtime, explorer, utc(2026, 6, 3, 14, 30), 4)
    await tick(runtime, now + timedelta(minutes=1))
    await tick(runtime, now + timedelta(minutes=2))
    events = await _events(runtime, explorer)
    assert [kind for kind, _ in events] == ["limit_warning", "limit_reached"]
    assert events[0][1]["today"]["state"] == "wind_down"
    assert events[1][1]["today"]["until"] == "2026-06-04T00:00:00Z"

    clock.set(now + timedelta(minutes=3))
    granted = await client.post(
        explorer.url("/limits/extend"), json={"minutes": 10}, headers=explorer.parent
    )
    assert granted.status_code == 200, granted.text
    await runtime.worker.run_due()
    events = await _events(runtime, explorer)
    assert events[-1][0] == "limit_extended"
    assert events[-1][1]["today"]["state"] == "ok"
    # The new lock, once six of the ten minutes are played, is warned about again.
    await learned(runtime, explorer, utc(2026, 6, 3, 14, 45), 6)
    await tick(runtime, now + timedelta(minutes=9))
    assert (await _events(runtime, explorer))[-1][0] == "limit_warning"


async def test_an_explorers_days_are_kept_a_month(
    client: httpx.AsyncClient, runtime: Runtime, explorer: Explorer, clock: Clock
) -> None:
    from app.limits import service as limits_service

    await set_limits(client, explorer, {"daily_minutes": 30})
    clock.set(utc(2026, 6, 3, 12, 0))
    granted = await client.post(
        explorer.url("/limits/extend"), json={"minutes": 5}, headers=explorer.parent
    )
    assert granted.status_code == 200
    export = (await client.get("/api/v1/accounts/me/export", headers=explorer.parent)).json()
    assert export["limits"]["limits"][0]["daily_minutes"] == 30
    assert export["limits"]["granted"][0]["extra_minutes"] == 5
    async with runtime.db.session() as session:
        assert await limits_service.prune_days(session, utc(2026, 7, 7, 0, 0)) == 0
        assert await limits_service.prune_days(session, utc(2026, 7, 9, 0, 0)) == 1
    deleted = await client.delete(
        f"/api/v1/profiles/{explorer.profile_id}", headers=explorer.parent
    )
    assert deleted.status_code == 204
    async with runtime.db.session() as session:
        left = await session.scalar(
            sa.text("SELECT count(*) FROM screen_limit WHERE profile_id = :p").bindparams(
                p=uuid.UUID(explorer.profile_id)
            )
        )
    assert left == 0
